"""Data access: the seam between the domain services and the database.

Owns everything that depends on which database runs: engine and transaction set-up
(connection), statements compiled once per dialect (prepared), the SQL of the keying hot
paths (keying: next page, holds, counters; submit: the PostgreSQL submit in three
statements) and COPY parsing (copy). Services ask `is_postgres()` here and nowhere else;
blueprints never import this package.
"""
from __future__ import annotations

from typing import Any


def is_postgres(bind: Any) -> bool:
    """Whether a session, connection, engine or dialect talks to PostgreSQL (else SQLite)."""
    dialect = getattr(bind, "dialect", None)
    if dialect is None:
        dialect = bind if hasattr(bind, "name") else bind.get_bind().dialect
    return dialect.name == "postgresql"
