"""The UI language: Traditional Chinese by default, switchable, remembered."""
from __future__ import annotations

from crowdcat.i18n_catalogs import TRANSLATED_LOCALES, clashes, missing
from crowdcat.models import User


def test_default_language_is_traditional_chinese(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page
    assert "協助著錄檔案" in page


def test_visitor_switches_to_english_and_the_cookie_remembers(client):
    response = client.post("/lang/en", data={"next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Help describe the archives" in page


def test_simplified_chinese(client):
    client.post("/lang/zh_Hans")
    assert "协助著录档案" in client.get("/").get_data(as_text=True)


def test_language_is_remembered_on_the_account(app, client, factory, auth, session):
    user = factory.user()
    auth.login(user.email)
    client.post("/lang/zh_Hans")
    session.rollback()
    assert session.get(User, user.id).locale == "zh_Hans"
    fresh = app.test_client()  # another browser: no cookie
    fresh.post("/auth/login", data={"email": user.email, "password": factory.PASSWORD})
    assert '<html lang="zh-Hans">' in fresh.get("/").get_data(as_text=True)


def test_unknown_language_code_is_refused(client):
    response = client.post("/lang/xx")
    assert response.status_code == 400
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_language_switch_ignores_off_site_next(client):
    response = client.post("/lang/en", data={"next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_every_ui_string_is_translated():
    gaps = {loc: missing(loc) for loc in TRANSLATED_LOCALES}
    assert gaps == {loc: {} for loc in TRANSLATED_LOCALES}


def test_a_string_has_one_translation_across_areas():
    found = {loc: clashes(loc) for loc in TRANSLATED_LOCALES}
    assert found == {loc: {} for loc in TRANSLATED_LOCALES}
