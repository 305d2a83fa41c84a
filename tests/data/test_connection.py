"""Engine set-up: pooled connections pinged after idling, autocommit statements."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from crowdcat.data import connection as database
from crowdcat.data.connection import autocommit_statements, configure_engine, in_autocommit
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
