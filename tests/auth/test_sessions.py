"""Sessions end on the server: log-out, password and role change, deactivation, timeouts."""
from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient

from crowdcat.models import Role
from tests.factories import Factory


def _logged_in(app: Flask, email: str) -> FlaskClient:
    """A new browser, logged in as `email`."""
    browser = app.test_client()
    response = browser.post("/auth/login", data={"email": email, "password": Factory.PASSWORD})
    assert response.status_code == 302
    assert browser.get("/me").status_code == 200
    return browser


def _copy_of(app: Flask, browser: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of `browser`'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def _opens_me(browser: FlaskClient) -> bool:
    """Whether /me opens (else the log-in page is asked for)."""
    response = browser.get("/me")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_cookie_copied_before_logout_no_longer_opens_me(app, factory):
    user = factory.user()
    browser = _logged_in(app, user.email)
    thief = _copy_of(app, browser)
    assert _opens_me(thief)
    assert browser.post("/auth/logout").status_code == 302
    assert not _opens_me(thief)
    assert not _opens_me(browser)


def test_logout_ends_the_users_sessions_on_every_browser(app, factory):
    user = factory.user()
    laptop, phone = _logged_in(app, user.email), _logged_in(app, user.email)
    laptop.post("/auth/logout")
    assert not _opens_me(phone)
    # Logging in again works, and starts a session the old cookies cannot share.
    assert _opens_me(_logged_in(app, user.email))
    assert not _opens_me(laptop)


def test_password_change_ends_other_sessions_but_keeps_this_one(app, factory):
    user = factory.user()
    browser, other = _logged_in(app, user.email), _logged_in(app, user.email)
    response = browser.post("/auth/password", data={
        "current": Factory.PASSWORD, "password": "another long passphrase",
        "confirm": "another long passphrase"})
    assert response.status_code == 302
    assert _opens_me(browser)
    assert not _opens_me(other)


def test_role_change_ends_the_users_sessions(app, factory):
    admin, volunteer = factory.user(Role.ADMIN), factory.user()
    volunteer_browser = _logged_in(app, volunteer.email)
    admin_browser = _logged_in(app, admin.email)
    response = admin_browser.post(f"/admin/users/{volunteer.id}/role",
                                  data={f"u{volunteer.id}-role": "reviewer"})
    assert response.status_code == 303
    assert not _opens_me(volunteer_browser)
    assert _opens_me(admin_browser)
    # Logged in again, the new role applies.
    assert _logged_in(app, volunteer.email).get("/review/").status_code != 403


def test_an_idle_session_ends(app, factory):
    user = factory.user()
    browser = _logged_in(app, user.email)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with browser.session_transaction() as sess:
        sess["_seen_at"] = int(time.time()) - idle - 60
    response = browser.get("/me", follow_redirects=True)
    assert "請重新登入" in response.get_data(as_text=True)
    assert not _opens_me(browser)


def test_activity_keeps_a_session_alive(app, factory):
    user = factory.user()
    browser = _logged_in(app, user.email)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with browser.session_transaction() as sess:
        sess["_seen_at"] = int(time.time()) - idle + 120  # two minutes to go
    assert _opens_me(browser)
    with browser.session_transaction() as sess:
        assert time.time() - sess["_seen_at"] < 60  # the visit was seen


def test_a_session_ends_at_its_absolute_limit_even_when_active(app, factory):
    user = factory.user()
    browser = _logged_in(app, user.email)
    limit = app.config["SESSION_MAX_HOURS"] * 3600
    with browser.session_transaction() as sess:
        sess["_login_at"] = int(time.time()) - limit - 60
        sess["_seen_at"] = int(time.time())
    assert not _opens_me(browser)


def test_default_timeouts_suit_a_public_site(app):
    assert app.config["SESSION_IDLE_MINUTES"] == 120
    assert app.config["SESSION_MAX_HOURS"] == 12


def test_keep_me_logged_in_is_a_cookie_within_the_absolute_limit(app, factory):
    user = factory.user()
    browser = app.test_client()
    response = browser.post("/auth/login", data={
        "email": user.email, "password": Factory.PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token=") for c in cookies)
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "Expires=" in session_cookie
    plain = app.test_client().post(
        "/auth/login", data={"email": user.email, "password": Factory.PASSWORD})
    plain_cookie = next(c for c in plain.headers.getlist("Set-Cookie")
                        if c.startswith("session="))
    assert "Expires=" not in plain_cookie
