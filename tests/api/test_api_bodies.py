"""API request bodies: hidden characters, text that is no UTF-8, huge objects, the size cap."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from crowdcat.models import Submission
from tests.factories_keying import GOOD


@pytest.fixture
def held(client, factory):  # noqa: ANN001, ANN201
    """(submit URL, headers) of a page the API gave a volunteer (messages in `locale`)."""
    def make(locale: str = "zh_Hant") -> tuple[str, dict]:
        user = factory.user(locale=locale)
        headers = {"Authorization": f"Bearer {factory.api_token(user)}"}
        project = factory.project()
        factory.item(project)
        item_id = client.post(f"/api/v1/projects/{project.slug}/next", headers=headers).json[
            "item_id"]
        return f"/api/v1/items/{item_id}/submissions", headers
    return make


def _count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Submission))


def test_a_right_to_left_override_is_refused_in_the_owners_language(client, held, session):
    url, headers = held("zh_Hant")
    response = client.post(url, json={"values": GOOD | {"title": "關於\u202e徵集的訓令"}},
                           headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["fields"]["title"].startswith(
        "題名：U+202E RIGHT-TO-LEFT OVERRIDE 是會改變文字顯示順序的隱形字元")
    url, headers = held("en")
    response = client.post(url, json={"values": GOOD | {"title": "Order\u2066 on archives"}},
                           headers=headers)
    assert response.json["error"]["fields"]["title"].startswith(
        "Title: U+2066 LEFT-TO-RIGHT ISOLATE is an invisible character")
    session.rollback()
    assert _count(session) == 0


def test_zero_width_spaces_are_dropped_from_what_is_stored(client, held, session):
    url, headers = held()
    response = client.post(url, json={"values": GOOD | {"title": "關於\u200b徵集的訓令"}},
                           headers=headers)
    assert response.status_code == 201 and response.json["values"]["title"] == "關於徵集的訓令"
    session.rollback()
    assert session.scalars(select(Submission)).one().values["title"] == "關於徵集的訓令"


@pytest.mark.parametrize(("body", "code", "words"), [
    (b'{"values": {"title": "\\ud800x", "date": "1948-05-10"}}', "invalid_json",
     "lone surrogate escape"),
    (b'{"values": {"title": "\xed\xa0\x80x"}}', "invalid_encoding", "not valid UTF-8"),
    (b'{"values": {"title": "\xff"}}', "invalid_encoding", "not valid UTF-8"),
    (b'{"values": {"title": ', "invalid_json", "not valid JSON (line 1, column 22)"),
    (b'["values"]', "bad_request", 'either "values" or "skip"'),
])
def test_a_body_that_is_no_json_object_is_told_why(client, held, session, body, code, words):
    url, headers = held("en")
    response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code and words in response.json["error"]["message"]
    session.rollback()
    assert _count(session) == 0


def test_the_body_messages_are_translated(client, held):
    url, headers = held("zh_Hans")
    response = client.post(url, data=b'{"values": {"title": "\\udc00"}}',
                           content_type="application/json", headers=headers)
    assert "落单的代理项转义" in response.json["error"]["message"]


def test_ten_thousand_keys_give_one_message_not_ten_thousand(client, held):
    url, headers = held("en")
    values = {f"k{n}": "x" for n in range(10_000)}
    response = client.post(url, json={"values": values}, headers=headers)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["values"]
    assert "Too many values were sent (10000 for the 3 fields" in \
        response.json["error"]["fields"]["values"]
    assert len(response.data) < 1000
    response = client.post(url, json={"values": GOOD} | {f"k{n}": 1 for n in range(10_000)},
                           headers=headers)
    assert response.status_code == 400 and response.json["error"]["code"] == "too_many_keys"
    assert len(response.data) < 1000


def test_bodies_over_the_api_limit_are_refused(app, client, held, session):
    url, headers = held("en")
    padding = "長" * (app.config.get("API_MAX_BODY_BYTES", 1024 * 1024) // 3 + 10)
    body = json.dumps({"values": GOOD | {"notes": padding}}, ensure_ascii=False).encode()
    response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    session.rollback()
    assert _count(session) == 0
