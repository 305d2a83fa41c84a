"""Seed a throw-away database for the keying load benchmark.

Creates a fresh SQLite file or PostgreSQL database, upgrades it with Alembic, and inserts one
active project with the Republic-era template, N open items of I images each (bulk
INSERT ... SELECT over a generated series on both databases) and V volunteers with one API
token each. The tokens'
plain text is deterministic (cc_bench_<n>), so the load generator needs no file.

    python benchmarks/keying_seed.py --database sqlite --items 10000 --images 4 --volunteers 10000
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POSTGRES_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SLUG = "bench"
# The header fields of the list-mode project (keyed once per item); the rest are row fields.
HEADER_KEYS = ("fonds_no", "catalog_no", "volume_no")


def token_for(n: int) -> str:
    """The plain API token of bench volunteer n."""
    return f"cc_bench_{n:06d}"


def create_database(kind: str) -> tuple[str, Path]:
    """A fresh empty database of `kind`; returns its URL and a scratch data directory."""
    data_dir = Path(tempfile.mkdtemp(prefix="crowdcat-bench-"))
    if kind == "sqlite":
        return f"sqlite:///{data_dir / 'bench.sqlite3'}", data_dir
    name = f"crowdcat_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(POSTGRES_ADMIN).set(database=name).render_as_string(False), data_dir


def drop_database(url: str, data_dir: Path) -> None:
    """Remove what create_database made."""
    import shutil

    if url.startswith("postgresql"):
        name = sa.make_url(url).database
        admin = sa.create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :n"), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)


def _upgrade(url: str, data_dir: Path) -> None:
    """Build the schema with the project's Alembic migrations."""
    from crowdcat import create_app
    from crowdcat.schema import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": str(data_dir)})
    with app.app_context():
        upgrade()
        from crowdcat.extensions import db

        db.engine.dispose()


def _series(dialect: str, count: int) -> str:
    """SQL yielding rows n = 1..count (a recursive CTE on SQLite, generate_series elsewhere)."""
    if dialect == "sqlite":
        return (f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count})"
                " SELECT n FROM s")
    return f"SELECT n FROM generate_series(1, {count}) AS s(n)"


def field_definitions(list_mode: bool = False) -> list[dict]:
    """The 民國 template's fields; in list mode its keyed fields but HEADER_KEYS are row
    fields (options part "row"; a row takes no page-count prefill)."""
    from crowdcat.services.projects.templates import TEMPLATES

    definitions = []
    for definition in TEMPLATES["republic_file_level"]:
        definition = dict(definition)
        if list_mode and definition.get("keyed", True) and definition["key"] not in HEADER_KEYS:
            options = {k: v for k, v in (definition.get("options") or {}).items()
                       if k != "page_count"}
            definition["options"] = options | {"part": "row"}
        definitions.append(definition)
    return definitions


def seed(url: str, data_dir: Path, pages: int, volunteers: int, images: int = 4,
         rows: int = 0) -> dict[str, float]:
    """Fill the database (a list-mode project when rows > 0); return timings in seconds."""
    from crowdcat.models import FieldSpec, Project, ProjectStatus
    from crowdcat.models.item import NOT_FULL_SQL

    timings = {}
    start = time.perf_counter()
    _upgrade(url, data_dir)
    timings["migrate"] = time.perf_counter() - start
    engine = sa.create_engine(url)
    dialect = engine.dialect.name
    with engine.begin() as conn:
        project_id = conn.execute(sa.insert(Project).values(
            slug=SLUG, title="Benchmark", status=ProjectStatus.ACTIVE, agree_needed=2,
            max_submissions=5, reservation_minutes=30,
        ).returning(Project.id)).scalar_one()
        for position, definition in enumerate(field_definitions(rows > 0)):
            values = {"required": False, "keyed": True, "choices": [], "options": {},
                      "help": {}} | definition
            conn.execute(sa.insert(FieldSpec).values(project_id=project_id, position=position,
                                                     **values))
    start = time.perf_counter()
    hash_expr = ("printf('%064d', n)" if dialect == "sqlite" else "lpad(n::text, 64, '0')")
    now = "CURRENT_TIMESTAMP"
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO items (id, project_id, sequence, reference, access, status,"
            " submission_count, wanted, prefill, created_at, full_until)"
            f" SELECT n, {project_id}, n, 'item-' || n, 'open', 'keying', 0, 2, '{{}}', {now},"
            f" {NOT_FULL_SQL[dialect]} FROM ({_series(dialect, pages)}) AS series"
        ))
        # Image n belongs to item (n - 1) / images + 1, at position (n - 1) % images + 1.
        conn.execute(sa.text(
            "INSERT INTO images (project_id, item_id, position, image_key, content_hash, width,"
            f" height, byte_size, original_name, created_at) SELECT {project_id},"
            f" (n - 1) / {images} + 1, (n - 1) % {images} + 1, 'bench/' || n, {hash_expr},"
            f" 1240, 1754, 1000, 'scan-' || n || '.jpg', {now}"
            f" FROM ({_series(dialect, pages * images)}) AS series"
        ))
        if dialect == "postgresql":
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('items', 'id'), "
                                 f"{pages} + 1, false)"))
    timings["items"] = time.perf_counter() - start
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO users (email, display_name, password_hash, role, active, session_token,"
            " created_at) SELECT 'v' || n || '@bench.example', 'Volunteer ' || n, '!',"
            f" 'volunteer', true, 'bench-session-' || n, {now}"
            f" FROM ({_series(dialect, volunteers)}) AS series"
        ))
        ids = conn.execute(sa.text("SELECT id, email FROM users WHERE email LIKE "
                                   "'%@bench.example' ORDER BY id")).all()
        rows = [{"user_id": uid, "name": "bench",
                 "token_hash": hashlib.sha256(token_for(int(email[1:].split("@")[0]))
                                              .encode()).hexdigest()}
                for uid, email in ids]
        conn.execute(sa.text("INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
                             f" VALUES (:user_id, :name, :token_hash, {now})"), rows)
    timings["volunteers"] = time.perf_counter() - start
    if dialect == "sqlite":
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    if dialect == "postgresql":
        autovacuum(url)
    return timings


def autovacuum(url: str) -> list[str]:
    """PostgreSQL: do what autovacuum would do now (it is off on these machines' server).

    Its rules with the default settings: ANALYZE a table once 50 + 10 % of its rows changed
    since the last analysis, VACUUM it once 50 + 20 % of its rows are dead or 1,000 + 20 %
    were inserted since the last vacuum (PostgreSQL 13 and later). In particular an empty
    table is never analyzed (the planner then assumes a few pages, not none, and keeps to
    the indexes). Returns what it did.
    """
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    done = []
    with engine.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT s.relname, s.n_mod_since_analyze, s.n_dead_tup, s.n_ins_since_vacuum,"
            " greatest(c.reltuples, 0)"
            " FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid")).all()
        for name, changed, dead, inserted, tuples in tables:
            vacuum = dead >= 50 + 0.2 * tuples or inserted >= 1000 + 0.2 * tuples
            if vacuum or changed >= 50 + 0.1 * tuples:
                conn.execute(sa.text(f'{"VACUUM ANALYZE" if vacuum else "ANALYZE"} "{name}"'))
                done.append(name)
    engine.dispose()
    return done


def main() -> None:
    """Command line: seed and print the database URL (kept until you drop it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--items", "--pages", dest="pages", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=4, help="images per item")
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=0,
                        help="list mode: a project of header and row fields (N > 0)")
    args = parser.parse_args()
    url, data_dir = create_database(args.database)
    print(seed(url, data_dir, args.pages, args.volunteers, args.images, args.rows))
    print(url)


if __name__ == "__main__":
    main()
