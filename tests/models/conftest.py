"""Fixtures of the migration tests: a database of their own on each backend."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.models.migration_data import MigratedDatabase


@pytest.fixture
def blank_database(database_url: str, tmp_path: Path) -> Iterator[MigratedDatabase]:
    """An empty database on the backend of this run (SQLite file or new PostgreSQL database)."""
    if database_url.startswith("sqlite"):
        database = MigratedDatabase(f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
                                    tmp_path / "data")
        yield database
        database.dispose()
        return
    server = make_url(database_url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"crowdcat_migration_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database = MigratedDatabase(server.set(database=name).render_as_string(hide_password=False),
                                tmp_path / "data")
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
