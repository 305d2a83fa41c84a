"""A list item becomes one entry per reconciled row, moved on together (status rules)."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.models import Entry, EntryStatus, Item, ItemStatus, utcnow
from crowdcat.services.reconciliation import entries
from crowdcat.services.reconciliation.rules import rules_for
from tests.factories_keying import reserve
from tests.factories_lists import LIST_FIELDS, ROWS, key_list

EXTRA = {"item_no": "4", "title": "附件目錄", "creator": "", "date": ""}


def _entries(session, item):  # noqa: ANN001, ANN202
    session.expire_all()
    return session.scalars(select(Entry).where(Entry.item_id == item.id)
                           .order_by(Entry.row)).all()


def _keyed_by(session, factory, project, *lists):  # noqa: ANN001, ANN002, ANN202
    item = None
    for rows in lists:
        user = factory.user()
        item = reserve(session, project, user)
        assert item is not None
        key_list(session, item, user, rows)
    return item


def test_agreeing_volunteers_make_one_entry_per_row_waiting_for_review(session, factory):
    project = factory.project(fields=LIST_FIELDS)
    factory.item(project)
    item = _keyed_by(session, factory, project, ROWS, ROWS)
    found = _entries(session, item)
    assert [e.row for e in found] == [1, 2, 3]
    assert {e.status for e in found} == {EntryStatus.REVIEW}
    assert session.get(Item, item.id).status == ItemStatus.DONE
    assert [e.reconciled["fields"]["title"]["value"] for e in found] == [r["title"] for r in ROWS]
    first = found[0].reconciled
    assert first["header"]["fields"]["volume_no"]["value"] == "12"
    assert first["list"]["row_count_agreed"] and first["list"]["row_counts"] == [3, 3]


def test_a_disagreement_on_the_row_count_asks_for_another_volunteer(session, factory):
    project = factory.project(fields=LIST_FIELDS)
    factory.item(project)
    item = _keyed_by(session, factory, project, ROWS, ROWS[:2])
    found = _entries(session, item)
    assert {e.status for e in found} == {EntryStatus.KEYING}
    assert not found[0].reconciled["list"]["row_count_agreed"]
    item = session.get(Item, item.id)
    assert item.status == ItemStatus.KEYING and item.wanted == 3


def test_an_extra_row_of_one_volunteer_is_removed_when_the_others_agree(session, factory):
    project = factory.project(fields=LIST_FIELDS)
    factory.item(project)
    item = _keyed_by(session, factory, project, [*ROWS, EXTRA])
    assert [e.row for e in _entries(session, item)] == [1, 2, 3, 4]
    item = _keyed_by(session, factory, project, ROWS, ROWS)
    found = _entries(session, item)
    assert [e.row for e in found] == [1, 2, 3]
    assert {e.status for e in found} == {EntryStatus.REVIEW}
    assert found[0].reconciled["list"]["set_aside"][0]["fields"]["title"]["groups"][0][
        "value"] == "附件目錄"


def test_the_row_count_undecided_at_the_maximum_goes_to_review_as_a_conflict(session, factory):
    project = factory.project(fields=LIST_FIELDS, max_submissions=3)
    factory.item(project)
    item = _keyed_by(session, factory, project, ROWS, ROWS[:2], [*ROWS, EXTRA])
    found = _entries(session, item)
    assert found and {e.status for e in found} == {EntryStatus.CONFLICT}
    assert session.get(Item, item.id).status == ItemStatus.DONE
    assert found[0].reconciled["list"]["row_counts"] == [3, 2, 4]


def test_reconciling_again_leaves_approved_rows_alone(session, factory):
    project = factory.project(fields=LIST_FIELDS)
    factory.item(project)
    item = _keyed_by(session, factory, project, ROWS, ROWS)
    reviewer = factory.user()
    reviewer_id = reviewer.id
    for entry in _entries(session, item):
        entry.status, entry.values = EntryStatus.APPROVED, {"title": "x"}
        entry.reviewer_id, entry.reviewed_at = reviewer_id, utcnow()
    session.commit()
    entries.reconcile_page(session, session.get(Item, item.id), rules_for(project))
    assert {e.status for e in _entries(session, item)} == {EntryStatus.APPROVED}


def test_skips_of_a_list_item_go_to_review_on_row_1(session, factory):
    from crowdcat.services.keying import submission as submissions

    project = factory.project(fields=LIST_FIELDS)
    factory.item(project)
    for _ in range(2):
        user = factory.user()
        item = reserve(session, project, user)
        submissions.submit(session, page=item, user=user, skip_reason="blank")
        session.commit()
    found = _entries(session, item)
    assert [(e.row, e.status) for e in found] == [(1, EntryStatus.CONFLICT)]
    assert found[0].reconciled["skipped"] == {"blank": 2}
