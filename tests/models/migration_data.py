"""Upgrade a database that holds data, and see what became of its rows.

A revision is tested on a database of its own (the `blank_database` fixture of
tests/models/conftest.py, on SQLite and on PostgreSQL): migrated to the revision before
it, seeded with rows written as plain SQL through the tables reflected at that revision
(the models describe the newest schema, not that one), then upgraded. `snapshot()` before
and after says whether every row is still there, column by column.

    database.upgrade(database.before("0005"))
    database.insert("projects", {...})
    before = database.snapshot()
    database.upgrade("0005")
    assert database.snapshot() == before
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from crowdcat import create_app
from crowdcat.extensions import db
from crowdcat.schema import MIGRATIONS

Rows = dict[str, list[dict[str, Any]]]


class MigratedDatabase:
    """A database of its own, moved from revision to revision by Alembic (as `crowdcat db`)."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.app: Flask = create_app({
            "TESTING": True, "SECRET_KEY": "migration-test", "SQLALCHEMY_DATABASE_URI": url,
            "DATA_DIR": str(data_dir), "RATELIMIT_ENABLED": False,
        })
        with self.app.app_context():
            self.dialect = db.engine.dialect.name

    @contextmanager
    def _context(self) -> Iterator[sa.Engine]:
        with self.app.app_context():
            yield db.engine

    @staticmethod
    def before(revision: str) -> str:
        """The revision that `revision` upgrades from."""
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        down = ScriptDirectory.from_config(config).get_revision(revision).down_revision
        assert isinstance(down, str), f"{revision} has no single revision before it"
        return down

    def upgrade(self, revision: str = "head") -> None:
        """Upgrade to `revision`."""
        from crowdcat.schema import upgrade

        with self._context():
            upgrade(revision)

    def downgrade(self, revision: str) -> None:
        """Downgrade to `revision`."""
        from crowdcat.schema import downgrade

        with self._context():
            downgrade(revision)

    def _table(self, connection: sa.Connection, name: str) -> sa.Table:
        return sa.Table(name, sa.MetaData(), autoload_with=connection)

    def insert(self, table: str, *rows: dict[str, Any]) -> None:
        """Insert rows into a table as it is at the current revision (one transaction)."""
        with self._context() as engine, engine.begin() as connection:
            connection.execute(self._table(connection, table).insert(), list(rows))

    def execute(self, statement: str, **params: Any) -> list[sa.Row]:
        """Run SQL in a transaction of its own; the rows it returns, if any."""
        with self._context() as engine, engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return list(result) if result.returns_rows else []

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of a table, by primary key."""
        with self._context() as engine, engine.connect() as connection:
            reflected = self._table(connection, table)
            order = list(reflected.primary_key.columns) or list(reflected.columns)
            return [dict(row._mapping)
                    for row in connection.execute(reflected.select().order_by(*order))]

    def tables(self) -> list[str]:
        """The tables of the current revision (Alembic's own left out)."""
        with self._context() as engine:
            return sorted(set(sa.inspect(engine).get_table_names()) - {"alembic_version"})

    def snapshot(self, tables: list[str] | None = None) -> Rows:
        """Every row of every table (or of `tables`)."""
        return {table: self.rows(table) for table in tables or self.tables()}

    def dispose(self) -> None:
        """Close the app's connections."""
        with self._context() as engine:
            engine.dispose()


def kept(before: Rows, after: Rows) -> Rows:
    """`after` restricted to the tables and columns `before` had (columns added are not news)."""
    return {table: [{key: row[key] for key in before_rows[0]} for row in after.get(table, [])]
            if before_rows else after.get(table, [])
            for table, before_rows in before.items()}
