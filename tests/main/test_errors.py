"""Error pages speak the user's language."""
from __future__ import annotations

from crowdcat import create_app
from crowdcat.extensions import db


def test_404_in_traditional_chinese(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "找不到此頁" in response.get_data(as_text=True)


def test_404_in_english(client):
    client.post("/lang/en")
    assert "Not found" in client.get("/no/such/page").get_data(as_text=True)


def test_403_for_a_volunteer_on_an_admin_page(client, factory, auth):
    auth.login(factory.user().email)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "您的帳號無權開啟此頁" in response.get_data(as_text=True)


def test_413_for_an_oversized_request(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/auth/login", data={"email": "x" * 5000, "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 512 * 1024 * 1024
    assert response.status_code == 413
    assert "上傳的檔案超過伺服器的上限" in response.get_data(as_text=True)


def test_429_when_logging_in_too_often(app):
    from crowdcat.extensions import limiter

    # Flask-Limiter keeps its switch on the extension object, shared by every app.
    # The per-network limit alone (the per-account throttle: tests/auth/test_login_throttle.py).
    limited = create_app(dict(app.config) | {"RATELIMIT_ENABLED": True,
                                             "LOGIN_THROTTLE_ENABLED": False})
    client = limited.test_client()
    try:
        responses = [client.post("/auth/login", data={"email": "a@b.org", "password": "x"})
                     for _ in range(21)]
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()
    assert [r.status_code for r in responses[:-1]] == [422] * 20
    assert responses[-1].status_code == 429
    assert "請稍候片刻再試" in responses[-1].get_data(as_text=True)


def test_healthz_is_trivial(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
