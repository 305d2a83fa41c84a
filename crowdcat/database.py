"""Engine set-up: SQLite pragmas and explicit transaction starts."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session

# Execution option that asks for BEGIN IMMEDIATE on SQLite (see immediate_transaction()).
IMMEDIATE = "crowdcat_sqlite_immediate"
# Session.info key remembering which transaction immediate_transaction() started.
_WRITE_TXN = "crowdcat_write_transaction"


def configure_engine(engine: Engine) -> None:
    """Turn on WAL, foreign keys and a busy timeout for SQLite; no-op elsewhere."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001 - DB-API objects
        # pysqlite's own transaction handling breaks SAVEPOINT and BEGIN IMMEDIATE;
        # we take it over and emit BEGIN ourselves in _on_begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        immediate = connection.get_execution_options().get(IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def in_write_transaction(session) -> bool:  # noqa: ANN001 - a Session or scoped_session
    """Whether immediate_transaction() started the session's current transaction."""
    plain = session() if isinstance(session, scoped_session) else session
    current = plain.get_transaction()
    return current is not None and current.is_active and plain.info.get(_WRITE_TXN) is current


def immediate_transaction(session) -> None:  # noqa: ANN001 - a Session or scoped_session
    """Make sure the session is in a write transaction (SQLite: BEGIN IMMEDIATE).

    Does nothing when the session's current transaction was started here already.
    Otherwise it commits whatever transaction was open (callers call this before their
    first write) and starts a new one. On PostgreSQL it only starts a transaction;
    callers lock rows with SELECT ... FOR UPDATE SKIP LOCKED.
    """
    if in_write_transaction(session):
        return
    plain = session() if isinstance(session, scoped_session) else session
    if plain.in_transaction():
        plain.commit()
    plain.connection(execution_options={IMMEDIATE: True})
    plain.info[_WRITE_TXN] = plain.get_transaction()
