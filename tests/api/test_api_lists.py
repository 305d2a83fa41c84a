"""The API keys list items: next marks each field's part (header or row) so a client builds
the grid; a submission sends the header's "values" and the "rows"; rows are refused, plainly
and with nothing stored, where they do not belong."""
from __future__ import annotations

from sqlalchemy import func, select

from crowdcat.models import Access, Entry, Submission
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.keying.validation import MAX_ROWS
from tests.factories_keying import GOOD
from tests.factories_lists import HEADER, LIST_FIELDS, ROWS


def _count(session, model=Submission) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def _held(client, session, factory, fields=LIST_FIELDS, locale="en"):  # noqa: ANN001, ANN202
    """(the next answer, the submit url, headers) of an item the API gave a new volunteer."""
    project = factory.project(fields=fields)
    factory.item(project)
    _token, raw = api_tokens.create(session, factory.user(locale=locale), "test")
    session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    given = client.post(f"/api/v1/projects/{project.slug}/next", headers=headers)
    assert given.status_code == 200
    return given.json, f"/api/v1/items/{given.json['item_id']}/submissions", headers


def test_next_marks_each_field_header_or_row(client, session, factory):
    given, _url, _headers = _held(client, session, factory)
    assert [(f["key"], f["part"]) for f in given["fields"]] == [
        ("volume_no", "header"), ("item_no", "row"), ("title", "row"), ("creator", "row"),
        ("date", "row")]
    plain, _url, _headers = _held(client, session, factory, fields=None)
    assert {f["part"] for f in plain["fields"]} == {"header"}


def test_header_and_rows_are_stored_and_give_one_entry_per_row(client, session, factory):
    given, url, headers = _held(client, session, factory)
    response = client.post(url, headers=headers, json={"values": HEADER, "rows": ROWS})
    assert response.status_code == 201, response.json
    assert response.json["values"] == HEADER
    assert response.json["rows"][1]["creator"] == "同上"  # kept as typed
    saved = session.get(Submission, response.json["id"])
    assert saved.values == HEADER and saved.typed_rows == response.json["rows"]
    rows = session.scalars(select(Entry.row).where(Entry.item_id == given["item_id"])
                           .order_by(Entry.row)).all()
    assert rows == [1, 2, 3]


def test_a_bad_cell_is_refused_by_row_and_column_and_nothing_is_stored(client, session,
                                                                        factory):
    _given, url, headers = _held(client, session, factory)
    rows = [ROWS[0], ROWS[1] | {"date": "某一天"}, ROWS[2] | {"title": ""}]
    response = client.post(url, headers=headers, json={"values": HEADER, "rows": rows})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_values"
    assert set(error["fields"]) == {"rows.2.date", "rows.3.title"}
    assert "3" in error["fields"]["rows.3.title"]
    assert _count(session) == 0
    # Still held: the corrected list is taken.
    fixed = client.post(url, headers=headers, json={"values": HEADER, "rows": ROWS})
    assert fixed.status_code == 201


def test_a_list_item_sent_without_rows_is_told_to_send_them(client, session, factory):
    _given, url, headers = _held(client, session, factory)
    response = client.post(url, headers=headers, json={"values": HEADER})
    assert response.status_code == 422
    assert '"rows"' in response.json["error"]["fields"]["rows"]
    for rows in ([], "1, 2, 3", [["1", "title"]], [*ROWS] * (MAX_ROWS // 3 + 1)):
        refused = client.post(url, headers=headers, json={"values": HEADER, "rows": rows})
        assert refused.status_code == 422, rows
        assert refused.json["error"]["code"] == "invalid_values"
        assert refused.json["error"]["fields"]["rows"]
    assert _count(session) == 0


def test_a_list_item_may_be_skipped(client, session, factory):
    _given, url, headers = _held(client, session, factory)
    both = client.post(url, headers=headers, json={"skip": "blank", "rows": ROWS})
    assert both.status_code == 400 and both.json["error"]["message"]
    response = client.post(url, headers=headers, json={"skip": "blank"})
    assert response.status_code == 201 and response.json["skip"] == "blank"
    assert "rows" not in response.json


def test_rows_are_refused_for_an_item_that_is_no_list(client, session, factory):
    _given, url, headers = _held(client, session, factory, fields=None, locale="zh_Hant")
    response = client.post(url, headers=headers, json={"values": GOOD, "rows": ROWS})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "not_a_list" and "rows" in error["fields"]
    assert "目錄" in error["message"]  # in the volunteer's language
    assert _count(session) == 0
    assert client.post(url, headers=headers, json={"values": GOOD}).status_code == 201


def test_rows_sent_for_an_unknown_or_restricted_item_are_not_found(client, session, factory):
    project = factory.project()
    restricted = factory.item(project, access=Access.RESTRICTED)
    _given, _url, headers = _held(client, session, factory)
    for item_id in (restricted.id, 999_999):
        response = client.post(f"/api/v1/items/{item_id}/submissions", headers=headers,
                               json={"values": GOOD, "rows": ROWS})
        assert response.status_code == 404


def test_the_openapi_file_describes_rows_and_parts(client):
    spec = client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/items/{item_id}/submissions"]["post"]["requestBody"]
    keyed = body["content"]["application/json"]["schema"]["oneOf"][0]
    assert keyed["properties"]["rows"]["maxItems"] == MAX_ROWS
    assert spec["components"]["schemas"]["Field"]["properties"]["part"]["enum"] == [
        "header", "row"]
