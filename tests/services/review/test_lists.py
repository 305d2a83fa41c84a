"""Reviewing a list item: every row approved at once, cells corrected, the item sent back."""
from __future__ import annotations

import pytest

from crowdcat.models import EntryStatus, Item, ItemStatus, Role
from crowdcat.services.errors import Conflict
from crowdcat.services.review import lists
from crowdcat.services.review.values import InvalidValues
from tests.factories_keying import reserve
from tests.factories_lists import LIST_FIELDS, ROWS, key_list


@pytest.fixture
def listed(session, factory):  # noqa: ANN001, ANN201
    """A list item keyed alike by two volunteers: three rows waiting for review."""
    project = factory.project(fields=LIST_FIELDS)
    factory.item(project)
    item = None
    for _ in range(2):
        user = factory.user()
        item = reserve(session, project, user)
        key_list(session, item, user)
    return session.get(Item, item.id)


def _versions(session, item):  # noqa: ANN001, ANN202
    return {entry.row: entry.version for entry in lists.item_entries(session, item)}


def test_approving_the_list_approves_every_row_with_the_header(session, factory, listed):
    reviewer = factory.user(Role.REVIEWER)
    changed = lists.approve_list(session, listed, reviewer, _versions(session, listed),
                                 cells={2: {"title": "呈報檔案移交清冊（附清冊）"}})
    session.commit()
    found = lists.item_entries(session, listed)
    assert {e.status for e in found} == {EntryStatus.APPROVED}
    assert [e.values["title"] for e in found] == [
        ROWS[0]["title"], "呈報檔案移交清冊（附清冊）", ROWS[2]["title"]]
    assert {e.values["volume_no"] for e in found} == {"12"}
    assert found[1].values["creator"] == "廣東省政府"  # 同上, resolved
    assert changed == {1: [], 2: ["title"], 3: []}


def test_a_header_correction_applies_to_every_row(session, factory, listed):
    reviewer = factory.user(Role.REVIEWER)
    lists.approve_list(session, listed, reviewer, _versions(session, listed),
                       header={"volume_no": "13"})
    assert {e.values["volume_no"] for e in lists.item_entries(session, listed)} == {"13"}


def test_a_bad_cell_refuses_the_whole_list_naming_its_row(session, factory, listed):
    reviewer = factory.user(Role.REVIEWER)
    with pytest.raises(InvalidValues) as caught:
        lists.approve_list(session, listed, reviewer, _versions(session, listed),
                           cells={3: {"date": "某一天"}})
    assert list(caught.value.errors) == ["rows.3.date"]


def test_a_stale_version_refuses_the_list(session, factory, listed):
    reviewer = factory.user(Role.REVIEWER)
    with pytest.raises(Conflict):
        lists.approve_list(session, listed, reviewer, {1: 1, 2: 1, 3: 99})


def test_sending_back_reopens_the_item_for_another_volunteer(session, factory, listed):
    reviewer = factory.user(Role.REVIEWER)
    lists.send_back_list(session, listed, reviewer, "行數不對", _versions(session, listed))
    session.commit()
    assert {e.status for e in lists.item_entries(session, listed)} == {EntryStatus.KEYING}
    item = session.get(Item, listed.id)
    assert item.status == ItemStatus.KEYING and item.wanted == 3
