"""Engine set-up: SQLite pragmas and explicit transaction starts."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Execution option that asks for BEGIN IMMEDIATE on SQLite (see immediate_transaction()).
IMMEDIATE = "crowdcat_sqlite_immediate"


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


def immediate_transaction(session) -> None:  # noqa: ANN001 - a SQLAlchemy Session
    """Start the session's next transaction as a write transaction (SQLite: BEGIN IMMEDIATE).

    Ends whatever transaction the session had open (rolling back nothing that was
    flushed: callers call this before their first write). On PostgreSQL it only starts
    a transaction; callers lock rows with SELECT ... FOR UPDATE SKIP LOCKED.
    """
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={IMMEDIATE: True})
