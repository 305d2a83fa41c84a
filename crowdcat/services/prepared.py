"""Statements of the keying hot paths, built and compiled once per database dialect.

Building a SQLAlchemy statement and computing its cache key costs more Python time than
running these small indexed queries. A Prepared statement is built once (with named bind
parameters), compiled once per dialect, and executed on the session's connection, so only
the database round trip and the result's type processing remain per call.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


class Prepared:
    """A statement built by `build()` on first use and compiled once per dialect."""

    def __init__(self, build: Callable[..., Executable],
                 column_keys: tuple[str, ...] | None = None, per_dialect: bool = False) -> None:
        """Remember how to build the statement (nothing happens before the first call).

        `column_keys`: for an INSERT or UPDATE, the columns given as parameters by name.
        `per_dialect`: `build` takes the dialect's name (for dialect-specific constructs).
        """
        self._build = build
        self._per_dialect = per_dialect
        self._column_keys = list(column_keys) if column_keys else None
        self._compiled: dict[str, Any] = {}

    def __call__(self, session: Session, **params: Any) -> CursorResult:
        """Execute in the session's transaction with these bind parameter values."""
        connection = session.connection()
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            stmt = self._build(dialect.name) if self._per_dialect else self._build()
            compiled = stmt.compile(dialect=dialect, column_keys=self._column_keys)
            self._compiled[dialect.name] = compiled
        return connection.execute(compiled, params)


class Autocommit:
    """PostgreSQL: a Prepared statement run straight on a pooled DB-API connection.

    For the few hot statements that do a request's whole work alone (token_claim): no ORM
    session, no SQLAlchemy result objects, no BEGIN or COMMIT; psycopg prepares the statement
    on the server after a few runs. Bind values go to the driver as they are, so they must
    be plain (aware datetimes, str, int): no type processing happens here.
    """

    def __init__(self, prepared: Prepared) -> None:
        self._prepared = prepared
        self._ready: tuple[str, dict[str, Any], Any] | None = None

    def _compile(self, engine: Any) -> tuple[str, dict[str, Any], Any]:
        """The SQL text, the constant bind values, and a row type named by the columns."""
        from collections import namedtuple

        stmt = self._prepared._build()
        compiled = stmt.compile(dialect=engine.dialect)
        constants = {name: bind.value for name, bind in compiled.binds.items()
                     if not bind.required}
        row_type = namedtuple("Row", list(stmt.selected_columns.keys()))  # noqa: PYI024
        return compiled.string, constants, row_type

    def one(self, engine: Any, **params: Any) -> Any:
        """Run the statement with these bind values and return its one row."""
        if self._ready is None:
            self._ready = self._compile(engine)
        sql, constants, row_type = self._ready
        pooled = engine.raw_connection()
        connection = pooled.driver_connection
        try:
            connection.autocommit = True
            row = connection.execute(sql, constants | params, prepare=True).fetchone()
        finally:
            connection.autocommit = False
            pooled.close()  # back to the pool
        return row_type._make(row)
