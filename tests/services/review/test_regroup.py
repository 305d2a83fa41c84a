"""Regrouping pages: move a page, split an item, merge two; keying work, numbering, audit."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from crowdcat.models import (
    Access,
    AuditEvent,
    Entry,
    EntryStatus,
    Image,
    Item,
    ItemStatus,
    Reservation,
    Role,
    Submission,
)
from crowdcat.services.errors import Conflict, Forbidden, ServiceError
from crowdcat.services.review import decisions, regroup
from tests.factories_keying import assign
from tests.factories_review import ReviewFactory

AGREED = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}


@pytest.fixture
def rf(session, factory) -> ReviewFactory:
    return ReviewFactory(session, factory)


@pytest.fixture
def reviewer(factory):
    return factory.user(Role.REVIEWER)


def pages(session, item_id: int) -> list[tuple[int, int]]:
    """(image id, position) of an item's images, in order, as stored."""
    session.expire_all()
    return [tuple(row) for row in session.execute(
        sa.select(Image.id, Image.position).where(Image.item_id == item_id)
        .order_by(Image.position))]


def ids(session, item: Item) -> list[int]:
    return [image_id for image_id, _ in pages(session, item.id)]


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


def test_move_a_page_to_another_item_renumbers_both(session, factory, reviewer):
    project = factory.project()
    a, b = factory.item(project, images=3), factory.item(project, images=2)
    a_ids, b_ids = ids(session, a), ids(session, b)
    source = regroup.move_image(session, reviewer, session.get(Image, a_ids[1]), b, position=1)
    session.commit()
    assert source.id == a.id
    assert pages(session, a.id) == [(a_ids[0], 1), (a_ids[2], 2)]
    assert pages(session, b.id) == [(a_ids[1], 1), (b_ids[0], 2), (b_ids[1], 3)]
    [event] = events(session, "item.move_image")
    assert event.actor_id == reviewer.id and event.object_type == "item"
    assert event.object_id == a.id and event.project_id == project.id
    assert event.after["image_id"] == a_ids[1] and event.after["to_item"] == b.id
    before = {row["item_id"]: row for row in event.before["items"]}
    assert [p["image_id"] for p in before[a.id]["images"]] == a_ids
    after = {row["item_id"]: row for row in event.after["items"]}
    assert after[b.id]["images"][0] == {"image_id": a_ids[1], "position": 1}
    assert after[b.id]["number"] == b.sequence


def test_move_goes_to_the_end_by_default(session, factory, reviewer):
    project = factory.project()
    a, b = factory.item(project, images=2), factory.item(project, images=2)
    moved = ids(session, a)[0]
    regroup.move_image(session, reviewer, session.get(Image, moved), b)
    session.commit()
    assert ids(session, b)[-1] == moved
    assert [p for _, p in pages(session, b.id)] == [1, 2, 3]


def test_moving_the_last_page_deletes_the_empty_item_and_its_holds(session, factory,
                                                                   reviewer):
    project = factory.project(status="active")
    a, b = factory.item(project, images=1), factory.item(project, images=1)
    assign(session, a, factory.user())
    [only] = ids(session, a)
    assert regroup.move_image(session, reviewer, session.get(Image, only), b) is None
    session.commit()
    assert session.get(Item, a.id) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Reservation)) == 0
    assert ids(session, b)[-1] == only


def test_an_item_that_was_keyed_is_never_left_empty(session, factory, rf, reviewer):
    project = factory.project()
    entry = rf.agreed(project, AGREED)
    other = factory.item(project)
    [only] = ids(session, entry.item)
    with pytest.raises(Conflict, match="has been keyed"):
        regroup.move_image(session, reviewer, session.get(Image, only), other)
    session.rollback()
    assert ids(session, entry.item) == [only]
    assert events(session, "item.move_image") == []


def test_changed_items_keep_submissions_and_go_back_to_a_reviewer(session, factory, rf,
                                                                   reviewer):
    project = factory.project(status="active")
    entry = rf.agreed(project, AGREED, images=2)
    keyed = entry.item
    other = factory.item(project, images=2)
    volunteer = factory.user()
    assign(session, other, volunteer)
    before = ids(session, keyed)
    moved = ids(session, other)[0]
    regroup.move_image(session, reviewer, session.get(Image, moved), keyed)
    session.commit()
    entry = session.get(Entry, entry.id)
    assert entry.status == EntryStatus.CONFLICT
    assert entry.item.status == ItemStatus.DONE
    assert session.scalar(sa.select(sa.func.count()).select_from(Submission)
                          .where(Submission.item_id == keyed.id)) == 2
    # the other item lost a page: its volunteer's hold is released
    assert session.scalar(sa.select(sa.func.count()).select_from(Reservation)) == 0
    [note] = [e for e in decisions.history(session, entry) if e.action == "entry.regroup"]
    assert note.before == {"status": "review", "images": before}
    assert note.after == {"status": "conflict", "images": [*before, moved]}


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_a_decided_item_must_be_reopened_first(session, factory, rf, reviewer, decide):
    project = factory.project()
    entry = rf.agreed(project, AGREED, images=2)
    if decide == "approve":
        decisions.approve(session, entry, reviewer, None, entry.version)
    else:
        decisions.reject(session, entry, reviewer, "blank", entry.version)
    session.commit()
    other = factory.item(project)
    with pytest.raises(Conflict, match="reopen"):
        regroup.split_item(session, reviewer, entry.item, 2)
    session.rollback()
    with pytest.raises(Conflict, match="reopen"):
        regroup.move_image(session, reviewer, session.get(Image, ids(session, other)[0]),
                           entry.item)
    session.rollback()
    with pytest.raises(Conflict, match="reopen"):
        regroup.merge_items(session, reviewer, entry.item, other)
    session.rollback()
    assert len(ids(session, entry.item)) == 2 and session.get(Item, other.id) is not None


def test_split_makes_a_new_item_of_the_later_pages(session, factory, reviewer):
    project = factory.project()
    item = factory.item(project, images=4, access=Access.RESTRICTED)
    last = factory.item(project)
    before = ids(session, item)
    new = regroup.split_item(session, reviewer, item, 3)
    session.commit()
    assert pages(session, item.id) == [(before[0], 1), (before[1], 2)]
    assert pages(session, new.id) == [(before[2], 1), (before[3], 2)]
    new = session.get(Item, new.id)
    assert new.sequence == last.sequence + 1 and new.project_id == project.id
    assert new.access == Access.RESTRICTED  # a restricted document's pages stay staff-only
    assert new.status == ItemStatus.KEYING and new.submission_count == 0
    assert new.reference == session.get(Image, before[2]).original_name.rsplit(".", 1)[0]
    assert [i.id for i in new.images] == before[2:]
    [event] = events(session, "item.split")
    assert event.after["new_item"] == new.id and event.after["at_position"] == 3


@pytest.mark.parametrize("at", [0, 1, 5, 99])
def test_split_outside_the_item_is_refused(session, factory, reviewer, at):
    project = factory.project()
    item = factory.item(project, images=4)
    with pytest.raises(ServiceError, match="from 2 to 4"):
        regroup.split_item(session, reviewer, item, at)
    session.rollback()
    assert [p for _, p in pages(session, item.id)] == [1, 2, 3, 4]
    assert session.scalar(sa.select(sa.func.count()).select_from(Item)) == 1


def test_a_one_page_item_cannot_be_split(session, factory, reviewer):
    item = factory.item(factory.project(), images=1)
    with pytest.raises(ServiceError, match="one page"):
        regroup.split_item(session, reviewer, item, 2)


def test_merge_appends_the_second_and_removes_it(session, factory, rf, reviewer):
    project = factory.project()
    entry = rf.agreed(project, AGREED, images=2)
    first = entry.item
    second = factory.item(project, images=2)
    a_ids, b_ids = ids(session, first), ids(session, second)
    regroup.merge_items(session, reviewer, first, second)
    session.commit()
    assert pages(session, first.id) == [(i, n) for n, i in enumerate(a_ids + b_ids, start=1)]
    assert session.get(Item, second.id) is None
    assert session.get(Entry, entry.id).status == EntryStatus.CONFLICT
    [event] = events(session, "item.merge")
    assert event.after["removed_item"] == second.id
    assert {row["item_id"] for row in event.before["items"]} == {first.id, second.id}
    assert [row["item_id"] for row in event.after["items"]] == [first.id]


def test_merge_refuses_a_keyed_second_item_and_itself(session, factory, rf, reviewer):
    project = factory.project()
    first = factory.item(project)
    keyed = rf.agreed(project, AGREED).item
    with pytest.raises(Conflict, match=f"Item {keyed.sequence} has been keyed"):
        regroup.merge_items(session, reviewer, first, keyed)
    session.rollback()
    with pytest.raises(ServiceError, match="itself"):
        regroup.merge_items(session, reviewer, first, first)
    session.rollback()
    assert session.get(Item, keyed.id) is not None and len(ids(session, first)) == 1


def test_next_item_and_item_by_number(session, factory, reviewer):
    project = factory.project()
    a, b = factory.item(project), factory.item(project)
    assert regroup.next_item(session, a).id == b.id
    with pytest.raises(ServiceError, match="last item"):
        regroup.next_item(session, b)
    assert regroup.item_by_number(session, project, f" {b.sequence} ").id == b.id
    with pytest.raises(ServiceError, match="no item 99999"):
        regroup.item_by_number(session, project, "99999")
    with pytest.raises(ServiceError, match="Type the number"):
        regroup.item_by_number(session, project, "b")
    elsewhere = factory.item(factory.project())
    with pytest.raises(ServiceError, match=f"no item {elsewhere.sequence}"):
        regroup.item_by_number(session, project, str(elsewhere.sequence))


def test_other_projects_access_levels_and_bad_positions_are_refused(session, factory,
                                                                    reviewer):
    project = factory.project()
    a, b = factory.item(project, images=2), factory.item(project, images=1)
    foreign = factory.item(factory.project())
    secret = factory.item(project, access=Access.RESTRICTED)
    image = session.get(Image, ids(session, a)[0])
    with pytest.raises(ServiceError, match="one project"):
        regroup.move_image(session, reviewer, image, foreign)
    session.rollback()
    with pytest.raises(Conflict, match="different access"):
        regroup.move_image(session, reviewer, image, secret)
    session.rollback()
    with pytest.raises(ServiceError, match="already in item"):
        regroup.move_image(session, reviewer, image, a)
    session.rollback()
    for position in (0, 3):
        with pytest.raises(ServiceError, match="from 1 to 2"):
            regroup.move_image(session, reviewer, image, b, position)
        session.rollback()
    with pytest.raises(ServiceError, match="one project"):
        regroup.merge_items(session, reviewer, a, foreign)
    session.rollback()
    assert [p for _, p in pages(session, a.id)] == [1, 2]
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_volunteers_may_not_regroup(session, factory):
    project = factory.project()
    a, b = factory.item(project, images=2), factory.item(project)
    volunteer = factory.user()
    with pytest.raises(Forbidden):
        regroup.split_item(session, volunteer, a, 2)
    with pytest.raises(Forbidden):
        regroup.merge_items(session, volunteer, a, b)
    with pytest.raises(Forbidden):
        regroup.move_image(session, volunteer, a.images[0], b)


def test_admins_may_regroup(session, factory):
    project = factory.project()
    a = factory.item(project, images=2)
    new = regroup.split_item(session, factory.user(Role.ADMIN), a, 2)
    session.commit()
    assert len(ids(session, new)) == 1
