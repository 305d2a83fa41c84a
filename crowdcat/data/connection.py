"""Engine set-up: SQLite pragmas and explicit transaction starts."""
from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.util import identity_key

# Execution option that asks for BEGIN IMMEDIATE on SQLite (see immediate_transaction()).
IMMEDIATE = "crowdcat_sqlite_immediate"
# Session.info key remembering which transaction immediate_transaction() started.
_WRITE_TXN = "crowdcat_write_transaction"


# A pooled server connection idle for longer than this is pinged before use (seconds).
PING_AFTER_IDLE = 10.0

log = logging.getLogger(__name__)
# engine -> time.monotonic() when a connection of its pool was last found lost (lost()).
_LOST_AT: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def _ping_idle_connections(engine: Engine) -> None:
    """Check a connection that sat idle in the pool before handing it out.

    A ping on every checkout (pool_pre_ping) is a round trip per request on the keying hot
    paths; a connection that was in use a moment ago is alive. One that idled (the server
    may have restarted or dropped it) is pinged, and replaced if it is dead: the pool
    retries the checkout with a new connection when this raises DisconnectionError.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:  # noqa: ANN001 - pool objects
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001
        idle_since = record.info.get("idle_since")
        if idle_since is None:
            return
        # Pooled before a connection was found lost: the server may have dropped them all.
        lost_at = _LOST_AT.get(engine)
        fresh = lost_at is None or idle_since > lost_at
        if fresh and time.monotonic() - idle_since <= PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the driver's own error types: any failure means dead
            raise DisconnectionError from exc


def lost(engine: Engine, dbapi_connection: Any, exc: BaseException) -> bool:
    """Whether `exc` means the server connection is gone (remembered for the pool's sake).

    The connections pooled before it are pinged on their next checkout (_ping_idle_connections):
    a server that dropped one (restarted, or an admin ended the backends) dropped them all.
    """
    dbapi = engine.dialect.loaded_dbapi
    if engine.dialect.name == "sqlite" or not isinstance(exc, dbapi.Error):
        return False
    gone = bool(engine.dialect.is_disconnect(exc, dbapi_connection, None)
                or getattr(dbapi_connection, "closed", False)
                or getattr(dbapi_connection, "broken", False))
    if gone:
        _LOST_AT[engine] = time.monotonic()
    return gone


@contextmanager
def pooled_driver_connection(engine: Engine, *, autocommit: bool = False) -> Iterator[Any]:
    """A pooled DB-API connection outside any session, always given back to the pool.

    A connection found lost on the way is invalidated (closed, never handed out again), and
    the error that lost it is the one raised: putting the connection back in order
    (autocommit off) is skipped or, if that fails too, only logged. `autocommit`: each
    statement commits on its own while the connection is lent (PostgreSQL).
    """
    pooled = engine.raw_connection()
    connection = pooled.driver_connection
    failed = False
    try:
        if autocommit:
            connection.autocommit = True
        yield connection
    except BaseException as exc:
        failed = True
        if lost(engine, connection, exc):
            pooled.invalidate(exc)
        raise
    finally:
        _give_back(engine, pooled, connection, autocommit=autocommit, failed=failed)


def _give_back(engine: Engine, pooled: Any, connection: Any, *, autocommit: bool,
               failed: bool) -> None:
    """Reset a lent connection and return it to the pool; no error of this masks another.

    A connection that cannot be reset is invalidated, not raised about: what ran on it
    stands (a statement that succeeded keeps its result), and nobody gets it again.
    """
    try:
        if autocommit and pooled.is_valid:
            connection.autocommit = False
    except Exception as exc:
        lost(engine, connection, exc)
        pooled.invalidate(exc)
        log.warning("a pooled connection could not be reset and was closed: %s", exc)
    finally:
        try:
            pooled.close()  # back to the pool (or, invalidated, a new one made on demand)
        except Exception:
            if not failed:
                raise
            log.warning("could not return a connection to the pool", exc_info=True)


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL, foreign keys and a busy timeout. Servers: ping connections that idled.

    PostgreSQL's json values go through orjson (jsonio). SQLite keeps the standard
    library's: its JSON columns are text, written as SQLAlchemy writes them.
    """
    if engine.dialect.name != "sqlite":
        _ping_idle_connections(engine)
        if engine.dialect.driver == "psycopg":
            from crowdcat.jsonio import use_on_psycopg

            event.listen(engine, "connect", lambda dbapi_connection, _record:
                         use_on_psycopg(dbapi_connection))
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


# Session.info key: the current transaction runs on an AUTOCOMMIT connection.
_AUTOCOMMIT_TXN = "crowdcat_autocommit_transaction"


def autocommit_statements(session) -> bool:  # noqa: ANN001 - a Session or scoped_session
    """PostgreSQL: let each statement of the session commit on its own (no BEGIN, no COMMIT).

    For hot paths made of statements that are each atomic (a look-up, a write that checks
    and locks in one statement): two round trips fewer per request. The transaction counts
    as a write transaction (immediate_transaction() does nothing); leave_autocommit() starts
    a real one for code that needs several statements to hold together. False (nothing
    done) on SQLite or when the session is already in a transaction.
    """
    plain = session() if isinstance(session, scoped_session) else session
    if plain.in_transaction() or plain.get_bind().dialect.name != "postgresql":
        return False
    plain.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    current = plain.get_transaction()
    plain.info[_WRITE_TXN] = plain.info[_AUTOCOMMIT_TXN] = current
    return True


def in_autocommit(session) -> bool:  # noqa: ANN001 - a Session or scoped_session
    """Whether autocommit_statements() started the session's current transaction."""
    plain = session() if isinstance(session, scoped_session) else session
    current = plain.get_transaction()
    return current is not None and current.is_active and plain.info.get(_AUTOCOMMIT_TXN) is current


def leave_autocommit(session) -> None:  # noqa: ANN001 - a Session or scoped_session
    """End autocommit_statements() (what ran is committed) and open a write transaction."""
    if not in_autocommit(session):
        return
    plain = session() if isinstance(session, scoped_session) else session
    plain.commit()
    immediate_transaction(plain)


def refresh(session: Session, model: type, object_id: int) -> None:
    """Expire an ORM object the session holds after a Core UPDATE changed its row."""
    if not session.identity_map:  # the API's sessions hold none: no key to build
        return
    obj = session.identity_map.get(identity_key(model, object_id))
    if obj is not None:
        session.expire(obj)


def forget(session: Session, model: type, object_id: int) -> None:
    """Drop an ORM object the session holds after a Core DELETE removed its row."""
    obj = session.identity_map.get(identity_key(model, object_id))
    if obj is not None:
        session.expunge(obj)
