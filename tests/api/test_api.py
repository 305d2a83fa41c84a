"""The JSON API: bearer tokens, next page, submissions, errors, OpenAPI."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from crowdcat.models import Access, ProjectStatus, Submission
from crowdcat.services.accounts import tokens as api_tokens
from tests.factories_keying import GOOD, key, reserve


@pytest.fixture
def volunteer(session, factory):  # noqa: ANN001, ANN201
    """A volunteer and the Authorization header of their token."""
    user = factory.user()
    _token, raw = api_tokens.create(session, user, "test")
    session.commit()
    return user, {"Authorization": f"Bearer {raw}"}


def test_requests_without_a_valid_token_are_refused(client):
    for headers in ({}, {"Authorization": "Bearer cc_wrong"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/projects", headers=headers)
        assert response.status_code == 401 and response.json["error"]["message"]
        assert response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_active_projects(client, factory, volunteer):
    factory.project(title="開放中")
    factory.project(title="草稿", status=ProjectStatus.DRAFT)
    response = client.get("/api/v1/projects", headers=volunteer[1])
    assert [p["title"] for p in response.json["projects"]] == ["開放中"]


def test_next_page_is_reserved_and_resumed(client, factory, volunteer):
    project = factory.project()
    page = factory.item(project)
    response = client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    body = response.json
    assert response.status_code == 200 and body["item_id"] == page.id
    image = page.images[0]
    assert body["reserved_until"] and body["images"] == [
        {"url": f"http://localhost/api/v1/images/{image.id}", "width": 1240, "height": 1754}]
    assert body["image_url"] == body["images"][0]["url"]  # kept for one-image clients
    assert [f["key"] for f in body["fields"]] == ["title", "date", "pages"]
    again = client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    assert again.json["item_id"] == page.id


def test_nothing_left_is_204(client, factory, volunteer):
    project = factory.project()
    factory.item(project, access=Access.RESTRICTED)
    response = client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    assert response.status_code == 204
    assert client.post("/api/v1/projects/nope/next", headers=volunteer[1]).status_code == 404


def test_submit_values(client, factory, volunteer, session):
    project = factory.project()
    page = factory.item(project)
    client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    url = f"/api/v1/items/{page.id}/submissions"
    response = client.post(url, json={"values": GOOD | {"pages": 3}}, headers=volunteer[1])
    assert response.status_code == 201 and response.json["values"]["pages"] == "3"
    again = client.post(url, json={"values": GOOD}, headers=volunteer[1])
    assert again.status_code == 409
    assert session.scalar(select(func.count()).select_from(Submission)) == 1


def test_bad_values_are_422_with_messages_per_field(client, factory, volunteer, session):
    project = factory.project()
    page = factory.item(project)
    client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    response = client.post(f"/api/v1/items/{page.id}/submissions", headers=volunteer[1],
                           json={"values": GOOD | {"date": "某日", "pages": ["x"]}})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_values"
    assert set(response.json["error"]["fields"]) == {"date", "pages"}
    assert session.scalar(select(func.count()).select_from(Submission)) == 0


@pytest.mark.parametrize("body", [None, [], {"values": GOOD, "skip": "blank"}, {"other": 1}])
def test_malformed_bodies_are_400(client, factory, volunteer, body):
    project = factory.project()
    page = factory.item(project)
    response = client.post(f"/api/v1/items/{page.id}/submissions", headers=volunteer[1],
                           data="not json" if body is None else None,
                           json=body if body is not None else None)
    assert response.status_code == 400


def test_bodies_that_cannot_be_stored_as_sent_change_nothing(client, factory, volunteer,
                                                            session):
    project = factory.project()
    page = factory.item(project)
    client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    url, headers = f"/api/v1/items/{page.id}/submissions", volunteer[1] | {
        "Content-Type": "application/json"}
    # A lone surrogate escape is not text any database can store: bad JSON, 400.
    broken = client.post(url, headers=headers,
                         data='{"values": {"title": "\\ud800"}}')
    assert broken.status_code == 400
    # An integer beyond 64 bits would arrive rounded: the client is asked for text.
    typed = json.dumps(GOOD | {"pages": 0}).replace('"pages": 0', '"pages": 1' + "0" * 22)
    huge = client.post(url, headers=headers, data=f'{{"values": {typed}}}')
    assert huge.status_code == 422 and set(huge.json["error"]["fields"]) == {"pages"}
    assert session.scalar(select(func.count()).select_from(Submission)) == 0
    stored = client.post(url, headers=volunteer[1], json={"values": GOOD | {"pages": 12}})
    assert stored.status_code == 201 and stored.json["values"]["pages"] == "12"
    # Chinese is sent as UTF-8, not as \\u escapes.
    assert GOOD["title"].encode() in stored.data


def test_skip_and_no_longer_needed(client, factory, volunteer, session):
    project = factory.project()
    page = factory.item(project)
    for other in (factory.user(), factory.user()):
        reserve(session, project, other)
        key(session, page, other)
    skip = client.post(f"/api/v1/items/{page.id}/submissions", json={"skip": "blank"},
                       headers=volunteer[1])
    assert skip.status_code == 409  # the page is done
    late = client.post(f"/api/v1/items/{page.id}/submissions", json={"values": GOOD},
                       headers=volunteer[1])
    assert late.status_code == 409


def test_restricted_pages_do_not_exist_for_the_api(client, factory, volunteer):
    project = factory.project()
    page = factory.item(project, access=Access.RESTRICTED)
    response = client.post(f"/api/v1/items/{page.id}/submissions", json={"values": GOOD},
                           headers=volunteer[1])
    assert response.status_code == 404
    assert client.get(f"/api/v1/images/{page.images[0].id}",
                      headers=volunteer[1]).status_code == 404


def test_blind_keying_over_the_api(client, factory, volunteer, session):
    project = factory.project()
    page = factory.item(project)
    other = factory.user()
    reserve(session, project, other)
    key(session, page, other, GOOD | {"title": "別人的題名"})
    body = client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    assert body.json["item_id"] == page.id and "別人的題名" not in body.get_data(as_text=True)


def test_renew(client, factory, volunteer):
    project = factory.project()
    page = factory.item(project)
    assert client.post(f"/api/v1/items/{page.id}/reservation",
                       headers=volunteer[1]).status_code == 409
    client.post(f"/api/v1/projects/{project.slug}/next", headers=volunteer[1])
    assert client.post(f"/api/v1/items/{page.id}/reservation",
                       headers=volunteer[1]).status_code == 200


def test_parse_date_hint_and_openapi(client, volunteer, auth, factory):
    assert client.get("/api/v1/parse-date?value=1948-05-10").status_code == 401
    assert client.get("/api/v1/parse-date?value=民國三十七年五月十日",
                      headers=volunteer[1]).json == {"iso": "1948-05-10", "precision": "day"}
    assert client.get("/api/v1/parse-date?value=某日", headers=volunteer[1]).json["iso"] is None
    too_long = client.get("/api/v1/parse-date?value=" + "1" * 101, headers=volunteer[1])
    assert too_long.status_code == 422 and too_long.json["error"]["code"] == "too_long"
    auth.login(factory.user().email)  # the keying screen's hint: the session cookie
    hinted = client.get("/api/v1/parse-date?value=1948-05-10")
    assert hinted.json["iso"] == "1948-05-10" and "Set-Cookie" not in hinted.headers
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    assert "/projects/{slug}/next" in spec["paths"]
    assert "/items/{item_id}/submissions" in spec["paths"]


def test_messages_follow_the_token_owners_language(client, factory, session):
    user = factory.user(locale="en")
    _token, raw = api_tokens.create(session, user, "t")
    session.commit()
    project = factory.project()
    page = factory.item(project)
    headers = {"Authorization": f"Bearer {raw}"}
    client.post(f"/api/v1/projects/{project.slug}/next", headers=headers)
    response = client.post(f"/api/v1/items/{page.id}/submissions", json={"values": {}},
                           headers=headers)
    assert response.status_code == 422 and response.json["error"]["fields"]["title"] == \
        "This field is required."
