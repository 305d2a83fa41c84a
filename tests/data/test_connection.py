"""Engine set-up: pooled connections pinged after idling, autocommit statements."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from crowdcat.data import connection as database
from crowdcat.data.connection import autocommit_statements, configure_engine, in_autocommit
from crowdcat.data.prepared import Autocommit, Prepared
from crowdcat.extensions import db
from crowdcat.models import User


@pytest.fixture
def server_engine(app):
    """An engine on the test database, set up as the app sets its own (servers only)."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has no server connection to lose")
    engine = sa.create_engine(db.engine.url, pool_size=1, max_overflow=0)
    configure_engine(engine)
    yield engine
    engine.dispose()


def backend_pid(engine: sa.Engine) -> int:
    """The server process serving the pool's connection."""
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT pg_backend_pid()"))


def test_a_connection_that_died_while_idle_is_replaced(server_engine, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
    first = backend_pid(server_engine)
    with db.engine.connect() as other:  # the server drops the pooled connection
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    second = backend_pid(server_engine)  # no error: pinged, found dead, replaced
    assert second != first


def test_a_connection_used_a_moment_ago_is_not_pinged(server_engine, monkeypatch):
    pings = []
    monkeypatch.setattr(server_engine.dialect, "do_ping", lambda conn: pings.append(conn))
    backend_pid(server_engine)
    backend_pid(server_engine)
    assert pings == []
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
    backend_pid(server_engine)
    assert len(pings) == 1


def test_autocommit_statements_commit_each_statement_on_postgresql(session):
    started = autocommit_statements(session)
    if db.engine.dialect.name == "sqlite":
        assert not started and not in_autocommit(session)
        return
    assert started and in_autocommit(session)
    session.execute(sa.insert(User).values(
        email="auto@example.org", display_name="自動", password_hash="x", role="volunteer",
        active=True, locale="zh_Hant", session_token="t" * 32))
    session.rollback()  # too late: the INSERT committed by itself
    assert not in_autocommit(session)
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    session.rollback()
    assert autocommit_statements(session)
    database.leave_autocommit(session)  # a real write transaction from here on
    assert not in_autocommit(session) and database.in_write_transaction(session)
    session.execute(sa.delete(User))
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def _kill(pid: int) -> None:
    with db.engine.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


_one = Autocommit(Prepared(lambda: sa.select(sa.literal(1).label("one"))))
_one_again = Autocommit(Prepared(lambda: sa.select(sa.literal(1).label("one"))),
                        retry_if_lost=True)


def test_a_lost_autocommit_connection_raises_the_real_error_and_is_not_leaked(server_engine):
    from psycopg.errors import AdminShutdown

    _kill(backend_pid(server_engine))  # used a moment ago: not pinged before use
    with pytest.raises(AdminShutdown):  # not "the connection is lost" from the clean-up
        _one.one(server_engine)
    assert server_engine.pool.checkedout() == 0
    assert _one.one(server_engine).one == 1  # the dead connection was not handed out again


def test_a_statement_that_may_run_twice_is_retried_on_a_fresh_connection(server_engine):
    first = backend_pid(server_engine)
    _kill(first)
    assert _one_again.one(server_engine).one == 1
    assert server_engine.pool.checkedout() == 0
    assert backend_pid(server_engine) != first


def test_other_errors_are_not_retried_and_leave_the_connection_usable(server_engine):
    failing = Autocommit(Prepared(lambda: sa.select(
        sa.cast(sa.literal("x"), sa.Integer).label("n"))), retry_if_lost=True)
    pid = backend_pid(server_engine)
    with pytest.raises(server_engine.dialect.loaded_dbapi.DataError):
        failing.one(server_engine)
    assert server_engine.pool.checkedout() == 0
    assert backend_pid(server_engine) == pid  # the same connection, back in order
    with server_engine.connect() as connection:  # and out of autocommit again
        connection.execute(sa.text("CREATE TEMPORARY TABLE t (x int)"))
        connection.rollback()
        assert connection.execute(sa.text("SELECT to_regclass('pg_temp.t')")).scalar() is None


def test_a_lost_connection_under_a_session_is_invalidated(server_engine):
    from sqlalchemy.orm import Session

    one = Prepared(lambda: sa.select(sa.literal(1).label("one")))
    with Session(server_engine) as session:
        _kill(session.execute(sa.text("SELECT pg_backend_pid()")).scalar())
        with pytest.raises(server_engine.dialect.loaded_dbapi.OperationalError):
            one(session)
        session.rollback()  # no second error: the connection was invalidated
        assert one(session).scalar() == 1
    assert server_engine.pool.checkedout() == 0
