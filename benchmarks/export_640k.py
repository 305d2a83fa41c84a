"""Export benchmark: our streaming CSV export next to the databases' own CSV dumps.

Usage: python benchmarks/export_640k.py [--sizes 160000,320000,640000]
           [--backends sqlite,postgresql] [--workdir /tmp/crowdcat-export-bench] [--keep]

For each backend it creates a fresh database (an SQLite file; a new PostgreSQL database on
127.0.0.1), upgrades it with Alembic, makes a project with the 15-field Republic-era template
and seeds approved entries with bulk inserts (executemany / COPY), growing to each size in turn.
At each size it runs, each in its own process so that time and peak memory (max RSS from
wait4) are its own:

- ours:   `crowdcat export SLUG --format csv -o FILE` (safe mode, UTF-8 with BOM, progress bar);
- sqlite3 -csv / psql COPY (SELECT ...) TO STDOUT CSV: the same rows and the same columns
  (14 field values unpacked from JSON, the composed 檔號, the item's first and last image
  names and image count, the item's sequence) in the same order, dumped by the database's
  own client.

Each item (件) has 1 to 4 images (n % 4 + 1).

At the largest size it also times JSON Lines and CSV with --provenance. Values are generated
from a seeded RNG: mixed date spellings, CJK titles, and one entry in 40 with a hostile value
(quotes, commas, newlines, formulas, characters outside the BMP).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import sqlalchemy as sa  # noqa: E402
from keying_seed import autovacuum  # noqa: E402

from crowdcat import create_app  # noqa: E402
from crowdcat.extensions import db  # noqa: E402
from crowdcat.models import Project, ProjectStatus, Role, User  # noqa: E402
from crowdcat.models.item import NOT_FULL  # noqa: E402
from crowdcat.services.projects.templates import apply_template  # noqa: E402
from crowdcat.services.reconciliation import facts as entry_facts  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
SLUG = "bench-republic"
CHUNK = 20_000
DEADLINE_SECONDS = 3_600  # the whole run, seeding included
REPEAT = 3  # each measurement: the best time of three runs (other work shares the machine)
KEYS = ("fonds_no", "catalog_no", "volume_no", "item_no", "title", "creator", "doc_no",
        "recipient", "date", "pages", "doc_type", "classification", "language", "notes")
COUNTIES = [c + "縣" for c in "番禺順德南海新會台山開平恩平鶴山高要四會廣寧德慶封開新興"]
MATTERS = ("徵收田賦", "辦理兵役", "整理保甲", "籌設小學", "修築公路", "查禁煙毒", "救濟難民",
           "清查戶口", "徵購軍糧", "防治霍亂", "改選鄉長", "呈報地價", "催繳積欠", "撥發經費")
VERBS = ("關於", "呈報", "奉令", "轉飭", "據呈")
DOC_TYPES = ("訓令", "指令", "呈", "公函", "代電", "布告", "報告", "批")
HOSTILE = ('=HYPERLINK("http://x","點")', '含"引號", 與逗號', "兩行\n第二行", "-1+2",
           "@SUM(A1)", "稀見字 𠀀𪚥 😀", "\t跳格")
CN = "〇一二三四五六七八九"
STARTED = time.monotonic()


def _cn(n: int) -> str:
    """A number in Chinese numerals as typed in dates (三十七)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN[tens]) + "十" if tens else "") + (CN[ones] if ones else "")


def _date(rng: random.Random) -> str:
    """A Republic-era date as volunteers type it."""
    year, month, day = rng.randint(1912, 1949), rng.randint(1, 12), rng.randint(1, 28)
    form = rng.randrange(4)
    if form == 0:
        return f"民國{_cn(year - 1911)}年{_cn(month)}月{_cn(day)}日"
    if form == 1:
        return f"民國{year - 1911}年{month}月{day}日"
    return f"{year}.{month}.{day}" if form == 2 else f"{year}-{month:02d}-{day:02d}"


def _values(rng: random.Random, n: int) -> dict[str, str]:
    """Final values of one entry."""
    county = rng.choice(COUNTIES)
    values = {
        "fonds_no": f"J{n % 37 + 1:03d}", "catalog_no": str(n % 5 + 1),
        "volume_no": str(n // 50 + 1), "item_no": str(n % 50 + 1),
        "title": f"{rng.choice(VERBS)}{county}{rng.choice(MATTERS)}一案",
        "creator": f"{county}政府", "doc_no": f"府秘字第{rng.randint(1, 9999)}號",
        "recipient": rng.choice(("各區署", "省政府", "", "民政廳")), "date": _date(rng),
        "pages": str(rng.randint(1, 40)), "doc_type": rng.choice(DOC_TYPES),
        "classification": "普通", "language": "漢語", "notes": rng.choice(("", "", "原件破損"))}
    if n % 40 == 0:
        values[rng.choice(("title", "notes", "creator"))] = rng.choice(HOSTILE)
    return values


def _reconciled(values: dict[str, str]) -> str:
    """A PageResult.to_dict() in which every field was unanimous among three volunteers."""
    fields = {key: {"key": key, "value": v, "status": "unanimous" if v else "blank",
                    "normalized": v, "precision": None, "flagged": False,
                    "groups": [{"value": v, "normalized": v, "votes": 3, "weight": 3.0,
                                "voters": ["11", "12", "13"], "spellings": {v: 3}}]}
              for key, v in values.items()}
    return json.dumps({"verdict": "done", "submissions": 3, "fields": fields},
                      ensure_ascii=False)


def _rows(start: int, stop: int, project_id: int, reviewers: list[int]):
    """(item row, image rows, entry row) for entries start..stop-1 (ids are start+1...)."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(start, stop):
        rng = random.Random(n)
        values = _values(rng, n)
        digest = uuid.UUID(int=rng.getrandbits(128)).hex * 2
        at = base + timedelta(seconds=n // 2 * 7)  # pairs of entries share an approval time
        item = (n + 1, project_id, n + 1, f"J{n % 37 + 1:03d}-{n + 1:07d}", "open", "done", 3,
                2, "{}", at, NOT_FULL)
        images = [(4 * n + p, n + 1, project_id, p, f"{digest[:2]}/{digest}{p}",
                   f"{digest[:63]}{p}", 2480, 3508, 812_000,
                   f"全宗J{n % 37 + 1:03d}/掃描{n + 1:07d}-{p:02d}.tif", at)
                  for p in range(1, n % 4 + 2)]
        # What approval stamps (review.approve -> entry_facts.stamp).
        dates, plain = entry_facts.facts(values)
        entry = (n + 1, n + 1, project_id, "approved", _reconciled(values),
                 json.dumps(values, ensure_ascii=False), 3, reviewers[n % len(reviewers)],
                 at, at, at, 1, json.dumps(dates, ensure_ascii=False), plain, entry_facts.TAG)
        yield item, images, entry


ITEM_COLUMNS = ("id, project_id, sequence, reference, access, status, submission_count, wanted,"
                " prefill, created_at, full_until")
IMAGE_COLUMNS = ("id, item_id, project_id, position, image_key, content_hash, width, height,"
                 " byte_size, original_name, created_at")
ENTRY_COLUMNS = ("id, item_id, project_id, status, reconciled, final_values, submission_count,"
                 " reviewer_id, reviewed_at, created_at, updated_at, version, final_dates,"
                 " final_plain, facts_tag")


def _sqlite_time(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite (naive UTC)."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(engine: sa.Engine, start: int, stop: int, project_id: int, reviewers: list[int]) -> None:
    """Insert entries start..stop-1 with the driver's bulk path."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for chunk in range(start, stop, CHUNK):
            if time.monotonic() - STARTED > DEADLINE_SECONDS:
                raise SystemExit("deadline reached while seeding")
            rows = list(_rows(chunk, min(chunk + CHUNK, stop), project_id, reviewers))
            if engine.dialect.name == "sqlite":
                cursor.execute("BEGIN")
                cursor.executemany(
                    f"INSERT INTO items ({ITEM_COLUMNS}) VALUES ({','.join('?' * 11)})",
                    [p[:-2] + (_sqlite_time(p[-2]), _sqlite_time(p[-1])) for p, _i, _e in rows])
                cursor.executemany(
                    f"INSERT INTO images ({IMAGE_COLUMNS}) VALUES ({','.join('?' * 11)})",
                    [i[:-1] + (_sqlite_time(i[-1]),) for _p, images, _e in rows for i in images])
                cursor.executemany(
                    f"INSERT INTO entries ({ENTRY_COLUMNS}) VALUES ({','.join('?' * 15)})",
                    [e[:8] + tuple(_sqlite_time(t) for t in e[8:11]) + e[11:]
                     for _p, _i, e in rows])
                cursor.execute("COMMIT")
            else:
                with cursor.copy(f"COPY items ({ITEM_COLUMNS}) FROM STDIN") as copy:
                    for item, _images, _entry in rows:
                        copy.write_row(item)
                with cursor.copy(f"COPY images ({IMAGE_COLUMNS}) FROM STDIN") as copy:
                    for _item, images, _entry in rows:
                        for image in images:
                            copy.write_row(image)
                with cursor.copy(f"COPY entries ({ENTRY_COLUMNS}) FROM STDIN") as copy:
                    for _item, _images, entry in rows:
                        copy.write_row(entry)
                raw.commit()
        if engine.dialect.name == "sqlite":
            cursor.execute("ANALYZE")
    finally:
        raw.close()
    if engine.dialect.name == "postgresql":
        # What autovacuum does after such a load (off on this CI server): VACUUM ANALYZE.
        # The dump and our export both read the tables after it.
        autovacuum(engine.url.render_as_string(hide_password=False))


def dump_sql(dialect: str, project_id: int) -> str:
    """The database-side query of the same rows and columns as our CSV export."""
    if dialect == "sqlite":
        get = [f"json_extract(e.final_values, '$.{k}')" for k in KEYS]
    else:
        get = [f"(e.final_values ->> '{k}')" for k in KEYS]
    reference = " || '-' || ".join(get[:4])
    of_item = "FROM images i WHERE i.item_id = p.id"
    images = [f"(SELECT i.original_name {of_item} ORDER BY i.position LIMIT 1)",
              f"(SELECT i.original_name {of_item} ORDER BY i.position DESC LIMIT 1)",
              f"(SELECT count(*) {of_item})"]
    columns = get[:4] + [reference] + images + get[4:] + ["p.sequence"]
    return (f"SELECT {', '.join(columns)} FROM entries e JOIN items p ON p.id = e.item_id"
            f" WHERE e.project_id = {project_id} AND e.status = 'approved'"
            " ORDER BY e.reviewed_at, e.id")


def measure(command: list[str], output: Path, env: dict[str, str] | None = None,
            repeat: int = REPEAT) -> tuple[float, float]:
    """Run a command writing to `output`; (best seconds, peak RSS in MB) of `repeat` runs.

    GNU time runs it, so the peak RSS is the command's own: a child forked straight from
    this (large) process would report this process's RSS at fork time as its peak.
    """
    errors, timing = output.with_suffix(".stderr"), output.with_suffix(".time")
    runs = []
    for _ in range(repeat):
        with output.open("wb") as out, errors.open("wb") as err:
            started = time.perf_counter()
            done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(timing), *command],
                                  stdout=out, stderr=err, env=env, check=False)
            elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"{command[:3]} failed:\n{errors.read_text()[-2000:]}")
        runs.append((elapsed, int(timing.read_text().split()[-1]) / 1024))  # KiB -> MB
    return min(t for t, _ in runs), max(m for _, m in runs)


def count_csv_rows(path: Path, encoding: str) -> int:
    """Data rows in a CSV file (a header row is not counted)."""
    with path.open(encoding=encoding, newline="") as handle:
        return sum(1 for _row in csv.reader(handle)) - 1


def run_backend(name: str, sizes: list[int], workdir: Path) -> list[dict]:
    """Seed one fresh database through the sizes and measure at each."""
    if name == "sqlite":
        path = workdir / "bench.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        dbname = f"crowdcat_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://"),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{dbname}"'))
        url = POSTGRES.rsplit("/", 1)[0] + f"/{dbname}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://",
                                                             "postgresql+psycopg://"),
                      "DATA_DIR": str(workdir)})
    results = []
    try:
        with app.app_context():
            from crowdcat.schema import upgrade

            upgrade()
            reviewers = [User(email=f"r{i}@archive.example", display_name=f"審核員{i}",
                              password_hash="x", role=Role.REVIEWER) for i in range(8)]
            project = Project(slug=SLUG, title="民國檔案文件級目錄（基準測試）",
                              status=ProjectStatus.ACTIVE)
            db.session.add_all([*reviewers, project])
            db.session.flush()
            apply_template(db.session, project, "republic_file_level")
            db.session.commit()
            project_id, reviewer_ids = project.id, [r.id for r in reviewers]
            # Reading the ids began a transaction: ended now, or its snapshot would keep
            # VACUUM from marking the seeded rows visible to all (as no production server
            # has a transaction open for the length of a bulk load).
            db.session.rollback()
            engine = db.engine
            seeded = 0
            for size in sizes:
                started = time.perf_counter()
                seed(engine, seeded, size, project_id, reviewer_ids)
                print(f"[{name}] seeded {seeded}..{size} in {time.perf_counter() - started:.1f}s",
                      file=sys.stderr)
                seeded = size
                results.append(measure_size(name, url, size, project_id, workdir,
                                            extras=size == sizes[-1]))
            engine.dispose()
    finally:
        if name == "postgresql":
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
            admin.dispose()
    return results


def measure_size(name: str, url: str, size: int, project_id: int, workdir: Path,
                 extras: bool) -> dict:
    """Our export and the database's own dump at one size."""
    env = os.environ | {"DATABASE_URL": url, "CROWDCAT_DATA_DIR": str(workdir)}
    crowdcat = [str(Path(sys.executable).with_name("crowdcat")), "export", SLUG]
    ours_file = workdir / f"{name}-{size}-ours.csv"
    ours = measure([*crowdcat, "-o", str(ours_file)], workdir / f"{name}-{size}-ours.log", env)
    assert count_csv_rows(ours_file, "utf-8-sig") == size, "our export lost or added rows"
    dump_file = workdir / f"{name}-{size}-db.csv"
    sql = dump_sql(name, project_id)
    if name == "sqlite":
        command = ["sqlite3", "-csv", "-header", url.removeprefix("sqlite:///"), sql]
    else:
        command = ["psql", "-X", "-q", "-d", url, "-c",
                   f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"]
    dump = measure(command, dump_file)
    assert count_csv_rows(dump_file, "utf-8") == size, "the database dump has other rows"
    result = {"backend": name, "rows": size, "ours_s": ours[0], "ours_mb": ours[1],
              "db_s": dump[0], "db_mb": dump[1], "ours_bytes": ours_file.stat().st_size,
              "db_bytes": dump_file.stat().st_size}
    if extras:
        for label, flags in (("jsonl", ["--format", "jsonl"]), ("provenance", ["--provenance"]),
                             ("gb18030", ["--encoding", "gb18030"])):
            out = workdir / f"{name}-{size}-{label}"
            result[label] = measure([*crowdcat, *flags, "-o", str(out)],
                                    out.with_suffix(".log"), env, repeat=1)
    print(json.dumps(result), file=sys.stderr)
    return result


def report(results: list[dict]) -> str:
    """The results as a Markdown table."""
    lines = ["| backend | rows | ours (s) | ours peak RSS (MB) | database dump (s) |"
             " dump peak RSS (MB) | time ratio |", "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['backend']} | {r['rows']:,} | {r['ours_s']:.1f} | {r['ours_mb']:.0f} |"
                     f" {r['db_s']:.1f} | {r['db_mb']:.0f} | {r['ours_s'] / r['db_s']:.2f}× |")
    extras = [r for r in results if "jsonl" in r]
    if extras:
        lines += ["", "| backend | rows | variant | seconds | peak RSS (MB) |",
                  "|---|---:|---|---:|---:|"]
        for r in extras:
            for label in ("jsonl", "provenance", "gb18030"):
                seconds, mb = r[label]
                lines.append(
                    f"| {r['backend']} | {r['rows']:,} | {label} | {seconds:.1f} | {mb:.0f} |")
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="160000,320000,640000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workdir", default="/tmp/crowdcat-export-bench", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the files in --workdir")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if sizes[-1] > 2_000_000:
        raise SystemExit("at most 2,000,000 rows")
    args.workdir.mkdir(parents=True, exist_ok=True)
    # Measure the app as installed (a regular install has bytecode; `make` compiles it too).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "crowdcat")], check=True)
    results = []
    try:
        for backend in args.backends.split(","):
            results += run_backend(backend, sizes, args.workdir)
    finally:
        if not args.keep:
            shutil.rmtree(args.workdir, ignore_errors=True)
    print(report(results))


if __name__ == "__main__":
    main()
