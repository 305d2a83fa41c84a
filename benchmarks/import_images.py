"""Benchmark scan import and image serving: A4 300-dpi JPEG scans, gunicorn on 127.0.0.1.

1. Generate N scans of 2480 × 3508 px (A4 at 300 dpi) once into --scans-dir: a few base
   pages, each file with its own noise patch so every content hash differs.
2. Import them with `crowdcat import` into a fresh SQLite data directory as items of
   --pages-per-item images each (a flat folder named by archival reference and page,
   L9-1-0001-0001.jpg ..., grouped by the default file-name pattern; or --layout folders,
   one sub-folder per item), originals stored, web-size and thumbnail derivatives made:
   wall time, images/s, items, peak RSS of the import.
3. Serve with gunicorn and measure requests/s (C concurrent clients, each phase bounded in
   time and count) for a static file, the web image, the thumbnail, a 304 revalidation,
   warm IIIF tiles (cached) and cold IIIF tiles (first request of a page's zoom level).

    python benchmarks/import_images.py --count 2000 --pages-per-item 4
    python benchmarks/import_images.py --count 200 --duration 5   # a quick run
"""
from __future__ import annotations

import argparse
import io
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
A4 = (2480, 3508)
BASES = 4
EMAIL, PASSWORD = "bench-admin@example.org", "benchmark password 1"


def _base(index: int) -> Image.Image:
    """A page-like base image: paper tone, lines of 'text', a stamp."""
    rng = random.Random(index)
    image = Image.new("RGB", A4, (232 - index * 3, 224, 204))
    draw = ImageDraw.Draw(image)
    for row in range(300, A4[1] - 300, 70):
        x = 250
        while x < A4[0] - 300:
            width = rng.randint(20, 60)
            draw.rectangle((x, row, x + width, row + 40), fill=(40, 38, 45))
            x += width + rng.randint(8, 30)
    draw.ellipse((1700, 2900, 2100, 3300), outline=(170, 40, 40), width=18)
    return image


def _make(args: tuple[int, str]) -> None:
    """Write scan number `n` (base page + a noise patch unique to n)."""
    n, folder = args
    image = _base(n % BASES)
    rng = random.Random(n)
    patch = Image.frombytes("RGB", (96, 96), rng.randbytes(96 * 96 * 3))
    image.paste(patch, (rng.randint(0, A4[0] - 96), rng.randint(0, A4[1] - 96)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    Path(folder, f"scan-{n:05d}.jpg").write_bytes(out.getvalue())


def generate(folder: Path, count: int) -> float:
    """Make the missing scans in parallel; returns seconds spent."""
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(n, str(folder)) for n in range(1, count + 1)
            if not (folder / f"scan-{n:05d}.jpg").exists()]
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(_make, todo, chunksize=8))
    return time.perf_counter() - started


def _env(data_dir: Path) -> dict[str, str]:
    """Environment of every crowdcat process of the run (SQLite in the data dir)."""
    env = os.environ | {"CROWDCAT_DATA_DIR": str(data_dir), "RATELIMIT_ENABLED": "false",
                        "SECRET_KEY": "bench"}
    env.pop("DATABASE_URL", None)
    return env


def _crowdcat(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run a crowdcat command; return its stdout."""
    done = subprocess.run([str(ROOT / ".venv/bin/crowdcat"), *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"crowdcat {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


SETUP = """
from crowdcat import create_app
from crowdcat.extensions import db
from crowdcat.models import ProjectStatus, User
from crowdcat.services.projects.setup import create_project
from sqlalchemy import select
app = create_app()
with app.app_context():
    admin = db.session.scalar(select(User))
    create_project(db.session, admin, {"title": "Bench", "slug": "bench",
                   "status": ProjectStatus.ACTIVE}, template="republic_file_level")
    db.session.commit()
"""


def import_scans(folder: Path, data_dir: Path) -> dict[str, float]:
    """Create the database, an admin and a project; time `crowdcat import`."""
    env = _env(data_dir)
    _crowdcat(env, "db", "upgrade")
    _crowdcat(env, "create-user", EMAIL, "--role", "admin", "--password-stdin",
              stdin=PASSWORD + "\n")
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    output = _crowdcat(env, "import", "bench", str(folder))
    seconds = time.perf_counter() - started
    found = re.search(r"(\d+) images added to (\d+) items", output)
    pages, items = int(found.group(1)), int(found.group(2))
    # ru_maxrss of the largest child so far: the import (the set-up steps are smaller).
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    derived = sum(p.stat().st_size for p in (data_dir / "scans" / "derived").rglob("*.jpg"))
    originals = sum(p.stat().st_size for p in (data_dir / "scans").glob("??/*"))
    return {"pages": pages, "items": items, "seconds": seconds, "pages_per_s": pages / seconds,
            "peak_rss_mb": peak_mb, "originals_mb": originals / 2**20,
            "derived_mb": derived / 2**20}


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn on 127.0.0.1; waits until /healthz answers."""
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=_env(data_dir), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the gunicorn we started (its own process group)."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def log_in(base: str) -> httpx.Cookies:
    """The session cookie of the benchmark admin."""
    with httpx.Client(base_url=base) as client:
        page = client.get("/auth/login").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        response = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD,
                                                     "csrf_token": token})
        assert response.status_code in (302, 303), response.status_code
        return client.cookies


def run_phase(base: str, cookies: httpx.Cookies, clients: int, duration: float, limit: int,
              paths, headers: dict[str, str] | None = None) -> dict:  # noqa: ANN001
    """GET paths from `paths(i)` with `clients` threads until the deadline or `limit`."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(limit))
    deadline = time.perf_counter() + duration

    def worker() -> None:
        with httpx.Client(base_url=base, cookies=cookies, headers=headers, timeout=60) as client:
            while time.perf_counter() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                started = time.perf_counter()
                status = client.get(paths(n)).status_code
                with lock:
                    latencies.append(time.perf_counter() - started)
                    statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    q = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "statuses": statuses}


def serve(data_dir: Path, pages: int, clients: int, duration: float, workers: int) -> dict:
    """Requests/s of each kind of image request next to a static file, same server."""
    server, base = start_server(data_dir, workers)
    try:
        cookies = log_in(base)
        ids = list(range(1, pages + 1))
        rng = random.Random(1)
        web = httpx.get(f"{base}/scans/1/image", cookies=cookies)
        etag = web.headers["ETag"]
        warm_tiles = [f"/iiif/{i}/0,0,1024,1024/512,512/0/default.jpg" for i in ids[:20]]
        for path in warm_tiles:  # render these levels once, so the phase reads the cache
            httpx.get(base + path, cookies=cookies, timeout=60)
        cold = iter(ids[20:])
        phases = {
            "static file (app.css)": lambda n: "/static/css/app.css",
            "web image (1600 px)": lambda n: f"/scans/{rng.choice(ids)}/image",
            "thumbnail (240 px)": lambda n: f"/scans/{rng.choice(ids)}/thumbnail",
            "IIIF tile, cached": lambda n: warm_tiles[n % len(warm_tiles)],
            "IIIF tile, cold (renders a level)":
                lambda n: f"/iiif/{next(cold, 1)}/0,0,512,512/512,512/0/default.jpg",
            "IIIF info.json": lambda n: f"/iiif/{rng.choice(ids)}/info.json",
        }
        results = {name: run_phase(base, cookies, clients, duration, 20_000, paths)
                   for name, paths in phases.items()}
        results["web image, 304 revalidation"] = run_phase(
            base, cookies, clients, duration, 20_000, lambda n: "/scans/1/image",
            headers={"If-None-Match": etag})
        return results
    finally:
        stop_server(server)


def main() -> None:
    """Parse arguments, run, print a Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--scans-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "crowdcat-bench-scans")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--pages-per-item", type=int, default=4)
    parser.add_argument("--layout", choices=("pattern", "folders"), default="pattern")
    args = parser.parse_args()

    made = generate(args.scans_dir, args.count)
    files = sorted(args.scans_dir.glob("scan-*.jpg"))[: args.count]
    folder = Path(tempfile.mkdtemp(prefix="crowdcat-bench-in-"))
    for n, path in enumerate(files):
        item, page = divmod(n, args.pages_per_item)
        reference = f"L9-1-{item + 1:04d}"
        if args.layout == "folders":
            (folder / reference).mkdir(exist_ok=True)
            (folder / reference / f"{page + 1:04d}.jpg").symlink_to(path)
        else:
            (folder / f"{reference}-{page + 1:04d}.jpg").symlink_to(path)
    data_dir = Path(tempfile.mkdtemp(prefix="crowdcat-bench-data-"))
    try:
        size_mb = sum(p.stat().st_size for p in files) / 2**20
        print(f"scans: {len(files)} × {A4[0]}×{A4[1]} JPEG, {size_mb:.0f} MB "
              f"(generated now: {made:.0f} s)")
        result = import_scans(folder, data_dir)
        print(f"import ({args.layout}): {result['pages']} images in {result['items']} items, "
              f"{result['seconds']:.1f} s = {result['pages_per_s']:.1f} images/s; "
              f"peak RSS {result['peak_rss_mb']:.0f} MB; "
              f"originals {result['originals_mb']:.0f} MB, derivatives "
              f"{result['derived_mb']:.0f} MB")
        served = serve(data_dir, result["pages"], args.clients, args.duration, args.workers)
        static = served["static file (app.css)"]["rps"]
        print(f"\nserving: gunicorn {args.workers} sync workers, {args.clients} clients, "
              f"{args.duration:.0f} s per phase\n")
        print("| request | requests | req/s | p50 ms | p95 ms | vs static | statuses |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for name, row in served.items():
            print(f"| {name} | {row['requests']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
                  f"{row['p95_ms']:.1f} | {row['rps'] / static:.2f} | {row['statuses']} |")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
