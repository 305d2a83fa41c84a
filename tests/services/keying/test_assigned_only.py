"""A submission is taken only for a page that assignment gave the volunteer (issue 17, 1)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crowdcat.models import Item, Reservation, Submission, utcnow
from crowdcat.services.keying import assignment
from crowdcat.services.keying import submission as submissions
from tests.factories_keying import GOOD, key, reserve


def _counts(session, item_id: int) -> tuple[int, int]:  # noqa: ANN001
    """(submissions stored for the page, the page's submission counter)."""
    session.expire_all()
    stored = session.scalar(select(func.count()).select_from(Submission)
                            .where(Submission.item_id == item_id))
    return stored, session.get(Item, item_id).submission_count


@pytest.mark.parametrize("skip", [False, True])
def test_a_page_never_given_to_the_volunteer_is_refused(session, factory, skip):
    project = factory.project()
    page = factory.item(project)
    user = factory.user()
    session.commit()
    with pytest.raises(submissions.NotAssigned) as caught:
        submissions.submit(session, page=page, user=user,
                           **({"skip_reason": "blank"} if skip else {"values": GOOD}))
    session.rollback()
    assert "not given to you" in str(caught.value)
    assert _counts(session, page.id) == (0, 0)


def test_a_page_held_by_someone_else_is_refused_and_their_hold_kept(session, factory):
    project = factory.project()
    factory.item(project)
    holder, intruder = factory.user(), factory.user()
    page = reserve(session, project, holder)
    with pytest.raises(submissions.NotAssigned):
        submissions.submit(session, page=page, user=intruder, values=GOOD)
    session.rollback()
    assert _counts(session, page.id) == (0, 0)
    assert session.scalars(select(Reservation.user_id)).all() == [holder.id]
    key(session, page, holder)  # the holder still keys it
    assert _counts(session, page.id) == (1, 1)


def test_holding_one_page_gives_no_right_to_another(session, factory):
    project = factory.project()
    first, second = factory.item(project), factory.item(project)
    user = factory.user()
    held = reserve(session, project, user)
    other = second if held.id == first.id else first
    with pytest.raises(submissions.NotAssigned):
        submissions.submit(session, page=other, user=user, values=GOOD)
    session.rollback()
    assert _counts(session, other.id) == (0, 0)
    assert session.scalars(select(Reservation.item_id)).all() == [held.id]


def test_an_expired_hold_still_counts_while_the_page_needs_the_volunteer(session, factory):
    project = factory.project(reservation_minutes=30)
    factory.item(project)
    user = factory.user()
    start = utcnow() - timedelta(hours=2)
    page = reserve(session, project, user, now=start)
    key(session, page, user)  # the hold expired an hour and a half ago
    assert _counts(session, page.id) == (1, 1)


def test_a_hold_moved_on_or_given_back_gives_no_right(session, factory):
    project = factory.project(reservation_minutes=30)
    factory.item(project)
    factory.item(project)
    user, others = factory.user(), [factory.user(), factory.user()]
    old = reserve(session, project, user, now=utcnow() - timedelta(hours=2))
    for other in others:  # the page fills up with live holds after the volunteer's expired
        assignment.assign(session, page=old, user=other)
        session.commit()
    new = reserve(session, project, user)  # the expired hold is dropped: on to another page
    assert new.id != old.id
    with pytest.raises(submissions.NotAssigned):
        submissions.submit(session, page=old, user=user, values=GOOD)
    session.rollback()
    assignment.release(session, project=project, user=user)
    session.commit()
    with pytest.raises(submissions.NotAssigned):
        submissions.submit(session, page=new, user=user, skip_reason="blank")
    session.rollback()
    assert _counts(session, old.id) == (0, 0) and _counts(session, new.id) == (0, 0)
