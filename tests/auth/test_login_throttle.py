"""Failed log-ins per account: slowed down, then locked for the failing network only."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crowdcat.auth import throttle
from crowdcat.models import AuditEvent
from crowdcat.services.accounts.login_throttle import LOCKED, SLOWED, network_of
from tests.factories import Factory

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


@pytest.fixture
def throttled(app: Flask) -> Iterator[Flask]:
    """The app with the log-in throttle on (its counters in the data directory's SQLite file)."""
    saved = {k: app.config.get(k) for k in (
        "LOGIN_THROTTLE_ENABLED", "LOGIN_SLOW_AFTER", "LOGIN_LOCK_AFTER")}
    app.config["LOGIN_THROTTLE_ENABLED"] = True
    app.extensions.pop("crowdcat.login_throttle", None)
    yield app
    guard = throttle.of(app)
    guard.storage.reset()
    app.extensions.pop("crowdcat.login_throttle", None)
    app.config.update(saved)


def _post(client: FlaskClient, email: str, password: str, address: str):  # noqa: ANN202
    """Post the log-in form from `address`."""
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _policy(app: Flask, *, slow_after: int, lock_after: int) -> None:
    """Set the thresholds for this test."""
    app.config.update(LOGIN_SLOW_AFTER=slow_after, LOGIN_LOCK_AFTER=lock_after)
    app.extensions.pop("crowdcat.login_throttle", None)


def _events(session, action: str) -> list[AuditEvent]:  # noqa: ANN001
    session.rollback()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_after_a_few_failures_the_account_is_slowed_down(throttled, client, factory, session):
    _policy(throttled, slow_after=3, lock_after=100)
    user = factory.user()
    statuses = [_post(client, user.email, "wrong password!", ATTACKER).status_code
                for _ in range(3)]
    assert statuses == [422, 422, 422]
    # The first attempt of the slow-down window goes through, the next must wait.
    assert _post(client, user.email, "wrong password!", ATTACKER).status_code == 422
    refused = _post(client, user.email, Factory.PASSWORD, OWNER)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "此帳號登入失敗次數過多。請等候" in refused.get_data(as_text=True)
    slowed = _events(session, SLOWED)
    assert [(e.object_id, e.actor_id, e.after["failures"]) for e in slowed] == [(user.id, None, 3)]


def test_a_locked_account_refuses_the_failing_network_even_with_the_right_password(
        throttled, client, factory, session):
    _policy(throttled, slow_after=100, lock_after=5)
    user = factory.user()
    for _ in range(5):
        assert _post(client, user.email, "wrong password!", ATTACKER).status_code == 422
    locked = _post(client, user.email, Factory.PASSWORD, ATTACKER)
    assert locked.status_code == 429
    text = locked.get_data(as_text=True)
    assert "在此網路上已鎖定" in text and "15 分鐘" in text
    assert client.get("/me").status_code == 302  # not logged in
    events = _events(session, LOCKED)
    assert [(e.object_id, e.after) for e in events] == [
        (user.id, {"failures": 5, "network": ATTACKER})]


def test_the_owner_logs_in_from_a_network_that_has_not_failed(
        throttled, client, factory):
    _policy(throttled, slow_after=100, lock_after=5)
    user = factory.user()
    for _ in range(8):
        _post(client, user.email, "wrong password!", ATTACKER)
    assert _post(client, user.email, Factory.PASSWORD, OWNER).status_code == 302
    assert client.get("/me").status_code == 200
    # The owner's network, once it fails too, is locked like the attacker's.
    other = throttled.test_client()
    assert _post(other, user.email, "mistyped!!", "192.0.2.99").status_code == 422
    assert _post(other, user.email, Factory.PASSWORD, "192.0.2.99").status_code == 429


def test_unknown_accounts_are_throttled_alike_and_not_audited(throttled, client, session):
    _policy(throttled, slow_after=100, lock_after=3)
    statuses = [_post(client, "nobody@example.org", "whatever it is", ATTACKER).status_code
                for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert _events(session, LOCKED) == []


def test_an_administrator_can_lift_a_lock(throttled, client, factory):
    _policy(throttled, slow_after=100, lock_after=3)
    user = factory.user()
    for _ in range(3):
        _post(client, user.email, "wrong password!", ATTACKER)
    assert _post(client, user.email, Factory.PASSWORD, ATTACKER).status_code == 429
    result = throttled.test_cli_runner().invoke(args=["unlock-login", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert _post(client, user.email, Factory.PASSWORD, ATTACKER).status_code == 302


def test_a_right_password_forgives_the_networks_earlier_failures(throttled, client, factory):
    _policy(throttled, slow_after=100, lock_after=4)
    user = factory.user()
    _post(client, user.email, "mistyped!!", OWNER)
    assert _post(client, user.email, Factory.PASSWORD, OWNER).status_code == 302
    client.post("/auth/logout")
    for _ in range(4):
        _post(throttled.test_client(), user.email, "wrong password!", ATTACKER)
    assert _post(client, user.email, Factory.PASSWORD, OWNER).status_code == 302


@pytest.mark.parametrize(("address", "network"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("", "unknown"),
])
def test_networks_are_addresses_or_ipv6_prefixes(address, network):
    assert network_of(address) == network
