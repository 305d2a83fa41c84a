"""Volunteers keying at once, for the concurrency test: run in threads or in processes.

Each worker opens its own engine and sessions (as a gunicorn worker would) and calls the
same services as the web views, outside any request.
"""
from __future__ import annotations

import random

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crowdcat.data.connection import autocommit_statements, configure_engine
from crowdcat.models import Item, ItemStatus, Project, Reservation, Submission, User, utcnow
from crowdcat.services.keying import assignment
from crowdcat.services.keying import next_by_token as token_claim
from crowdcat.services.keying import submission as submissions

ROUNDS = 12


def volunteer(url: str, project_id: int, user_ids: list[int], seed: int,
              tokens: dict[int, str]) -> dict[str, int]:
    """Key pages as the given volunteers until none is left; count what happened."""
    engine = sa.create_engine(url)
    configure_engine(engine)
    rng = random.Random(seed)
    seen = {"keyed": 0, "refused": 0, "already": 0, "resume_mismatch": 0, "double_hold": 0,
            "overfull": 0}
    try:
        for user_id in user_ids:
            with Session(engine) as session:
                _key_pages(session, project_id, user_id, rng, seen, tokens[user_id])
    finally:
        engine.dispose()
    return seen


def _overfull(session: Session, project_id: int) -> int:
    """Pages in keying whose submissions and live reservations exceed what they want."""
    now = utcnow()
    held = (sa.select(sa.func.count()).select_from(Reservation)
            .where(Reservation.item_id == Item.id, Reservation.expires_at > now)
            .scalar_subquery())
    count = session.scalar(sa.select(sa.func.count()).select_from(Item).where(
        Item.project_id == project_id, Item.status == ItemStatus.KEYING,
        Item.submission_count + held > Item.wanted))
    session.commit()
    return count or 0


def _next(session: Session, project: Project, user: User, token: str,
          rng: random.Random) -> Item | None:
    """The next page: as the keying screen asks (ORM) or as the API does (token, one statement)."""
    way = rng.random()
    if way < 0.3:
        page = assignment.next_page(session, project=project, user=user)
    elif way < 0.5:  # the ORM face on an autocommit connection (PostgreSQL)
        autocommit_statements(session)
        page = assignment.next_page(session, project=project, user=user)
    else:
        found = token_claim.next_page(session, token=token, slug=project.slug)
        assert found.user_id == user.id and found.error is None
        page = session.get(Item, found.reserved.item_id) if found.reserved else None
    session.commit()
    return page


def _key_pages(session: Session, project_id: int, user_id: int, rng: random.Random,
               seen: dict[str, int], token: str) -> None:
    """One volunteer's loop: next page, sometimes ask again (resume), submit."""
    project, user = session.get(Project, project_id), session.get(User, user_id)
    for _ in range(ROUNDS):
        session.commit()
        page = _next(session, project, user, token, rng)
        seen["overfull"] += _overfull(session, project_id)
        if page is None:
            return
        held = session.scalar(sa.select(sa.func.count()).select_from(Reservation).where(
            Reservation.user_id == user_id, Reservation.project_id == project_id))
        seen["double_hold"] += held > 1
        if rng.random() < 0.3:
            again = _next(session, project, user, token, rng)
            # A different page is fine only if this volunteer (in another tab) keyed it meanwhile.
            moved_on = session.scalar(sa.select(sa.func.count()).select_from(Submission).where(
                Submission.item_id == page.id, Submission.user_id == user_id))
            seen["resume_mismatch"] += (again is None or again.id != page.id) and not moved_on
        values = {"title": "訓令", "date": "1948-05-10", "pages": rng.choice(["3", "4"])}
        try:
            submissions.submit(session, page=page, user=user, values=values)
            session.commit()
            seen["keyed"] += 1
        except submissions.AlreadySubmitted:
            session.rollback()
            seen["already"] += 1
        except submissions.NoLongerNeeded:
            session.rollback()
            seen["refused"] += 1
