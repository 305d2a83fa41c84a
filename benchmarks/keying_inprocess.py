"""In-process cost of next page and submit (Flask test client, no HTTP), for profiling.

Seeds a throw-away database (10,000 pages), then times N calls of /healthz, next and submit,
twice (the second round with the first round's pages done and more rows around).
Add --profile to print a cProfile of the first round. Prints wall time per call and the CPU
this process and the local PostgreSQL server spent per call.

    python benchmarks/keying_inprocess.py --database sqlite --calls 300
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keying_load import values_for  # noqa: E402
from keying_seed import SLUG, create_database, drop_database, seed, token_for  # noqa: E402


def postgres_cpu() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (0 where none run)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:]
        if name.startswith("postgres"):
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    n = args.calls
    url, data_dir = create_database(args.database)
    try:
        seed(url, data_dir, 10_000, 2 * n + 10)
        from crowdcat import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": str(data_dir),
                          "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
        client = app.test_client()
        statements = [0]
        with app.app_context():
            from sqlalchemy import event

            from crowdcat.extensions import db

            @event.listens_for(db.engine, "before_cursor_execute")
            def _count(*_args):  # noqa: ANN002, ANN202 - counts every statement sent
                statements[0] += 1
        rng = random.Random(1)
        reserved: list[tuple[str, int]] = []

        def bench(label, call, count):  # noqa: ANN001, ANN202
            statements[0] = 0
            start, cpu, server = time.perf_counter(), time.process_time(), postgres_cpu()
            for i in range(count):
                call(i)
            elapsed = (time.perf_counter() - start) / count * 1000
            cpu = (time.process_time() - cpu) / count * 1000
            server = (postgres_cpu() - server) / count * 1000
            # BEGIN and COMMIT are not cursor executions: add them for round trips.
            per_call = statements[0] / count
            print(f"{label:10} {elapsed:7.2f} ms/call  {per_call:5.2f} statements/call "
                  f"through SQLAlchemy  CPU: app {cpu:5.2f} ms, PostgreSQL {server:5.2f} ms")

        def healthz(_i):  # noqa: ANN001, ANN202
            assert client.get("/healthz").status_code == 200

        def next_page(i, offset=0):  # noqa: ANN001, ANN202
            token = token_for(i + 1 + offset)
            response = client.post(f"/api/v1/projects/{SLUG}/next",
                                   headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.data
            reserved.append((token, response.json["item_id"]))

        def submit(i):  # noqa: ANN001, ANN202
            token, item_id = reserved[i]
            response = client.post(f"/api/v1/items/{item_id}/submissions",
                                   headers={"Authorization": f"Bearer {token}"},
                                   json={"values": values_for(item_id, rng)})
            assert response.status_code == 201, response.data

        bench("healthz", healthz, n)
        profile = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
        if profile:
            profile.enable()
        bench("next", next_page, n)
        if profile and os.environ.get("ONLY_NEXT"):
            profile.disable()
        bench("submit", submit, n)
        if profile:
            profile.disable()
            pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)
        reserved.clear()
        bench("next 2", lambda i: next_page(i, offset=n), n)
        bench("submit 2", submit, n)
    finally:
        drop_database(url, data_dir)


if __name__ == "__main__":
    main()
