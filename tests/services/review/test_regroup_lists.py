"""Regrouping a list item: every row entry goes back to a reviewer, or the regroup is refused."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from crowdcat.models import AuditEvent, EntryStatus, Image, Item, ItemStatus, Role
from crowdcat.services.errors import Conflict
from crowdcat.services.review import lists, regroup
from tests.factories_keying import assign
from tests.factories_lists import LIST_FIELDS, key_list


@pytest.fixture
def listed(session, factory):  # noqa: ANN001, ANN201
    """A two-image list item keyed alike by two volunteers: three rows waiting for review."""
    project = factory.project(fields=LIST_FIELDS)
    item = factory.item(project, images=2)
    for _ in range(2):
        user = factory.user()
        assign(session, item, user)
        key_list(session, item, user)
    return session.get(Item, item.id)


def test_moving_a_page_into_a_list_sends_every_row_back_to_a_reviewer(session, factory,
                                                                      listed):
    reviewer = factory.user(Role.REVIEWER)
    other = factory.item(listed.project, images=2)
    moved = session.scalars(sa.select(Image.id).where(Image.item_id == other.id)).first()
    regroup.move_image(session, reviewer, session.get(Image, moved), listed)
    session.commit()
    entries = lists.item_entries(session, listed)
    assert [(e.row, e.status) for e in entries] == [
        (1, EntryStatus.CONFLICT), (2, EntryStatus.CONFLICT), (3, EntryStatus.CONFLICT)]
    assert session.get(Item, listed.id).status == ItemStatus.DONE
    noted = session.scalars(sa.select(AuditEvent.object_id)
                            .where(AuditEvent.action == "entry.regroup")).all()
    assert sorted(noted) == sorted(e.id for e in entries)


def test_an_approved_list_must_be_reopened_before_it_is_split(session, factory, listed):
    reviewer = factory.user(Role.REVIEWER)
    versions = {e.row: e.version for e in lists.item_entries(session, listed)}
    lists.approve_list(session, listed, reviewer, versions)
    session.commit()
    with pytest.raises(Conflict, match="reopen"):
        regroup.split_item(session, reviewer, listed, 2)
    session.rollback()
    assert len(session.get(Item, listed.id).images) == 2


def test_a_keyed_list_is_never_merged_away(session, factory, listed):
    reviewer = factory.user(Role.REVIEWER)
    first = factory.item(listed.project)
    with pytest.raises(Conflict, match="keyed"):
        regroup.merge_items(session, reviewer, first, listed)
    session.rollback()
    assert {e.status for e in lists.item_entries(session, listed)} == {EntryStatus.REVIEW}
