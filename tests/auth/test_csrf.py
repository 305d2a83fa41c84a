"""CSRF protection on every form."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from crowdcat.models import User


@pytest.fixture
def csrf_client(app):  # noqa: ANN001, ANN201
    """A client with CSRF checks on."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_form_without_a_valid_token_is_refused_and_changes_nothing(csrf_client, session):
    response = csrf_client.post("/auth/signup", data={
        "display_name": "x", "email": "x@example.org", "password": "a good long password",
        "confirm": "a good long password", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "請重新載入頁面" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_the_token_from_the_page_is_accepted(csrf_client, session):
    page = csrf_client.get("/auth/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/auth/signup", data={
        "display_name": "x", "email": "x@example.org", "password": "a good long password",
        "confirm": "a good long password", "csrf_token": token})
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(User)) == 1
