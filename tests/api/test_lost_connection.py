"""The database drops the app's connections between two requests (issue 17, point 14)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from crowdcat.extensions import db
from crowdcat.models import Reservation
from crowdcat.services.accounts import tokens as api_tokens


@pytest.fixture
def postgres_only(app):  # noqa: ANN001, ANN201
    """PostgreSQL only (SQLite has no server to lose); the dead connections dropped after."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server connection to lose")
    yield
    db.session.remove()
    db.engine.dispose()  # whatever the test left dead in the pool


def _headers(session, factory) -> dict:  # noqa: ANN001
    _token, raw = api_tokens.create(session, factory.user(), "test")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _terminate_the_apps_backends() -> int:
    """Every server process of the test database but this one, ended (as an admin would)."""
    killer = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    try:
        with killer.connect() as connection:
            return connection.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    finally:
        killer.dispose()


def _idle() -> None:
    """The test's own session gives its connection back to the pool."""
    db.session.rollback()
    db.session.close()


def test_next_page_succeeds_after_the_servers_connections_were_dropped(
        postgres_only, client, factory, session):
    project = factory.project()
    for _ in range(3):
        factory.item(project)
    first, second = _headers(session, factory), _headers(session, factory)
    url = f"/api/v1/projects/{project.slug}/next"
    held = client.post(url, headers=first)
    assert held.status_code == 200
    _idle()
    assert db.engine.pool.checkedin() >= 1
    assert _terminate_the_apps_backends() >= 1

    again = client.post(url, headers=first)  # the pooled connection is dead
    assert again.status_code == 200
    assert again.json["item_id"] == held.json["item_id"]  # their hold, resumed
    assert client.post(url, headers=second).status_code == 200  # and a new hold for another

    _idle()
    assert db.engine.pool.checkedout() == 0  # nothing leaked
    holds = session.scalar(select(func.count()).select_from(Reservation))
    assert holds == 2  # one per volunteer: the retry made no second hold


def test_every_pooled_connection_dead_still_gives_a_page(postgres_only, client, factory,
                                                         session):
    """Several dead connections in the pool: the retry's fresh one is checked before use."""
    project = factory.project()
    factory.item(project)
    headers, url = _headers(session, factory), f"/api/v1/projects/{project.slug}/next"
    connections = [db.engine.connect() for _ in range(3)]  # the pool holds three
    for connection in connections:
        connection.execute(sa.text("SELECT 1"))
        connection.close()
    _idle()
    _terminate_the_apps_backends()
    assert client.post(url, headers=headers).status_code == 200
    _idle()
    assert db.engine.pool.checkedout() == 0
