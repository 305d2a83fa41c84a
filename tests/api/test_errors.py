"""Every error of the API has one JSON shape: {"error": {"code", "message", "fields"?}}."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crowdcat.api.openapi import SPEC
from crowdcat.models import Access, Submission
from crowdcat.services.accounts import tokens as api_tokens
from tests.factories_keying import GOOD


@pytest.fixture
def volunteer(session, factory):  # noqa: ANN001, ANN201
    """A volunteer writing in English and the Authorization header of their token."""
    user = factory.user(locale="en")
    _token, raw = api_tokens.create(session, user, "test")
    session.commit()
    return user, {"Authorization": f"Bearer {raw}"}


def _shape(response, status: int, code: str) -> dict:  # noqa: ANN001
    """The error object of a response, after checking the shape."""
    assert response.status_code == status and response.is_json, response.data
    assert set(response.json) == {"error"}
    error = response.json["error"]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "fields"}
    return error


def test_400_401_404_405(client, factory, volunteer):
    page = factory.item(factory.project())
    url = f"/api/v1/items/{page.id}/submissions"
    _shape(client.post(url, headers=volunteer[1], json=[]), 400, "bad_request")
    refused = client.post(url, json={"values": GOOD})
    assert "Bearer" in refused.headers["WWW-Authenticate"]
    _shape(refused, 401, "unauthorized")
    _shape(client.get("/api/v1/no/such/address"), 404, "not_found")
    wrong = client.get(url, headers=volunteer[1])
    assert "POST" in wrong.headers["Allow"]
    _shape(wrong, 405, "method_not_allowed")


def test_a_restricted_page_is_404_like_an_unknown_one(client, factory, volunteer):
    project = factory.project()
    restricted = factory.item(project, access=Access.RESTRICTED)
    for item_id in (restricted.id, restricted.id + 1000):
        error = _shape(client.post(f"/api/v1/items/{item_id}/submissions",
                                   headers=volunteer[1], json={"values": GOOD}),
                       404, "not_found")
        assert error["message"] == "This page is not open for keying."


def test_409_and_422_in_the_volunteers_language(client, factory, volunteer, session):
    project = factory.project()
    page = factory.item(project)
    client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    url = f"/api/v1/items/{page.id}/submissions"
    error = _shape(client.post(url, headers=volunteer[1], json={"values": GOOD | {"date": "某日"}}),
                   422, "invalid_values")
    assert set(error["fields"]) == {"date"} and error["message"].startswith("Some values")
    assert session.scalar(select(func.count()).select_from(Submission)) == 0
    assert client.post(url, headers=volunteer[1], json={"values": GOOD}).status_code == 201
    error = _shape(client.post(url, headers=volunteer[1], json={"values": GOOD}),
                   409, "already_submitted")
    assert "already keyed" in error["message"]
    _shape(client.post(f"/api/v1/items/{page.id}/reservation", headers=volunteer[1]),
           409, "not_held")


def test_413_for_a_body_over_the_limit(app, client, factory, volunteer):
    page = factory.item(factory.project())
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post(f"/api/v1/items/{page.id}/submissions", headers=volunteer[1],
                               json={"values": {"title": "x" * 5000}})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 512 * 1024 * 1024
    _shape(response, 413, "too_large")


def test_openapi_documents_every_error_with_the_shared_schema():
    error = SPEC["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)
    submissions = SPEC["paths"]["/items/{item_id}/submissions"]["post"]["responses"]
    assert {"400", "401", "403", "404", "405", "409", "413", "415", "422", "429",
            "500"} <= set(submissions)
