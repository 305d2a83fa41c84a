"""Log-in limits under a real multi-worker gunicorn: counted once for all workers.

gunicorn runs 2 workers that each live only a few requests (--max-requests), so any count kept
in a worker's memory would be lost again and again: only a store the workers share (the SQLite
file by default, Redis when configured) can answer 429 on time. 127.0.0.1 only; bounded.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EMAIL = "owner@example.org"
PASSWORD = "a long and quiet passphrase"
ATTACKER, OWNER = "203.0.113.7", "198.51.100.20"
REDIS = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_or_skip() -> None:
    """Skip the Redis leg when no Redis answers on 127.0.0.1:6379."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS}: {exc}")


@pytest.fixture(params=["sqlite-file", "redis"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """gunicorn -w 2 on a fresh SQLite database; yields its base URL and its access log."""
    prefix = f"crowdcat-test-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "CROWDCAT_DATA_DIR": str(tmp_path), "SECRET_KEY": "gunicorn-test", "CROWDCAT_LOCALE": "en",
        "RATELIMIT_ENABLED": "true", "RATELIMIT_KEY_PREFIX": prefix,
        "CROWDCAT_TRUSTED_PROXIES": "1",  # the test names its client in X-Forwarded-For
        "CROWDCAT_LOGIN_SLOW_AFTER": "50",  # this test looks at the lock, not the slow-down
    }
    env.pop("DATABASE_URL", None)
    env.pop("RATELIMIT_STORAGE_URI", None)
    if request.param == "redis":
        _redis_or_skip()
        env["RATELIMIT_STORAGE_URI"] = REDIS
    subprocess.run([BIN / "crowdcat", "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    subprocess.run([BIN / "crowdcat", "create-user", EMAIL, "--password-stdin"], env=env,
                   cwd=ROOT, check=True, capture_output=True, input=PASSWORD + "\n", text=True,
                   timeout=60)
    port, log = _free_port(), tmp_path / "access.log"
    errors = (tmp_path / "gunicorn.err").open("wb")
    process = subprocess.Popen(
        [BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
         "--max-requests", "5", "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s",
         "wsgi:app"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, tmp_path / "gunicorn.err")
        yield base, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        errors.close()
        if request.param == "redis":
            import redis

            client = redis.Redis.from_url(REDIS)
            for key in client.scan_iter(match=f"*{prefix}*"):
                client.delete(key)


def _wait_until_up(base: str, process: subprocess.Popen, errors: Path) -> None:
    """Poll /healthz for up to 60 seconds."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {errors.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer /healthz within 60 seconds")


class Browser:
    """One visitor: its cookies and CSRF token; a new connection per request."""

    def __init__(self, base: str, address: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(
            max_keepalive_connections=0), headers={"X-Forwarded-For": address})
        page = self.client.get("/auth/login").text
        self.csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def close(self) -> None:
        """Close the client."""
        self.client.close()

    def login(self, password: str) -> httpx.Response:
        """Post the log-in form."""
        return self.client.post("/auth/login", data={
            "csrf_token": self.csrf, "email": EMAIL, "password": password})


def test_thirty_wrong_passwords_across_workers_lock_the_account_for_that_network(server):
    base, log = server
    attacker, owner = Browser(base, ATTACKER), Browser(base, OWNER)
    try:
        _attack_then_owner(attacker, owner)
    finally:
        attacker.close()
        owner.close()
    pids = {line.split()[0] for line in log.read_text().splitlines() if line.strip()}
    assert len(pids) >= 3  # the answers came from several short-lived worker processes


def _attack_then_owner(attacker: Browser, owner: Browser) -> None:
    """30 wrong passwords from one network, then the right one from it and from another."""
    statuses = [attacker.login(f"wrong guess {n:02d}").status_code for n in range(30)]
    # 10 failures lock the account for this network; after 20 posts the address is limited.
    assert statuses == [422] * 10 + [429] * 20
    locked = attacker.login(PASSWORD)
    assert locked.status_code == 429
    assert attacker.client.get("/me").status_code == 302
    assert owner.login(PASSWORD).status_code == 302
    assert owner.client.get("/me").status_code == 200
