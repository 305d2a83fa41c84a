"""Next page: open items still needing keying, nearest completion first, reserved for a while."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from crowdcat.models import Access, Item, ProjectStatus, Reservation, utcnow
from crowdcat.models.item import NOT_FULL
from crowdcat.services.errors import NotFound
from crowdcat.services.keying import assignment
from tests.factories_keying import GOOD, key, reserve


def test_pages_nearest_completion_come_first_then_by_sequence(session, factory):
    project = factory.project()
    first, second, third = (factory.item(project, sequence=n) for n in (1, 2, 3))
    someone = factory.user()
    assert reserve(session, project, someone).id == first.id
    key(session, first, someone)
    # `first` now has one submission of two: it comes before untouched pages.
    assert reserve(session, project, factory.user()).id == first.id
    # Each page wants two submissions: two volunteers hold `second` before `third` is next.
    assert reserve(session, project, factory.user()).id == second.id
    assert reserve(session, project, factory.user()).id == second.id
    assert reserve(session, project, factory.user()).id == third.id


def test_coming_back_resumes_the_reserved_page(session, factory):
    project = factory.project()
    factory.item(project, sequence=1)
    factory.item(project, sequence=2)
    user = factory.user()
    page = reserve(session, project, user)
    assert reserve(session, project, user).id == page.id
    assert session.scalar(select(func.count()).select_from(Reservation)) == 1


def test_a_full_page_is_not_handed_out_again(session, factory):
    project = factory.project(agree_needed=2, max_submissions=3)
    only = factory.item(project, sequence=1)
    a, b, c = factory.user(), factory.user(), factory.user()
    assert reserve(session, project, a).id == only.id
    assert reserve(session, project, b).id == only.id
    assert reserve(session, project, c) is None  # two live reservations fill `wanted` (2)


def test_expired_reservations_free_the_page(session, factory):
    project = factory.project(reservation_minutes=30)
    only = factory.item(project, sequence=1)
    a, b, c = factory.user(), factory.user(), factory.user()
    start = utcnow()
    reserve(session, project, a, now=start)
    reserve(session, project, b, now=start)
    later = start + timedelta(minutes=31)
    assert reserve(session, project, c, now=later).id == only.id


def test_reservation_lasts_the_project_setting_and_is_renewed(session, factory):
    project = factory.project(reservation_minutes=10)
    factory.item(project)
    user = factory.user()
    start = utcnow()
    page = reserve(session, project, user, now=start)
    held = session.scalar(select(Reservation.expires_at))
    assert held == start + timedelta(minutes=10)
    until = assignment.renew(session, page=page, user=user, now=start + timedelta(minutes=8))
    session.commit()
    assert until == start + timedelta(minutes=18)


def test_volunteer_never_gets_a_page_they_keyed_or_skipped(session, factory):
    project = factory.project(agree_needed=3, max_submissions=3)
    one = factory.item(project, sequence=1)
    two = factory.item(project, sequence=2)
    user = factory.user()
    key(session, reserve(session, project, user), user)
    from crowdcat.services.keying import submission as submissions

    submissions.submit(session, page=reserve(session, project, user), user=user,
                       skip_reason="illegible")
    session.commit()
    assert session.scalar(select(func.count()).select_from(Reservation)) == 0
    assert reserve(session, project, user) is None
    assert {one.id, two.id}


def test_restricted_pages_are_never_assigned(session, factory):
    project = factory.project()
    factory.item(project, sequence=1, access=Access.RESTRICTED)
    open_page = factory.item(project, sequence=2)
    assert reserve(session, project, factory.user()).id == open_page.id
    assert reserve(session, project, factory.user()).id == open_page.id
    assert reserve(session, project, factory.user()) is None


def test_inactive_project_gives_no_pages(session, factory):
    project = factory.project(status=ProjectStatus.PAUSED)
    factory.item(project)
    with pytest.raises(NotFound):
        assignment.next_page(session, project=project, user=factory.user())


def test_one_reservation_per_volunteer_and_project(session, factory):
    project = factory.project()
    for n in range(3):
        factory.item(project, sequence=n + 1)
    user = factory.user()
    for _ in range(3):
        reserve(session, project, user)
    assert session.scalar(select(func.count()).select_from(Reservation)) == 1


def full_until(session, page):
    """The page's hint as the database holds it now."""
    session.expire_all()
    return session.scalar(select(Item.full_until).where(Item.id == page.id))


def test_a_page_filled_by_reservations_is_marked_until_the_first_expires(session, factory):
    project = factory.project(agree_needed=2, max_submissions=3, reservation_minutes=30)
    only = factory.item(project, sequence=1)
    later = factory.item(project, sequence=2)
    start = utcnow()
    reserve(session, project, factory.user(), now=start)
    assert full_until(session, only) == NOT_FULL  # one of two slots held
    reserve(session, project, factory.user(), now=start + timedelta(minutes=5))
    assert full_until(session, only) == start + timedelta(minutes=30)
    # The scan passes it by; when the first hold has expired the page is handed out again.
    assert reserve(session, project, factory.user(), now=start + timedelta(minutes=29)).id \
        == later.id
    assert reserve(session, project, factory.user(), now=start + timedelta(minutes=31)).id \
        == only.id


def test_a_released_slot_is_offered_at_once(session, factory):
    project = factory.project(agree_needed=2, max_submissions=3)
    only = factory.item(project, sequence=1)
    a, b = factory.user(), factory.user()
    reserve(session, project, a)
    reserve(session, project, b)
    assert full_until(session, only) > utcnow()
    assignment.release(session, project=project, user=b)
    session.commit()
    assert full_until(session, only) == NOT_FULL
    assert reserve(session, project, factory.user()).id == only.id


def test_a_submission_or_more_wanted_clears_the_mark(session, factory):
    project = factory.project(agree_needed=2, max_submissions=3)
    only = factory.item(project, sequence=1)
    a, b, c = factory.user(), factory.user(), factory.user()
    reserve(session, project, a)
    reserve(session, project, b)
    key(session, only, a, GOOD | {"title": "甲"})
    key(session, only, b, GOOD | {"title": "乙"})  # disagreement: the page wants a third submission
    assert full_until(session, only) == NOT_FULL
    assert reserve(session, project, c).id == only.id
    assert full_until(session, only) > utcnow()  # two submissions + one hold = 3 wanted
    session.execute(update(Item).where(Item.id == only.id).values(wanted=4))
    session.commit()
    assert full_until(session, only) == NOT_FULL


def test_deleting_a_page_with_reservations_works(session, factory):
    project = factory.project(agree_needed=1, max_submissions=2)
    only = factory.item(project, sequence=1)
    reserve(session, project, factory.user())
    session.execute(delete(Reservation))
    session.execute(delete(Item).where(Item.id == only.id))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Item)) == 0


def test_a_lapsed_page_keeps_its_place_in_the_order_and_is_trimmed_back(session, factory,
                                                                          monkeypatch):
    """A page whose holds expired is offered before later items, then returns to the free index."""
    project = factory.project(agree_needed=2, max_submissions=3, reservation_minutes=30)
    first, second = factory.item(project, sequence=1), factory.item(project, sequence=2)
    start = utcnow()
    later = start + timedelta(minutes=45)  # both holds lapsed
    monkeypatch.setattr(assignment, "_last_trim", [later])  # no trimming until asked below
    reserve(session, project, factory.user(), now=start)
    reserve(session, project, factory.user(), now=start)
    assert full_until(session, first) == start + timedelta(minutes=30)
    assert reserve(session, project, factory.user(), now=later).id == first.id
    assert full_until(session, first) == start + timedelta(minutes=30)  # one hold: not full
    from crowdcat.data import keying as keying_sql
    keying_sql.trim_lapsed(session, now=later)
    session.commit()
    assert full_until(session, first) == NOT_FULL
    assert full_until(session, second) == NOT_FULL
    assert reserve(session, project, factory.user(), now=later).id == first.id


def test_next_page_reads_the_partial_indexes(session, factory):
    """The scan uses ix_items_free and ix_items_lapsed, whose predicates the query repeats."""
    from sqlalchemy import text

    from crowdcat.data import keying as keying_sql

    project = factory.project()
    factory.item(project, sequence=1)
    stmt = keying_sql.candidate(project.id, 5, factory.user().id, utcnow())
    sql = str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = " ".join(str(row) for row in session.execute(
        text(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql)))
    assert "ix_items_free" in plan and "ix_items_lapsed" in plan, plan
    session.rollback()
