"""Instructions the app executes per /healthz, next page and submit (valgrind callgrind).

Speed measured in seconds drifts by a third within minutes on a shared machine; an
instruction count does not: the same code on the same data counts the same to a few parts
in ten thousand, whatever else the machine is doing. So a change to the hot paths can be
judged by this count before the (noisy) load benchmark confirms it in requests per second.

Each phase runs in a fresh process under `valgrind --tool=callgrind` against a freshly
seeded database (seeded outside valgrind): the app is created, 30 next-page-and-submit pairs
warm it up (imports, compiled statements, caches), then the phase makes N calls through
Flask's test client (no HTTP server: gunicorn's part and the database server's are not
counted). The per-call figure is the phase's total minus that of a run that stops after the
warm-up, divided by N. Two processes run at once.

    python benchmarks/keying_instructions.py --database postgresql --calls 100
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keying_seed import ROOT, SLUG, create_database, drop_database, seed, token_for  # noqa: E402

PHASES = ("warm-up only", "healthz", "next", "next+submit")
WARM_UP = 30


def child(url: str, data_dir: str, phase: str, calls: int) -> None:
    """Under valgrind: warm up, then make `calls` calls of the phase."""
    sys.path.insert(0, str(ROOT))
    from keying_load import values_for

    from crowdcat import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": data_dir,
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    client, rng = app.test_client(), random.Random(1)

    def next_page(n: int) -> tuple[dict, int]:
        headers = {"Authorization": f"Bearer {token_for(n)}"}
        response = client.post(f"/api/v1/projects/{SLUG}/next", headers=headers)
        assert response.status_code == 200, response.data
        return headers, response.json["item_id"]

    def submit(headers: dict, item_id: int) -> None:
        response = client.post(f"/api/v1/items/{item_id}/submissions", headers=headers,
                               json={"values": values_for(item_id, rng)})
        assert response.status_code == 201, response.data

    for n in range(1, WARM_UP + 1):
        submit(*next_page(n))
    if phase == "healthz":
        for _ in range(calls):
            assert client.get("/healthz").status_code == 200
    elif phase.startswith("next"):
        reserved = [next_page(WARM_UP + 1 + i) for i in range(calls)]
        if phase == "next+submit":
            for headers, item_id in reserved:
                submit(headers, item_id)


def measure(database: tuple[str, Path], phase: str, calls: int) -> int:
    """Instructions of one child run on its own seeded database."""
    url, data_dir = database
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--child", json.dumps([url, str(data_dir), phase, calls])],
        capture_output=True, text=True, env=os.environ | {"PYTHONHASHSEED": "0"},
        cwd=ROOT, check=False)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or found is None:
        raise RuntimeError(f"{phase}: valgrind run failed\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*json.loads(args.child))
        return
    databases = []
    try:
        for _phase in PHASES:  # seeded one after the other (Alembic is not thread-safe)
            databases.append(create_database(args.database))
            seed(*databases[-1], 2000, WARM_UP + args.calls + 10)
        with ThreadPoolExecutor(max_workers=2) as pool:
            counts = pool.map(lambda pair: measure(pair[0], pair[1], args.calls),
                              zip(databases, PHASES, strict=True))
            totals = dict(zip(PHASES, counts, strict=True))
    finally:
        for database in databases:
            drop_database(*database)
    base, n = totals["warm-up only"], args.calls
    healthz = (totals["healthz"] - base) / n
    next_page = (totals["next"] - base) / n
    submit = (totals["next+submit"] - totals["next"]) / n
    print(f"# {args.database}, {n} calls per phase, instructions per call (app process)")
    for label, count in (("healthz", healthz), ("next", next_page), ("submit", submit)):
        print(f"{label:8} {count / 1e6:7.3f} M  ({count / healthz:4.2f}x healthz)")
    print("JSON " + json.dumps({"database": args.database, "calls": n, "healthz": healthz,
                                "next": next_page, "submit": submit}))


if __name__ == "__main__":
    main()
