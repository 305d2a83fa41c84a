"""Soak test: hostile concurrent keying against gunicorn at 127.0.0.1, then the invariants.

Seeds a fresh database (keying_seed.py: one project, `--pages` open pages, one token per
volunteer), starts gunicorn on 127.0.0.1 and lets `--volunteers` API volunteers key as real
ones do (next page -> submit values, now and then a skip) for `--duration` seconds, while:

  - a gunicorn worker is killed with SIGKILL (`--worker-kills` times; the master respawns it),
  - the master is sent SIGHUP (`--reloads` times: every worker is replaced gracefully),
  - with `--server-kill` (the SQLite default) the whole server is killed with SIGKILL once and
    started again on the same port,
  - a third of the submissions disagree (a title of their own), so pages go to the maximum,
  - volunteers misbehave: a request whose answer was lost is sent again, an acknowledged
    submission is sent twice, and a submission goes to a page never handed to them.

When the run is over (the server stopped), it checks on the database:

  1. no acknowledged submission was lost (every 201's id is there, for its page and volunteer),
  2. no page holds more submissions than the project's maximum,
  3. no (page, volunteer) pair has two submissions,
  4. the counters match the rows (pages' and entries' submission_count; an entry per keyed page),
  5. a re-run of reconciliation (`crowdcat reconcile`) changes nothing,
  6. no request was answered with a server error (5xx),
  7. no double submission and no submission for a page not handed out was accepted.

Bounded in time and in requests (`--max-requests`), 127.0.0.1 only, the database dropped at
the end (`--keep` keeps it). Exit status 0 when every check holds, 1 otherwise.

    python benchmarks/soak.py --database postgresql     # 100 volunteers, 60 s, 2 worker kills
    python benchmarks/soak.py --database sqlite         # 50 volunteers; worker and server kills
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from keying_load import free_port, stop_server, values_for  # noqa: E402
from keying_seed import ROOT, SLUG, create_database, drop_database, seed, token_for  # noqa: E402

SKIP_SHARE = 0.05     # submissions that are skips
DISAGREE_SHARE = 0.3  # submissions whose title differs from everyone's (pages go to the maximum)
STRAY_SHARE = 0.03    # next pages after which a submission goes to a page not handed out
TWICE_SHARE = 0.05    # acknowledged submissions sent a second time
RETRIES = 4           # sends of a request whose answer was lost (server killed under it)


class Run:
    """What the volunteers saw: statuses per request kind, acknowledged submissions, oddities."""

    def __init__(self, max_requests: int) -> None:
        self.max_requests = max_requests
        self.statuses: dict[str, collections.Counter] = collections.defaultdict(
            collections.Counter)
        self.acknowledged: list[tuple[int, int, int]] = []  # (submission id, page id, volunteer)
        self.stray_accepted: list[tuple[int, int]] = []     # (page id, volunteer)
        self.twice_accepted: list[tuple[int, int]] = []
        self.unknown = 0  # submissions whose every send lost its answer
        self.events: list[str] = []
        self.requests = 0

    def room(self) -> bool:
        """Whether the request bound allows another request."""
        return self.requests < self.max_requests


async def send(client: httpx.AsyncClient, run: Run, kind: str, method: str, url: str,
               **kwargs) -> httpx.Response | None:  # noqa: ANN003
    """One request, its status counted under `kind` (0: the answer was lost)."""
    run.requests += 1
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TransportError:
        run.statuses[kind][0] += 1
        return None
    run.statuses[kind][response.status_code] += 1
    return response


async def resend(client: httpx.AsyncClient, run: Run, kind: str, method: str, url: str,
                 **kwargs) -> httpx.Response | None:  # noqa: ANN003
    """send(), again after a lost answer (a real client retries), up to RETRIES sends."""
    for attempt in range(RETRIES):
        response = await send(client, run, kind if attempt == 0 else f"{kind} (again)",
                              method, url, **kwargs)
        if response is not None:
            return response
        await asyncio.sleep(0.25 * (attempt + 1))
    return None


async def volunteer(n: int, base: str, run: Run, deadline: float, pages: int,
                    rng: random.Random) -> None:
    """Volunteer n keys pages until the deadline: next page, then submit (or skip) it."""
    headers = {"Authorization": f"Bearer {token_for(n)}"}
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=30) as client:
        while time.monotonic() < deadline and run.room():
            given = await resend(client, run, "next", "POST", f"/api/v1/projects/{SLUG}/next")
            if given is None or given.status_code != 200:
                await asyncio.sleep(0.5 if given is not None and given.status_code == 204
                                    else 0.1)
                continue
            item_id = given.json()["item_id"]
            if rng.random() < STRAY_SHARE:  # a page somebody else may hold, never given to n
                stray = rng.randint(1, pages)
                if stray != item_id:
                    answer = await send(client, run, "stray submit", "POST",
                                        f"/api/v1/items/{stray}/submissions",
                                        json={"values": values_for(stray, rng)})
                    if answer is not None and answer.status_code == 201:
                        run.stray_accepted.append((stray, n))
            values = values_for(item_id, rng)
            if rng.random() < DISAGREE_SHARE:
                values["title"] += f"（{n}）"
            body = {"skip": "illegible"} if rng.random() < SKIP_SHARE else {"values": values}
            url = f"/api/v1/items/{item_id}/submissions"
            answer = await resend(client, run, "submit", "POST", url, json=body)
            if answer is None:
                run.unknown += 1
            elif answer.status_code == 201:
                run.acknowledged.append((answer.json()["id"], item_id, n))
                if rng.random() < TWICE_SHARE:
                    again = await send(client, run, "submit twice", "POST", url, json=body)
                    if again is not None and again.status_code == 201:
                        run.twice_accepted.append((item_id, n))


def serve(url: str, data_dir: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:port (its own process group); waits until /healthz answers."""
    env = os.environ | {"DATABASE_URL": url, "CROWDCAT_DATA_DIR": str(data_dir),
                        "RATELIMIT_ENABLED": "false", "SECRET_KEY": "soak"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "error", "--keep-alive", "120",
         *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
         "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def workers_of(master: int) -> list[int]:
    """The process ids of gunicorn's workers (the master's children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2:].split()[1]) == master:
            found.append(int(stat.parent.name))
    return found


class Server:
    """The gunicorn under test, and the harm done to it."""

    def __init__(self, url: str, data_dir: Path, workers: int, threads: int) -> None:
        self.args = (url, data_dir, free_port(), workers, threads)
        self.base = f"http://127.0.0.1:{self.args[2]}"
        self.process = serve(*self.args)

    def kill_worker(self, rng: random.Random) -> str:
        """SIGKILL one worker (requests in flight on it lose their answer)."""
        workers = workers_of(self.process.pid)
        if not workers:
            return "no worker to kill"
        victim = rng.choice(workers)
        os.kill(victim, signal.SIGKILL)
        return f"worker {victim} killed (SIGKILL)"

    def reload(self) -> str:
        """SIGHUP to the master: new workers, the old ones finish their requests."""
        os.kill(self.process.pid, signal.SIGHUP)
        return "SIGHUP"

    def kill_and_restart(self) -> str:
        """SIGKILL the whole server (master and workers), then start it again."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        started = time.monotonic()
        self.process = serve(*self.args)
        return f"server killed (SIGKILL) and restarted in {time.monotonic() - started:.1f}s"

    def stop(self) -> None:
        """Stop it for good."""
        stop_server(self.process)


def schedule(duration: float, worker_kills: int, reloads: int,
             server_kill: bool) -> list[tuple[float, str]]:
    """When each harm happens (seconds from the start), spread over the middle of the run."""
    harms = ["kill_worker"] * worker_kills + ["reload"] * reloads
    if server_kill:
        harms.insert(len(harms) // 2, "kill_and_restart")
    # Alternate kinds: kill, reload, kill, ... between 15 % and 80 % of the run.
    kills = [h for h in harms if h != "reload"]
    hups = [h for h in harms if h == "reload"]
    ordered = [h for pair in zip(kills, hups, strict=False) for h in pair]
    ordered += kills[len(hups):] + hups[len(kills):]
    step = 0.65 / max(len(ordered), 1)
    return [(duration * (0.15 + step * i), harm) for i, harm in enumerate(ordered)]


async def harm(server: Server, run: Run, plan: list[tuple[float, str]], started: float,
               rng: random.Random) -> None:
    """Do each planned harm at its time."""
    for at, name in plan:
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        if name == "kill_worker":
            done = server.kill_worker(rng)
        elif name == "reload":
            done = server.reload()
        else:
            done = await asyncio.to_thread(server.kill_and_restart)
        run.events.append(f"{time.monotonic() - started:5.1f}s {done}")


async def soak(server: Server, run: Run, volunteers: int, duration: float, pages: int,
               plan: list[tuple[float, str]]) -> float:
    """The volunteers and the harms together; returns the seconds it took."""
    started = time.monotonic()
    deadline = started + duration
    rng = random.Random(1948)
    await asyncio.gather(
        harm(server, run, plan, started, random.Random(37)),
        *(volunteer(n, server.base, run, deadline, pages, random.Random(rng.random()))
          for n in range(1, volunteers + 1)))
    return time.monotonic() - started


def _one_column(engine: sa.Engine, query: str) -> list:
    """The first column of a query's rows."""
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(sa.text(query))]


def snapshot(engine: sa.Engine) -> tuple[dict, dict]:
    """The pages' and entries' state that reconciliation decides (not when it was written)."""
    with engine.connect() as conn:
        pages = {row[0]: tuple(row[1:]) for row in conn.execute(sa.text(
            "SELECT id, status, submission_count, wanted FROM items"))}
        entries = {row[0]: (row[1], json.dumps(row[2], sort_keys=True)
                            if not isinstance(row[2], str) else row[2], row[3], row[4])
                   for row in conn.execute(sa.text(
                       "SELECT item_id, status, reconciled, submission_count, final_values"
                       " FROM entries"))}
    return pages, entries


def reconcile_again(url: str, data_dir: Path) -> tuple[int, str]:
    """Run `crowdcat reconcile` on the database; its exit status and last line of output."""
    env = os.environ | {"DATABASE_URL": url, "CROWDCAT_DATA_DIR": str(data_dir),
                        "RATELIMIT_ENABLED": "false", "SECRET_KEY": "soak"}
    done = subprocess.run(
        [sys.executable, "-c", "from crowdcat.cli import main; main()", "reconcile"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode, lines[-1] if lines else ""


def check(url: str, data_dir: Path, run: Run) -> dict[str, tuple[bool, str]]:
    """The invariants, each with whether it holds and what was found."""
    engine = sa.create_engine(url)
    results: dict[str, tuple[bool, str]] = {}
    with engine.connect() as conn:
        users = {email: uid for uid, email in conn.execute(sa.text(
            "SELECT id, email FROM users WHERE email LIKE '%@bench.example'"))}
        stored = {sid: (item_id, user_id) for sid, item_id, user_id in conn.execute(sa.text(
            "SELECT id, item_id, user_id FROM submissions"))}
        maximum = conn.execute(sa.text("SELECT max_submissions FROM projects WHERE slug = :s"),
                               {"s": SLUG}).scalar_one()
    lost = [(sid, item_id, n) for sid, item_id, n in run.acknowledged
            if stored.get(sid) != (item_id, users[f"v{n}@bench.example"])]
    results["acknowledged submissions all stored"] = (
        not lost, f"{len(run.acknowledged):,} acknowledged, {len(stored):,} stored, "
                  f"{len(lost)} lost{' e.g. ' + str(lost[:5]) if lost else ''}")
    votes = ("SELECT item_id, count(*) AS n FROM submissions WHERE skip_reason IS NULL"
             " GROUP BY item_id")
    over = _one_column(engine, f"SELECT item_id FROM ({votes}) v WHERE n > {int(maximum)}")
    fullest = _one_column(engine, f"SELECT coalesce(max(n), 0) FROM ({votes}) v")[0]
    results["no page over its maximum"] = (
        not over, f"maximum {maximum}, fullest page {fullest}, over: {over[:10]}")
    twice = _one_column(engine, "SELECT item_id FROM submissions GROUP BY item_id, user_id"
                                " HAVING count(*) > 1")
    results["no duplicate (page, volunteer)"] = (not twice, f"{len(twice)} duplicated")
    pages_off = _one_column(engine, f"SELECT p.id FROM items p LEFT JOIN ({votes}) v"
                                    " ON v.item_id = p.id"
                                    " WHERE p.submission_count <> coalesce(v.n, 0)")
    entries_off = _one_column(engine, f"SELECT e.item_id FROM entries e LEFT JOIN ({votes}) v"
                                      " ON v.item_id = e.item_id"
                                      " WHERE e.submission_count <> coalesce(v.n, 0)")
    no_entry = _one_column(engine, "SELECT DISTINCT s.item_id FROM submissions s"
                                   " LEFT JOIN entries e ON e.item_id = s.item_id"
                                   " WHERE e.id IS NULL")
    results["counters match the rows"] = (
        not (pages_off or entries_off or no_entry),
        f"pages off {pages_off[:10]}, entries off {entries_off[:10]}, "
        f"keyed pages without entry {no_entry[:10]}")
    before = snapshot(engine)
    started = time.monotonic()
    status, said = reconcile_again(url, data_dir)
    took = time.monotonic() - started
    after = snapshot(engine)
    changed_pages = [k for k in before[0] if before[0][k] != after[0].get(k)]
    changed_entries = [k for k in set(before[1]) | set(after[1])
                       if before[1].get(k) != after[1].get(k)]
    results["re-run of reconciliation changes nothing"] = (
        status == 0 and not changed_pages and not changed_entries,
        f"exit {status} ({said!r}) in {took:.0f}s; pages changed {changed_pages[:10]}, "
        f"entries changed {changed_entries[:10]}")
    errors = {kind: sum(n for status, n in counts.items() if status >= 500)
              for kind, counts in run.statuses.items()}
    results["no server error (5xx)"] = (not any(errors.values()),
                                        ", ".join(f"{k} {v}" for k, v in errors.items() if v)
                                        or "none")
    results["no double or stray submission accepted"] = (
        not run.twice_accepted and not run.stray_accepted,
        f"sent twice and accepted {len(run.twice_accepted)}, for a page not handed out "
        f"and accepted {len(run.stray_accepted)}")
    engine.dispose()
    return results


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--volunteers", type=int, default=None,
                        help="concurrent volunteers (default 100 on PostgreSQL, 50 on SQLite)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (bound)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="bound on requests")
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="per worker (gthread when > 1)")
    parser.add_argument("--worker-kills", type=int, default=None,
                        help="workers killed (default 2 on PostgreSQL, 1 on SQLite)")
    parser.add_argument("--reloads", type=int, default=2, help="SIGHUP reloads")
    parser.add_argument("--server-kill", action=argparse.BooleanOptionalAction, default=None,
                        help="kill the whole server once and restart it (default: on SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    postgres = args.database == "postgresql"
    volunteers = args.volunteers or (100 if postgres else 50)
    worker_kills = args.worker_kills if args.worker_kills is not None else (2 if postgres else 1)
    server_kill = args.server_kill if args.server_kill is not None else not postgres
    plan = schedule(args.duration, worker_kills, args.reloads, server_kill)

    url, data_dir = create_database(args.database)
    server = None
    try:
        seed(url, data_dir, args.pages, volunteers)
        server = Server(url, data_dir, args.workers, args.threads)
        run = Run(args.max_requests)
        took = asyncio.run(soak(server, run, volunteers, args.duration, args.pages, plan))
        server.stop()
        server = None
        print(f"# soak, {args.database}: {volunteers} volunteers for {took:.0f}s, gunicorn "
              f"{args.workers} workers x {args.threads} threads, {args.pages:,} pages; "
              f"{run.requests:,} requests ({run.requests / took:.0f}/s), load average "
              f"{os.getloadavg()[0]:.1f}")
        for event in run.events:
            print(f"#   {event}")
        for kind, counts in sorted(run.statuses.items()):
            print(f"#   {kind:16} {dict(sorted(counts.items()))}")
        print(f"#   submissions whose every send lost its answer: {run.unknown}")
        results = check(url, data_dir, run)
        for name, (held, found) in results.items():
            print(f"{'ok  ' if held else 'FAIL'} {name}: {found}")
        print("JSON " + json.dumps({
            "database": args.database, "volunteers": volunteers, "seconds": round(took, 1),
            "requests": run.requests, "events": run.events,
            "statuses": {k: dict(v) for k, v in run.statuses.items()},
            "acknowledged": len(run.acknowledged), "unknown": run.unknown,
            "checks": {name: held for name, (held, _found) in results.items()}}))
        failed = not all(held for held, _found in results.values())
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            drop_database(url, data_dir)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
