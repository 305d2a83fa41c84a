"""Load benchmark for keying: next page and submit against /healthz, on gunicorn at 127.0.0.1.

For each database and page count: seed a fresh database (keying_seed.py), start gunicorn,
then run phases with C concurrent async clients (httpx), each bounded in time and count:

  healthz  GET /healthz                                   (the trivial baseline)
  next     POST /api/v1/projects/bench/next               (a new volunteer each call)
  submit   POST /api/v1/items/<id>/submissions            (the items reserved in `next`)
  mixed    next + submit in a loop, fresh volunteers      (steady state: few live reservations)

after an unmeasured warm-up (WARM_UP requests of mixed: every pooled connection prepares its
statements), in rounds (default 3): each round's ratios are taken against its own healthz
phase, and the medians over the rounds are reported (a shared machine drifts over a run).
Prints req/s, p50 and p95 per phase and round. Databases are dropped at the end.
With --rows N the project is in list mode (keying_seed.py --rows) and each submission sends
the header's values and N rows (rows_for: realistic, mostly agreeing between volunteers).

    python benchmarks/keying_load.py --database sqlite --items 10000
    python benchmarks/keying_load.py --database postgresql --items 10000 --rows 15
    python benchmarks/keying_load.py --database postgresql --items 1000000 --rounds 5
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keying_seed import (  # noqa: E402
    HEADER_KEYS,
    ROOT,
    SLUG,
    autovacuum,
    create_database,
    drop_database,
    seed,
    token_for,
)

# Requests of the unmeasured warm-up (next and submit in turn), before the first round.
WARM_UP = 600
DATES = ["民國三十七年五月十日", "民國37年5月10日", "1948-05-10", "1948.5.10"]


def values_for(item_id: int, rng: random.Random) -> dict[str, str]:
    """What a volunteer types for a page: mostly agreeing, now and then a different count."""
    return {
        "fonds_no": "J001", "catalog_no": "1", "volume_no": str(item_id // 50 + 1),
        "item_no": str(item_id % 50 + 1), "title": f"關於第{item_id}號文件的訓令",
        "creator": "上海市政府", "doc_no": "", "recipient": "", "date": rng.choice(DATES),
        "pages": rng.choice(["3", "3", "3", "三", "4"]), "doc_type": "訓令",
        "classification": "普通", "language": "漢語", "notes": "",
    }


CREATORS = ["浙江省政府", "浙江省民政廳", "杭州市政府", "浙江省教育廳"]
DOC_TYPES = ["訓令", "呈", "函", "代電"]


def rows_for(item_id: int, rng: random.Random, count: int) -> list[dict[str, str]]:
    """A list item's rows as a volunteer types them: the same files for every volunteer
    (seeded by the item), typed a little differently (a date's form, 同上 for a repeated
    責任者, a page count in figures or characters), now and then a cell really differing."""
    files = random.Random(item_id)
    rows = []
    for n in range(1, count + 1):
        creator = files.choice(CREATORS)
        same_creator = bool(rows) and files.random() < 0.3
        pages = str(files.randint(1, 12))
        row = {
            "item_no": str(n), "title": f"關於第{item_id}卷第{n}件{files.choice(DOC_TYPES)}事由",
            "creator": (rows[-1]["_creator"] if same_creator else creator),
            "doc_no": f"府秘字第{item_id % 900 + n}號" if files.random() < 0.5 else "",
            "recipient": "", "date": rng.choice(DATES),
            "pages": rng.choice([pages, pages, pages, "三" if pages == "3" else pages]),
            "doc_type": "訓令", "classification": "普通", "language": "漢語", "notes": "",
        }
        row["_creator"] = row["creator"]
        if same_creator and rng.random() < 0.5:
            row["creator"] = rng.choice(["同上", "〃"])  # a ditto mark, resolved to the same
        if rng.random() < 0.01:
            row["pages"] = str(int(pages) + 1)  # a real disagreement in one cell
        rows.append(row)
    return [{k: v for k, v in row.items() if k != "_creator"} for row in rows]


def body_for(item_id: int, rng: random.Random, rows: int = 0) -> dict:
    """A submission's JSON body: the values, and with rows > 0 the header and `rows` rows."""
    values = values_for(item_id, rng)
    if not rows:
        return {"values": values}
    return {"values": {key: values[key] for key in HEADER_KEYS},
            "rows": rows_for(item_id, rng, rows)}


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, data_dir: Path, workers: int,
                 threads: int = 1) -> tuple[subprocess.Popen, str]:
    """gunicorn on 127.0.0.1 with the app on this database; waits until /healthz answers."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": url, "CROWDCAT_DATA_DIR": str(data_dir),
                        "RATELIMIT_ENABLED": "false", "SECRET_KEY": "bench"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning",
         # Idle keep-alive connections between phases must not be closed under the clients.
         "--keep-alive", "120",
         *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
         "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )
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


def cpu_seconds(server_group: int) -> dict[str, float]:
    """CPU seconds used so far by the load generator, gunicorn and the local PostgreSQL.

    Read from /proc, so only live processes count: a PostgreSQL backend that exits during a
    phase (a pool closing connections) takes its CPU with it, and that column reads low.
    """
    tick = os.sysconf("SC_CLK_TCK")
    used = {"client": time.process_time(), "gunicorn": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(fields[2]) == server_group:  # the process group gunicorn was started in
            used["gunicorn"] += seconds
        elif name.startswith("postgres"):
            used["postgres"] += seconds
    return used


class Phase:
    """Latencies, statuses and CPU use of one phase."""

    def __init__(self, name: str) -> None:
        self.name, self.latencies, self.statuses = name, [], {}
        self.started = self.ended = 0.0
        self.cpu: dict[str, float] = {}  # CPU ms per request: client, gunicorn, postgres

    def record(self, seconds: float, status: int) -> None:
        """One request."""
        self.latencies.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self) -> dict:
        """req/s, p50, p95 (ms) and status counts."""
        lat = sorted(self.latencies)
        elapsed = max(self.ended - self.started, 1e-9)
        q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0] if lat else 0] * 99
        return {"phase": self.name, "requests": len(lat), "rps": len(lat) / elapsed,
                "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "statuses": self.statuses,
                "cpu_ms": self.cpu}


async def run_phase(name: str, clients: int, duration: float, job,  # noqa: ANN001
                    cpu=None) -> Phase:  # noqa: ANN001
    """Run `job(client_index, phase, deadline)` in `clients` tasks until it returns.

    cpu(): cumulative CPU seconds by process kind, read before and after the phase.
    """
    phase = Phase(name)
    before = cpu() if cpu else {}
    phase.started = time.perf_counter()
    deadline = phase.started + duration
    await asyncio.gather(*(job(i, phase, deadline) for i in range(clients)))
    phase.ended = time.perf_counter()
    if cpu:
        after, count = cpu(), max(len(phase.latencies), 1)
        phase.cpu = {kind: (after[kind] - before[kind]) * 1000 / count for kind in after}
    return phase


async def timed(client: httpx.AsyncClient, phase: Phase, method: str, url: str, **kw):  # noqa: ANN201, ANN003
    """One request, recorded."""
    start = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
    except httpx.TransportError:  # counted as status 0 (shown in the statuses), not fatal
        phase.record(time.perf_counter() - start, 0)
        return None
    phase.record(time.perf_counter() - start, response.status_code)
    return response


async def benchmark(base: str, clients: int, duration: float, volunteers: int,
                    max_requests: int, shared_pool: bool = False,
                    rounds: int = 1, maintain=None, cpu=None,  # noqa: ANN001
                    rows: int = 0) -> list[list[dict]]:
    """All phases against one server, `rounds` times: a list of phase summaries per round.

    Each round runs healthz, next, submit and mixed, so that every ratio is taken against a
    /healthz measured a few seconds before it (a shared machine drifts over a run). The
    volunteers are shared out between the rounds: next may use 70 % of a round's share,
    mixed the rest (each call a volunteer never seen before). `maintain()` runs before each
    phase, outside its time (see vacuum()); `cpu()` reads the CPU used (cpu_seconds()).
    """
    rng = random.Random(1948)
    # Volunteers are used once each, in turn, across phases: never the same one twice.
    queue = iter(range(1, volunteers + 1))
    # The warm-up's volunteers (WARM_UP mixed calls) come off the top of the queue.
    share = (volunteers - WARM_UP // 2) // rounds
    reserved: list[tuple[str, int]] = []
    # One client with one keep-alive connection per simulated volunteer: httpcore's shared
    # pool looks at every connection for every request, a cost that grows with the number
    # of requests in flight and so weighs on slower endpoints more than on /healthz.
    # --shared-pool: the earlier set-up (one client, one pool of `clients` connections).
    per_client = clients if shared_pool else 1
    limits = httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client)
    async with contextlib.AsyncExitStack() as stack:
        pool = [await stack.enter_async_context(
            httpx.AsyncClient(base_url=base, limits=limits, timeout=60))
            for _ in range(1 if shared_pool else clients)]
        if shared_pool:
            pool *= clients

        def bounded(limit: int):  # noqa: ANN202 - a job factory with a request cap
            def running(phase: Phase, deadline: float) -> bool:
                return time.perf_counter() < deadline and len(phase.latencies) < limit
            return running

        async def healthz(i, phase, deadline, running):  # noqa: ANN001, ANN202
            client = pool[i]
            while running(phase, deadline):
                await timed(client, phase, "GET", "/healthz")

        async def next_page(i, phase, deadline, running):  # noqa: ANN001, ANN202
            client = pool[i]
            while running(phase, deadline):
                n = next(queue, None)
                if n is None:
                    return
                headers = {"Authorization": f"Bearer {token_for(n)}"}
                response = await timed(client, phase, "POST", f"/api/v1/projects/{SLUG}/next",
                                       headers=headers)
                if response is not None and response.status_code == 200:
                    reserved.append((token_for(n), response.json()["item_id"]))

        async def submit(i, phase, deadline, running):  # noqa: ANN001, ANN202
            client = pool[i]
            while running(phase, deadline) and reserved:
                token, item_id = reserved.pop()
                await timed(client, phase, "POST", f"/api/v1/items/{item_id}/submissions",
                            headers={"Authorization": f"Bearer {token}"},
                            json=body_for(item_id, rng, rows))

        async def mixed(i, phase, deadline, running):  # noqa: ANN001, ANN202
            client = pool[i]
            while running(phase, deadline):
                n = next(queue, None)
                if n is None:
                    return
                headers = {"Authorization": f"Bearer {token_for(n)}"}
                response = await timed(client, phase, "POST", f"/api/v1/projects/{SLUG}/next",
                                       headers=headers)
                if response is not None and response.status_code == 200:
                    item_id = response.json()["item_id"]
                    await timed(client, phase, "POST", f"/api/v1/items/{item_id}/submissions",
                                headers=headers, json=body_for(item_id, rng, rows))

        async def run(name, job, limit):  # noqa: ANN001, ANN202
            if maintain is not None:
                await asyncio.to_thread(maintain)
            running = bounded(limit)
            return await run_phase(name, clients, duration,
                                   lambda i, phase, deadline: job(i, phase, deadline, running),
                                   cpu)

        # Warm-up, not measured: every worker's pooled connections run each statement ten
        # times or more (psycopg prepares a statement on its 6th run, PostgreSQL settles on
        # its generic plan after 5 custom ones), as on a server that has been up a minute.
        await run_phase("warm-up", clients, duration, lambda i, phase, deadline: mixed(
            i, phase, deadline, bounded(WARM_UP)))
        results = []
        for _ in range(rounds):
            results.append([(await run(name, job, limit)).summary() for name, job, limit in (
                ("healthz", healthz, max_requests), ("next", next_page, share * 7 // 10),
                ("submit", submit, max_requests), ("mixed", mixed, share * 3 // 10 * 2))])
    return results


def vacuum(url: str):  # noqa: ANN201 - a callable
    """PostgreSQL: autovacuum's work before each phase (it is off on the CI server here).

    A production server runs autovacuum, which analyzes a table once 50 + 10 % of its rows
    changed and clears dead rows; with it off (/etc/postgresql/*/main/conf.d/90-ci.conf on
    these machines) nothing is ever analyzed or vacuumed, and every phase gets slower than
    the last for reasons no production server has. keying_seed.autovacuum applies its rules.
    """
    return lambda: autovacuum(url)


def _cpu_text(cpu: dict[str, float]) -> str:
    """CPU ms per request of the client, gunicorn and PostgreSQL, and their sum."""
    if not cpu:
        return ""
    return (f"{cpu['client']:.2f} / {cpu['gunicorn']:.2f} / {cpu['postgres']:.2f}"
            f" = {sum(cpu.values()):.2f}")


def report(results: list[list[dict]]) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Lines per round and the medians over the rounds of each phase's ratio and latencies."""
    lines = [f"{'round':>5} {'phase':10} {'requests':>8} {'req/s':>8} {'p50 ms':>8} "
             f"{'p95 ms':>8} {'vs healthz':>10}  CPU ms/request (client/gunicorn/postgres)"
             "  statuses"]
    ratios: dict[str, list[float]] = {}
    p95: dict[str, list[float]] = {}
    for n, phases in enumerate(results, start=1):
        baseline = phases[0]["rps"]
        for r in phases:
            ratios.setdefault(r["phase"], []).append(r["rps"] / baseline)
            p95.setdefault(r["phase"], []).append(r["p95_ms"])
            lines.append(f"{n:5d} {r['phase']:10} {r['requests']:8d} {r['rps']:8.1f} "
                         f"{r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['rps'] / baseline:9.0%}  "
                         f"{_cpu_text(r.get('cpu_ms') or {}):>41}  {r['statuses']}")
    medians = {phase: {"ratio": statistics.median(values),
                       "p95_ms": statistics.median(p95[phase])}
               for phase, values in ratios.items()}
    return lines, medians


def explain(url: str) -> list[str]:
    """The plans of the hot queries of next page and submit on the seeded database."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from crowdcat.data import keying as sql
    from crowdcat.data import submit as submit_sql
    from crowdcat.models import Project, User, utcnow
    from crowdcat.services.accounts import tokens as api_tokens
    from crowdcat.services.keying import assignment

    engine = sa.create_engine(url)
    postgres = engine.dialect.name == "postgresql"
    prefix = ("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if postgres
              else "EXPLAIN QUERY PLAN ")
    lines = []
    with Session(engine) as session:
        project = session.scalar(sa.select(Project).where(Project.slug == SLUG))
        user = session.scalar(sa.select(User).order_by(User.id.desc()).limit(1))
        now = utcnow()
        candidate = assignment._candidate_query(project, user.id, now, [])  # locks on PostgreSQL
        queries = {
            "next page: candidate (FOR UPDATE SKIP LOCKED on PostgreSQL)": candidate,
            "token -> user": api_tokens._token_user().params(
                token_hash=api_tokens.hash_token(token_for(1))),
            "project + keyed fields": sql.project_by_slug._build().params(slug=SLUG),
            "own reservation": sql.own_reservation._build().params(
                user_id=user.id, project_id=project.id),
            "submit: page row locked + keyed": sql.page_locked_keyed._build().params(
                item_id=1, user_id=user.id),
            "submit: votes and entry": sql.votes_and_entry._build().params(item_id=1),
        }
        if postgres:  # allowed=False: the plan of the statement, nothing stored
            queries["submit: checks after the lock, insert, drop hold"] = (
                submit_sql.submit_if_room._build().params(
                    item_id=1, user_id=user.id, project_id=project.id, typed_values=None,
                    skip_reason=None, started_at=None, submitted_at=now, duration_seconds=None,
                    now=now, allowed=False, needs_room=True, submission_count=0, wanted=2))
        for title, stmt in queries.items():
            lines.append(f"-- {title}")
            compiled = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
            for row in session.execute(sa.text(prefix + compiled)):
                lines.append("   " + " | ".join(str(c) for c in row))
        session.rollback()
    engine.dispose()
    return lines


def _analyze(url: str) -> None:
    """Refresh the planner's statistics."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--items", "--pages", dest="pages", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=4, help="images per item")
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per worker (gthread worker class when > 1)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per phase (bound)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of healthz, next, submit, mixed (ratios per round)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per phase (bound)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--rows", type=int, default=0,
                        help="list mode: submissions of the header and N rows (issue 16)")
    parser.add_argument("--shared-pool", action="store_true",
                        help="one httpx client for all (slower client: inflates the ratios)")
    args = parser.parse_args()

    url, data_dir = create_database(args.database)
    server = None
    try:
        timings = seed(url, data_dir, args.pages, args.volunteers, args.images, args.rows)
        print(f"# {args.database}, {args.pages:,} items of {args.images} images, "
              f"{args.volunteers:,} volunteers"
              f"{f', list mode, {args.rows} rows per submission' if args.rows else ''}; "
              f"seeded in {sum(timings.values()):.1f}s {json.dumps(timings)}", flush=True)
        print("## plans of the hot queries")
        for line in explain(url):
            print("    " + line)
        server, base = start_server(url, data_dir, args.workers, args.threads)
        maintain = vacuum(url) if args.database == "postgresql" else None
        results = asyncio.run(benchmark(base, args.clients, args.duration, args.volunteers,
                                        args.max_requests, args.shared_pool, args.rounds,
                                        maintain, lambda: cpu_seconds(server.pid),
                                        args.rows))
        pooling = "one shared pool" if args.shared_pool else "one connection each"
        print(f"# gunicorn {args.workers} workers x {args.threads} threads, "
              f"{args.clients} clients ({pooling}), {args.rounds} rounds, "
              f"load average {os.getloadavg()}")
        lines, medians = report(results)
        print("\n".join(lines))
        print("# medians over the rounds: " + ", ".join(
            f"{phase} {m['ratio']:.0%} of healthz (p95 {m['p95_ms']:.0f} ms)"
            for phase, m in medians.items() if phase != "healthz"))
        print("JSON " + json.dumps({"database": args.database, "items": args.pages,
                                    "images": args.images, "rows": args.rows,
                                    "rounds": results, "medians": medians}))
        print("## plans of the hot queries after the run (tables filled, ANALYZEd)")
        _analyze(url)
        for line in explain(url):
            print("    " + line)
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep:
            drop_database(url, data_dir)


if __name__ == "__main__":
    main()
