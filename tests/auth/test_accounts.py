"""Sign-up, log-in, log-out and password change as a user meets them."""
from __future__ import annotations

from sqlalchemy import func, select

from crowdcat.models import AuditEvent, Role, User


def _signup(client, **overrides):  # noqa: ANN001, ANN202
    data = {"display_name": "王小明", "email": "xm@example.org",
            "password": "a good long password", "confirm": "a good long password"}
    return client.post("/auth/signup", data=data | overrides)


def _users(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(User))


def test_signup_creates_a_logged_in_volunteer(client, session):
    response = _signup(client)
    assert response.status_code == 302
    user = session.scalar(select(User))
    assert user.email == "xm@example.org" and user.role == Role.VOLUNTEER
    assert user.password_hash.startswith("$argon2id$")
    home = client.get("/")
    assert "王小明" in home.get_data(as_text=True)


def test_signup_lowercases_email_and_refuses_duplicates(client, session):
    _signup(client, email="Mixed@Example.org")
    client.post("/auth/logout")
    response = _signup(client, email="mixed@example.ORG")
    assert response.status_code == 422
    assert "已有帳號使用此電子郵件地址" in response.get_data(as_text=True)
    assert _users(session) == 1


def test_signup_refuses_malformed_email_and_weak_passwords(client, session):
    bad_email = _signup(client, email="not-an-address")
    assert bad_email.status_code == 422
    assert "電子郵件地址格式不正確" in bad_email.get_data(as_text=True)
    short = _signup(client, password="short", confirm="short")
    assert "密碼至少需要 10 個字元" in short.get_data(as_text=True)
    common = _signup(client, password="1234567890", confirm="1234567890")
    assert "密碼太容易被猜到" in common.get_data(as_text=True)
    assert _users(session) == 0


def test_login_rotates_the_session_and_logout_ends_it(client, factory):
    user = factory.user()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    response = client.post("/auth/login", data={"email": user.email, "password": factory.PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == user.session_token
    client.post("/auth/logout")
    assert client.get("/auth/password").status_code == 302


def test_wrong_password_gets_a_clear_message(client, factory):
    user = factory.user()
    response = client.post("/auth/login", data={"email": user.email, "password": "nope nope nope"})
    assert response.status_code == 422
    assert "電子郵件地址或密碼錯誤" in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, factory):
    user = factory.user(active=False)
    response = client.post("/auth/login", data={"email": user.email, "password": factory.PASSWORD})
    assert response.status_code == 422


def test_login_never_redirects_off_site(client, factory):
    user = factory.user()
    response = client.post(
        "/auth/login?next=//evil.example/x",
        data={"email": user.email, "password": factory.PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_password_change_logs_out_other_sessions(app, client, factory, auth, session):
    user = factory.user()
    session.commit()
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": factory.PASSWORD})
    auth.login(user.email)
    response = client.post("/auth/password", data={
        "current": factory.PASSWORD, "password": "another fine passphrase",
        "confirm": "another fine passphrase"})
    assert response.status_code == 302
    assert other.get("/auth/password").status_code == 302  # sent to log in
    assert client.get("/auth/password").status_code == 200
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == user.id)
                          .order_by(AuditEvent.id.desc())) == "user.password"


def test_password_change_needs_the_current_password(client, factory, auth, session):
    user = factory.user()
    old_hash = user.password_hash
    auth.login(user.email)
    response = client.post("/auth/password", data={
        "current": "wrong wrong wrong", "password": "another fine passphrase",
        "confirm": "another fine passphrase"})
    assert response.status_code == 422
    assert "目前的密碼不正確" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(User, user.id).password_hash == old_hash
