"""Reviewing a list item on screen: its rows in a table, approved or sent back as a whole."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdcat.models import AuditEvent, Entry, EntryStatus, Item, ItemStatus
from crowdcat.services.review import lists
from tests.factories_keying import reserve
from tests.factories_lists import LIST_FIELDS, ROWS, key_list

VARIANT = "呈報檔案移交清冊（附件）"


@pytest.fixture
def listed(session, factory):  # noqa: ANN001, ANN201
    """A list item keyed by three: 張三 typed row 2's title otherwise and missed row 3."""
    project = factory.project(fields=LIST_FIELDS)
    factory.item(project, wanted=3)
    item = None
    for name in ("陳一", "李二", "張三"):
        user = factory.user(display_name=name)
        item = reserve(session, project, user)
        rows = ROWS if name != "張三" else [ROWS[0], ROWS[1] | {"title": VARIANT}]
        key_list(session, item, user, rows=rows)
    item = session.get(Item, item.id)
    assert {e.status for e in lists.item_entries(session, item)} == {EntryStatus.REVIEW}
    return item


def _entries(session, item):  # noqa: ANN001, ANN202
    session.expire_all()
    return lists.item_entries(session, session.get(Item, item.id))


def _form(session, item, **extra):  # noqa: ANN001, ANN003, ANN202
    """The form as the screen renders it: each row's version, nothing corrected."""
    return {f"version-{e.row}": str(e.version) for e in _entries(session, item)} | extra


def test_the_screen_shows_the_header_the_rows_their_badges_and_the_row_counts(
        client, session, listed, reviewer):
    first = _entries(session, listed)[0]
    client.post("/lang/en")
    page = client.get(f"/review/entries/{first.id}").get_data(as_text=True)
    assert 'name="value-volume_no"' in page  # the header, once
    for n, row in enumerate(ROWS, 1):
        assert f'name="r{n}_title"' in page and row["title"] in page
    assert 'name="r2_creator" value="廣東省政府"' in page  # 同上, resolved
    assert 'class="badge majority"' in page and 'class="badge unanimous"' in page
    assert VARIANT in page and 'name="t2_title"' in page and "張三" in page  # alternatives
    assert "張三 keyed 2 rows" in page and "陳一 keyed 3 rows" in page and "Agreed" in page
    assert "Approve the whole item (all 3 entries)" in page


def test_the_queue_shows_one_line_per_list_item_with_its_rows(client, session, listed, reviewer):
    client.post("/lang/en")
    page = client.get(f"/review/{listed.project.slug}").get_data(as_text=True)
    first, *others = _entries(session, listed)
    assert f"/review/entries/{first.id}" in page
    assert all(f"/review/entries/{e.id}?" not in page and f"/review/entries/{e.id}\"" not in page
               for e in others)
    assert "List of 3 rows" in page and "1 entry" in page


def test_approve_all_approves_every_row_with_the_corrections(client, session, listed, reviewer):
    groups = _entries(session, listed)[1].reconciled["fields"]["title"]["groups"]
    variant = next(i for i, g in enumerate(groups) if g["value"] == VARIANT)
    response = client.post(f"/review/items/{listed.id}/approve-list", data=_form(
        session, listed, **{"value-volume_no": "13", "r3_creator": "廣州市政府秘書處",
                            "t2_title": str(variant)}))
    assert response.status_code == 303
    found = _entries(session, listed)
    assert {e.status for e in found} == {EntryStatus.APPROVED}
    assert {e.values["volume_no"] for e in found} == {"13"}
    assert [e.values["title"] for e in found] == [ROWS[0]["title"], VARIANT, ROWS[2]["title"]]
    assert found[2].values["creator"] == "廣州市政府秘書處"
    assert {e.reviewer_id for e in found} == {reviewer.id}
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("entry.approve") == 3


def test_a_stale_version_is_409_and_nothing_changes(client, session, listed, reviewer):
    data = _form(session, listed, **{"r1_title": "改過的題名"})
    data["version-3"] = str(int(data["version-3"]) + 5)
    response = client.post(f"/review/items/{listed.id}/approve-list", data=data)
    assert response.status_code == 409
    assert "改過的題名" in response.get_data(as_text=True)  # what was typed is still shown
    found = _entries(session, listed)
    assert {e.status for e in found} == {EntryStatus.REVIEW}
    assert all(e.values is None for e in found)


def test_a_bad_cell_is_422_naming_its_row_and_column_and_nothing_changes(
        client, session, listed, reviewer):
    client.post("/lang/en")
    response = client.post(f"/review/items/{listed.id}/approve-list",
                           data=_form(session, listed, r3_date="某一天"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Row 3, Date:" in page and 'name="r3_date" value="某一天"' in page
    assert 'aria-invalid="true"' in page
    assert {e.status for e in _entries(session, listed)} == {EntryStatus.REVIEW}


def test_send_back_reopens_the_whole_item(client, session, listed, reviewer):
    response = client.post(f"/review/items/{listed.id}/send-back-list", data=_form(
        session, listed, **{"send-reason": "少了一行", "send-extra": "1"}))
    assert response.status_code == 303
    assert {e.status for e in _entries(session, listed)} == {EntryStatus.KEYING}
    assert session.get(Item, listed.id).status == ItemStatus.KEYING
    refused = client.post(f"/review/items/{listed.id}/send-back-list",
                          data=_form(session, listed, **{"send-reason": "", "send-extra": "1"}))
    assert refused.status_code in (409, 422)


def test_send_back_needs_a_reason_and_a_list_item(client, session, listed, factory, reviewer):
    response = client.post(f"/review/items/{listed.id}/send-back-list",
                           data=_form(session, listed, **{"send-reason": " ", "send-extra": "1"}))
    assert response.status_code == 422
    assert {e.status for e in _entries(session, listed)} == {EntryStatus.REVIEW}
    assert client.post(f"/review/items/{listed.id}/approve-list", data={}).status_code == 400
    plain = factory.item(factory.project())
    assert client.post(f"/review/items/{plain.id}/approve-list",
                       data={"version-0": "1"}).status_code == 404
    assert session.scalar(select(Entry).where(Entry.item_id == plain.id)) is None


def test_a_disagreed_row_count_shows_at_the_maximum_and_the_queue_filters_by_any_row(
        client, session, factory, reviewer):
    project = factory.project(fields=LIST_FIELDS, max_submissions=2)
    factory.item(project)
    item = None
    for rows in (ROWS, [ROWS[0], ROWS[1] | {"date": "民國三十八年一月一日"}]):
        user = factory.user()
        item = reserve(session, project, user)
        key_list(session, item, user, rows=rows)
    first = _entries(session, item)[0]
    assert first.status == EntryStatus.CONFLICT
    client.post("/lang/en")
    page = client.get(f"/review/entries/{first.id}").get_data(as_text=True)
    assert "Not agreed" in page and 'class="badge conflict"' in page
    queue = client.get(f"/review/{project.slug}?field=date").get_data(as_text=True)
    assert f"/review/entries/{first.id}" in queue  # row 2's date, in the item's one line
    assert "keyed 3 rows" in page and "keyed 2 rows" in page
    assert "No entries match." in client.get(f"/review/{project.slug}?field=volume_no").get_data(
        as_text=True)


def test_a_header_in_conflict_is_found_by_the_queue_filter(client, session, factory, reviewer):
    project = factory.project(fields=LIST_FIELDS, max_submissions=2)
    factory.item(project)
    item = None
    for volume in ("12", "21"):
        user = factory.user()
        item = reserve(session, project, user)
        key_list(session, item, user, header={"volume_no": volume})
    first = _entries(session, item)[0]
    assert first.status == EntryStatus.CONFLICT
    queue = client.get(f"/review/{project.slug}?field=volume_no").get_data(as_text=True)
    assert f"/review/entries/{first.id}" in queue
    page = client.get(f"/review/entries/{first.id}").get_data(as_text=True)
    assert 'name="take-volume_no"' in page and "21" in page
