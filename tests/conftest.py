"""Shared fixtures: the app on SQLite and PostgreSQL, clients, factories, log-in helper."""
from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from crowdcat import create_app
from crowdcat.extensions import db
from crowdcat.i18n_catalogs import compile_all
from crowdcat.models import Base
from tests.factories import Factory

POSTGRES_URL = os.environ.get(
    "CROWDCAT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ("sqlite", "postgresql")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translations so the UI tests see the current catalogs."""
    compile_all()


def _psycopg_url(url: str) -> sa.URL:
    """The PostgreSQL URL with the psycopg 3 driver."""
    return make_url(url).set(drivername="postgresql+psycopg")


def _postgres_unavailable(reason: str) -> None:
    """Fail under CI, else warn loudly and skip the PostgreSQL leg."""
    message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: the PostgreSQL leg may not be skipped)")
    warnings.warn(
        f"\n{'!' * 70}\n{message}\nTHE POSTGRESQL HALF OF THE SUITE IS SKIPPED\n{'!' * 70}",
        pytest.PytestWarning,
        stacklevel=1,
    )
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    admin_url = _psycopg_url(POSTGRES_URL)
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        _postgres_unavailable(str(exc).splitlines()[0])
    name = f"crowdcat_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
            ), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Each database test runs once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="session")
def _migrated_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app per backend, its database upgraded from empty with Alembic."""
    data_dir = tmp_path_factory.mktemp("data")
    Flask.test_client_class = IsolatedClient
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATA_DIR": str(data_dir),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    })
    from crowdcat.schema import upgrade

    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_tables() -> None:
    """Delete every row (children first) so the next test starts clean."""
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(_migrated_app: Flask) -> Iterator[Flask]:
    """The app inside an application context; tables emptied after the test."""
    with _migrated_app.app_context():
        yield _migrated_app
        _empty_tables()
        db.session.remove()


@pytest.fixture
def session(app: Flask):  # noqa: ANN201
    """The scoped SQLAlchemy session."""
    return db.session


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, session and `g`, as in production.

    The `app` fixture keeps an app context open for the test body; without this, Flask would
    reuse it for requests, sharing the test's database session and Flask-Login's cached user.

    The test's own session commits what the test set up before each request, and ends its
    transaction after it, so the test then reads what the request wrote.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if _cv_app.get(None) is not None:
            db.session.commit()
        # Read streamed bodies inside this call, while the request's own contexts are current.
        kwargs.setdefault("buffered", True)
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if _cv_app.get(None) is not None:
                db.session.rollback()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (CSRF off; see csrf_client for CSRF tests)."""
    return app.test_client()


@pytest.fixture
def factory(app: Flask) -> Factory:
    """Factories for test data."""
    return Factory(db.session)


@pytest.fixture
def data_dir(app: Flask) -> Path:
    """The app's data directory."""
    return Path(app.config["DATA_DIR"])


class AuthActions:
    """Log a test client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = Factory.PASSWORD):  # noqa: ANN201
        """Post the log-in form."""
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):  # noqa: ANN201
        """Post the log-out form."""
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Log-in helper for `client`."""
    return AuthActions(client)
