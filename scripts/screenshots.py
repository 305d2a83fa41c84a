"""Retake the README screenshots from the real app in headless Chromium.

Usage: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Builds a throw-away data directory with the demo project, serves it with gunicorn on a
free local port, logs in as the demo accounts and saves one PNG per main screen.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_SLUG = "republic-files-demo"
LIST_SLUG = "volume-lists-demo"
# (file name, account to log in as or None, path or a callable taking the page, UI language)
SCREENS = [
    ("home", None, "/", "zh_Hant"),
    ("keying", "vol1", f"/projects/{DEMO_SLUG}/key", "zh_Hant"),
    ("contributions", "vol2", "/me/contributions", "zh_Hant"),
    ("review-queue", "reviewer", f"/review/{DEMO_SLUG}", "zh_Hant"),
    ("review", "reviewer", "first-review-entry", "zh_Hant"),
    ("project-admin", "admin", f"/admin/projects/{DEMO_SLUG}", "zh_Hant"),
    ("export", "admin", f"/review/{DEMO_SLUG}/export", "en"),
    # The second demo project keys 卷內文件目錄 pages as lists of rows.
    ("list-keying", "vol1", f"/projects/{LIST_SLUG}/key", "zh_Hant"),
    ("list-review", "reviewer", f"first-review-entry:{LIST_SLUG}", "zh_Hant"),
]


def _free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(data_dir: str, port: int) -> subprocess.Popen:
    """Migrate, load the demo and start gunicorn; return the server process."""
    env = os.environ | {"CROWDCAT_DATA_DIR": data_dir, "RATELIMIT_ENABLED": "false"}
    subprocess.run([BIN / "crowdcat", "db", "upgrade"], env=env, check=True, cwd=ROOT,
                   capture_output=True)
    demo = subprocess.run([BIN / "crowdcat", "demo"], env=env, check=True, cwd=ROOT,
                          capture_output=True, text=True)
    server = subprocess.Popen([BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "wsgi:app"], env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310 - local only
            break
        except OSError:
            time.sleep(0.1)
    server.demo_output = demo.stdout  # type: ignore[attr-defined]
    return server


def _passwords(demo_output: str) -> dict[str, tuple[str, str]]:
    """Demo accounts as printed by `crowdcat demo`: short name -> (e-mail, password)."""
    found = re.findall(r"(\S+@demo\.crowdcat\.org)\s+(\S+)", demo_output)
    return {email.split("@")[0]: (email, password) for email, password in found}


def main() -> int:
    """Take every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        server = _serve(data_dir, port)
        accounts = _passwords(server.demo_output)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
                for name, who, target, lang in SCREENS:
                    context = browser.new_context(base_url=base,
                                                  viewport={"width": 1366, "height": 900})
                    page = context.new_page()
                    page.goto("/")
                    page.locator(f"form.lang-switch button[formaction$='/lang/{lang}']").click()
                    if who:
                        email, password = accounts[who]
                        page.goto("/auth/login")
                        page.fill("input[name=email]", email)
                        page.fill("input[name=password]", password)
                        page.locator("main form [type=submit]").last.click()
                    if target.startswith("first-review-entry"):
                        _, _, slug = target.partition(":")
                        page.goto(f"/review/{slug or DEMO_SLUG}")
                        page.locator("a[href*='/review/entries/']").first.click()
                    else:
                        page.goto(target)
                    page.wait_for_load_state("networkidle")
                    time.sleep(0.5)  # let the viewer finish drawing tiles
                    page.screenshot(path=str(out / f"{name}.png"))
                    print(f"saved {out / name}.png")
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
