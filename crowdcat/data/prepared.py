"""Statements of the keying hot paths, built and compiled once per database dialect.

Building a SQLAlchemy statement and computing its cache key costs more Python time than
running these small indexed queries, and so does SQLAlchemy's execution machinery around a
compiled statement (contexts, events, result metadata) compared with SQLite's own work. A
Prepared statement is built once (with named bind parameters) and compiled once per
dialect; each call sends the compiled SQL straight to the DB-API connection under the
session's transaction, with the values passed through the same type processors SQLAlchemy
would apply (JSON, enums, time zones), and returns plain rows processed the same way.

On psycopg the SQL is also rewritten once into PostgreSQL's own `$1` placeholders and run
on a raw cursor: psycopg otherwise parses a statement's `%(name)s` placeholders on every
run of a statement longer than 4 kB (it caches only shorter ones), which cost the one-statement
next page a third of a millisecond per request.
"""
from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import UpdateBase

from crowdcat.data.connection import lost, pooled_driver_connection


def _row_type(keys: list[str]) -> type:
    """A named tuple type for result rows, with `_mapping` as SQLAlchemy rows have it."""
    base = namedtuple("Row", keys, rename=True)  # noqa: PYI024
    names = tuple(keys)

    class Row(base):  # type: ignore[misc, valid-type]
        __slots__ = ()

        @property
        def _mapping(self) -> dict[str, Any]:
            return dict(zip(names, self, strict=True))

    return Row


@dataclass(frozen=True)
class _Compiled:
    """A statement compiled for one dialect, ready to run on a DB-API connection."""

    sql: str
    positional: tuple[str, ...] | None  # bind names in order (qmark) or None (named)
    bind: dict[str, Callable[[Any], Any] | None]
    constants: dict[str, Any]  # the values of the binds given when building, processed
    result: tuple[Callable[[Any], Any] | None, ...]
    row_type: type | None
    # Columns whose Python-side default (or onupdate) fills a value the caller did not give.
    defaults: tuple[tuple[str, Any], ...] = ()
    raw: bool = False  # psycopg: `sql` has $n placeholders for the names in `positional`

    @classmethod
    def of(cls, stmt: Any, dialect: Dialect, column_keys: list[str] | None) -> _Compiled:
        """Compile `stmt` and collect its bind and result processors."""
        compiled = stmt.compile(dialect=dialect, column_keys=column_keys)
        if "POSTCOMPILE" in compiled.string:  # expanding IN lists need SQLAlchemy itself
            raise ValueError("a Prepared statement cannot use expanding parameters")
        # dialect_impl(): the type as this dialect runs it (SQLite parses its date strings).
        bind = {name: param.type.dialect_impl(dialect).bind_processor(dialect)
                for name, param in compiled.binds.items()}
        constants = {name: _processed(bind[name], param.value)
                     for name, param in compiled.binds.items() if not param.required}
        columns = _result_columns(stmt)
        result = tuple(type_.dialect_impl(dialect).result_processor(dialect, None)
                       for _name, type_ in columns)
        row_type = _row_type([name for name, _type in columns]) if columns else None
        positional = tuple(compiled.positiontup) if dialect.positional else None
        defaults = tuple(
            (column.key, column.onupdate if column in compiled.update_prefetch
             else column.default)
            for column in [*compiled.insert_prefetch, *compiled.update_prefetch])
        sql, raw = compiled.string, dialect.driver == "psycopg" and positional is None
        if raw:
            sql, positional = _dollar_placeholders(sql)
        return cls(sql, positional, bind, constants, result, row_type, defaults, raw)

    def parameters(self, params: dict[str, Any]) -> Any:
        """The values for the driver: processed, in order or by name."""
        values = dict(self.constants)
        for name, default in self.defaults:
            if name not in params:  # as SQLAlchemy would: callables called, scalars used
                values[name] = _processed(self.bind.get(name), default.arg(None)
                                          if default.is_callable else default.arg)
        for name, value in params.items():
            values[name] = _processed(self.bind.get(name), value)
        if self.positional is None:
            return values
        return tuple(values[name] for name in self.positional)

    def rows(self, raw: Iterable[tuple]) -> list[Any]:
        """Driver rows as named rows, their values processed."""
        make = self.row_type._make  # type: ignore[union-attr]
        processed = [(i, proc) for i, proc in enumerate(self.result) if proc is not None]
        if not processed:
            return [make(row) for row in raw]
        rows = []
        for row in raw:
            values = list(row)
            for i, proc in processed:
                values[i] = proc(values[i])
            rows.append(make(values))
        return rows


_PYFORMAT = re.compile(r"%\(([^)]+)\)s|%%")


def _dollar_placeholders(sql: str) -> tuple[str, tuple[str, ...]]:
    """pyformat SQL (`%(name)s`, `%%` for %) as PostgreSQL's `$n`, and the names in order.

    A name used twice keeps its number, as psycopg's own conversion does.
    """
    order: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        return f"${order.setdefault(name, len(order) + 1)}"

    return _PYFORMAT.sub(number, sql), tuple(order)


def _result_columns(stmt: Any) -> list[tuple[str, Any]]:
    """(name, type) of the rows a statement returns (none for DML without RETURNING)."""
    if isinstance(stmt, UpdateBase):
        return [(d["name"], d["type"]) for d in stmt.returning_column_descriptions]
    return [(column.key, column.type) for column in stmt.selected_columns]


def _processed(processor: Callable[[Any], Any] | None, value: Any) -> Any:
    """A bind value after its type's processor."""
    return value if processor is None else processor(value)


class Result:
    """What a call returns: the rows (if any) and the count of rows written."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows, self.rowcount = rows, rowcount

    def all(self) -> list[Any]:
        """Every row."""
        return self._rows

    def first(self) -> Any:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        """The only row (an error when there is not exactly one)."""
        if len(self._rows) != 1:
            raise LookupError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self._rows[0][0] if self._rows else None


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
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        """The statement compiled for `dialect` (once)."""
        found = self._compiled.get(dialect.name)
        if found is None:
            stmt = self._build(dialect.name) if self._per_dialect else self._build()
            found = self._compiled[dialect.name] = _Compiled.of(stmt, dialect,
                                                               self._column_keys)
        return found

    def run(self, dbapi_connection: Any, dialect: Dialect, **params: Any) -> Result:
        """Execute on a DB-API connection, in whatever transaction it is in."""
        compiled = self.compiled(dialect)
        cursor = _raw_cursor(dbapi_connection) if compiled.raw else dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.parameters(params))
            # Rows only for what the statement asks back (SQLAlchemy may add its own
            # RETURNING of the primary key to an INSERT: those rows are of no interest here).
            # cursor.description is not asked: psycopg builds column objects for it.
            rows = compiled.rows(cursor.fetchall()) if compiled.row_type else []
            return Result(rows, cursor.rowcount)
        finally:
            cursor.close()

    def __call__(self, session: Session, **params: Any) -> Result:
        """Execute in the session's transaction with these bind parameter values."""
        dbapi_connection, dialect = _driver_connection(session)
        try:
            return self.run(dbapi_connection, dialect, **params)
        except Exception as exc:
            _invalidate_if_lost(session, dbapi_connection, exc)
            raise


def _invalidate_if_lost(session: Session, dbapi_connection: Any, exc: Exception) -> None:
    """A lost connection under the session is invalidated (SQLAlchemy's own executions do so
    themselves): the session's rollback then succeeds, and the pool never hands it out again."""
    plain = session() if callable(session) and not isinstance(session, Session) else session
    connection = plain.connection()
    if lost(connection.engine, dbapi_connection, exc):
        connection.invalidate(exc)


def _raw_cursor(connection: Any) -> Any:
    """A psycopg cursor that sends the query as it is (its placeholders are $1, $2...)."""
    from psycopg import RawCursor

    return RawCursor(connection)


# Session.info key: (transaction, DB-API connection, dialect) of the session's current transaction.
_DRIVER = "crowdcat_driver_connection"


def _driver_connection(session: Session) -> tuple[Any, Dialect]:
    """The DB-API connection under the session's transaction (begun if need be), remembered."""
    plain = session() if callable(session) and not isinstance(session, Session) else session
    held = plain.info.get(_DRIVER)
    transaction = plain.get_transaction()
    if held is not None and transaction is not None and held[0] is transaction \
            and transaction.is_active:
        return held[1], held[2]
    connection = plain.connection()
    transaction = plain.get_transaction()
    plain.info[_DRIVER] = (transaction, connection.connection.driver_connection,
                           connection.dialect)
    return plain.info[_DRIVER][1], connection.dialect


class Autocommit:
    """PostgreSQL: a Prepared statement run straight on a pooled DB-API connection.

    For the few hot statements that do a request's whole work alone (token_claim): no ORM
    session, no BEGIN or COMMIT; psycopg prepares the statement on the server after a few
    runs. The connection always goes back to the pool, invalidated if it was found lost
    (connection.pooled_driver_connection()).

    `retry_if_lost`: when the connection turns out lost, run the statement once more on a
    fresh one. Only for a statement that may run twice: one that wrote nothing when it
    failed, or whose second run finds what the first one wrote and writes nothing more.
    """

    def __init__(self, prepared: Prepared, *, retry_if_lost: bool = False) -> None:
        self._prepared = prepared
        self._retry_if_lost = retry_if_lost

    def one(self, engine: Any, **params: Any) -> Any:
        """Run the statement with these bind values and return its one row."""
        retries = 1 if self._retry_if_lost else 0
        while True:
            connection = None
            try:
                with pooled_driver_connection(engine, autocommit=True) as connection:
                    return self._prepared.run(connection, engine.dialect, **params).one()
            except Exception as exc:
                if not retries or connection is None or not lost(engine, connection, exc):
                    raise
                # Again on a fresh connection: those pooled before this one was lost are
                # pinged on checkout (connection.lost()), so a dead one is not handed out.
                retries -= 1
