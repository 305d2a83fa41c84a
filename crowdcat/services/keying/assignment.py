"""Handing pages to volunteers: the next page, reserved for a while (race-free).

A page is assignable to a volunteer when its project is active, the page is open to the
crowd and still keying, the volunteer has not keyed or skipped it, and its submissions plus
live (unexpired) reservations are below what it wants. Pages nearest completion come first
(submission_count DESC), then by sequence, which is the order of ``ix_pages_free``; pages
that reservations fill leave that index, so the scan never passes them (keying_sql.candidate).

Concurrency: on SQLite every write transaction starts with BEGIN IMMEDIATE, so writers queue
(busy timeout) and each sees the others' commits. On PostgreSQL a candidate page row is locked
with ``FOR UPDATE SKIP LOCKED`` (competing volunteers move on to the next page) and its
capacity is counted again *after* the lock is held: every reserver and every submitter locks
the page row first, so that fresh count is exact under READ COMMITTED (the reservation is an
``INSERT ... SELECT ... WHERE <room> ON CONFLICT DO NOTHING``: count and insert in one trip).

The API's next page on PostgreSQL runs without a transaction: the token is checked and the
page locked and reserved by one statement (token_claim; keying_sql.claim for sessions in
database.autocommit_statements), whose hold count is taken on its own snapshot; that is safe
because a reservation that fills a page updates the page row (pages.full_until, kept by
triggers), and a row updated after the snapshot is checked again when FOR UPDATE locks it.
Resuming a held page, and a second tab's race, go back to a transaction here.

Speed: next page and submit are hot (issue 4). reserve() and the statements in keying_sql
are Core SQL prepared once, on plain rows; reserve_next()/next_page() are its ORM face
for the keying screen.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.data import is_postgres
from crowdcat.data import keying as sql
from crowdcat.data.connection import (
    forget,
    immediate_transaction,
    in_autocommit,
    in_write_transaction,
    leave_autocommit,
    refresh,
)
from crowdcat.models import (
    OPEN_TO_CROWD,
    Item,
    ItemStatus,
    Project,
    Reservation,
    User,
    utcnow,
)
from crowdcat.services.errors import NotFound
from crowdcat.services.projects import snapshot
from crowdcat.services.projects.snapshot import ProjectSnapshot

# Candidates tried per call on PostgreSQL before giving up (each one lost to a racing volunteer).
MAX_ATTEMPTS = 20
# Lapsed pages (their filling holds expired) are trimmed back to the free index this often,
# by whichever request of the process comes first (keying_sql.trim_lapsed): few statements,
# and the lapsed candidates stay few however many volunteers walk away from their pages.
TRIM_EVERY = timedelta(seconds=60)
_last_trim: list[datetime] = []


def trim_lapsed_if_due(session: Session, now: datetime) -> None:
    """Run keying_sql.trim_lapsed when this process has not for TRIM_EVERY (caller commits)."""
    if _last_trim and now - _last_trim[0] < TRIM_EVERY:
        return
    _last_trim[:] = [now]
    begin_write(session)
    sql.trim_lapsed(session, now=now)


def begin_write(session: Session) -> None:
    """Start a write transaction (BEGIN IMMEDIATE on SQLite) unless one is already open.

    A caller that starts it before its first read (the API does, before authenticating)
    saves a commit and the reloads that follow it.
    """
    immediate_transaction(session)


def in_write(session: Session) -> bool:
    """Whether begin_write() already opened the session's current transaction."""
    return in_write_transaction(session)


@dataclass(frozen=True)
class Reserved:
    """A page reserved for a volunteer, as plain values (what the API returns)."""

    reservation_id: int
    item_id: int
    sequence: int
    prefill: dict[str, Any]
    expires_at: datetime


def live_reservations(session: Session, item_id: int, now: datetime,
                      exclude_user_id: int | None = None) -> int:
    """How many unexpired reservations hold `item_id` (optionally not counting one volunteer's)."""
    # user id 0 is nobody: no exclusion.
    return sql.live_others(session, item_id=item_id, now=now,
                           user_id=exclude_user_id or 0).scalar() or 0


def has_room_for(session: Session, page: Any, max_submissions: int, user_id: int,
          now: datetime, others: int | None = None) -> bool:
    """Whether the volunteer may key the page (an ORM Page or a page row) now.

    `others`: the live reservations of other volunteers, when the caller counted them.
    """
    if page.status != ItemStatus.KEYING or not OPEN_TO_CROWD.page_allows(page.access):
        return False
    if page.submission_count >= max_submissions:
        return False
    if others is None:
        others = live_reservations(session, page.id, now, exclude_user_id=user_id)
    return page.submission_count + others < page.wanted


def has_room(session: Session, page: Item, user: User, now: datetime) -> bool:
    """Whether `user` may key `page` now: keying, open, not keyed by them, and a free slot."""
    return has_room_for(session, page, page.project.max_submissions, user.id, now)


def keyed_by(session: Session, item_id: int, user_id: int) -> bool:
    """Whether the volunteer already has a submission (keyed or skipped) for the page."""
    return sql.keyed_by(session, item_id=item_id, user_id=user_id).first() is not None


def page_row(session: Session, item_id: int) -> sa.Row | None:
    """A page's keying columns, row-locked to the end of the transaction on PostgreSQL."""
    return sql.page_locked(session, item_id=item_id).first()


def lock_page(session: Session, item_id: int) -> Item | None:
    """Reload a page with a row lock held to the end of the transaction (PostgreSQL)."""
    stmt = select(Item).where(Item.id == item_id).execution_options(populate_existing=True)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def _candidate_query(project: Any, user_id: int, now: datetime, skip: list[int]) -> sa.Select:
    """The next assignable page row in assignment order, locked (see the module docstring)."""
    return sql.candidate(project.id, project.max_submissions, user_id, now, skip, lock=True)


def _own_reservation(session: Session, project_id: int, user_id: int) -> sa.Row | None:
    """The volunteer's reservation in the project, if any (there is at most one)."""
    return sql.own_reservation(session, user_id=user_id, project_id=project_id).first()


def _resume(session: Session, mine: sa.Row, project: ProjectSnapshot, user_id: int,
            now: datetime, until: datetime) -> Reserved | None:
    """Renew the volunteer's reservation if its page can still be theirs; else drop it."""
    page = page_row(session, mine.item_id)
    if page is not None and not keyed_by(session, page.id, user_id) and (
        mine.expires_at > now or has_room_for(session, page, project.max_submissions, user_id, now)
    ) and page.status == ItemStatus.KEYING and OPEN_TO_CROWD.page_allows(page.access):
        sql.extend_reservation(session, reservation_id=mine.id, expires_at=until)
        refresh(session, Reservation, mine.id)
        return Reserved(mine.id, page.id, page.sequence, page.prefill or {}, until)
    sql.drop_reservation(session, reservation_id=mine.id)
    forget(session, Reservation, mine.id)
    return None


def _claim(session: Session, project: ProjectSnapshot, user_id: int, now: datetime,
           until: datetime) -> Reserved | None:
    """Lock the first assignable page and reserve it (PostgreSQL skips pages others lock)."""
    postgres = is_postgres(session)
    if in_autocommit(session):
        # One statement, no transaction around it (see keying_sql.claim).
        row = sql.claim(session, project_id=project.id, user_id=user_id, now=now, until=until,
                        max_submissions=project.max_submissions).first()
        if row is None:
            return None
        if row.reservation_id is not None:
            return Reserved(row.reservation_id, row.id, row.sequence, row.prefill or {}, until)
        # Another tab of the same volunteer reserved meanwhile: sort it out in a transaction.
        leave_autocommit(session)
    lost: list[int] = []
    values = {"user_id": user_id, "project_id": project.id, "created_at": now,
              "expires_at": until}
    for _ in range(MAX_ATTEMPTS):
        if lost:  # rare: racing volunteers took our first candidates
            page = session.execute(_candidate_query(project, user_id, now, lost)).first()
        else:
            page = sql.first_candidate(session, project_id=project.id, user_id=user_id,
                                       max_submissions=project.max_submissions, now=now).first()
        if page is None:
            return None
        if not postgres:
            # BEGIN IMMEDIATE serializes writers: what the query saw is still true.
            reservation_id = sql.add_reservation(session, item_id=page.id, **values).scalar()
        elif not has_room_for(session, page, project.max_submissions, user_id, now, others=0):
            reservation_id = None  # the locked row is newer than the query's snapshot
        else:
            # The candidate query ran on a snapshot older than our lock: the INSERT counts
            # the live reservations again, now, and inserts only if there is still room.
            reservation_id = sql.add_reservation_if_room(
                session, item_id=page.id, user_id=user_id, project_id=project.id, now=now,
                until=until, submission_count=page.submission_count, wanted=page.wanted,
            ).scalar()
        if reservation_id is not None:
            return Reserved(reservation_id, page.id, page.sequence, page.prefill or {}, until)
        if (other := _own_reservation(session, project.id, user_id)) is not None:
            # The same volunteer reserved in another tab meanwhile (ON CONFLICT): resume it.
            held = page_row(session, other.item_id)
            return (Reserved(other.id, held.id, held.sequence, held.prefill or {},
                             other.expires_at) if held is not None else None)
        lost.append(page.id)
    return None


# reserve(mine=...) default: the caller did not look the own reservation up.
_LOOK_UP: Any = object()


def reserve(session: Session, *, project: ProjectSnapshot, user_id: int,
            now: datetime | None = None, mine: Any = _LOOK_UP) -> Reserved | None:
    """Reserve the volunteer's next page of `project` (Core SQL only), or None.

    Resumes the volunteer's own reservation in the project when its page still needs them.
    Starts its own write transaction unless one is open (the caller commits).
    `mine`: the volunteer's reservation (or None) as read with the project
    (snapshot.load_with_own) in this same write transaction, saving a round trip.
    """
    if mine is not None and mine is not _LOOK_UP and not in_write(session):
        # Read outside this write transaction: it may be gone. (None may be stale too: then
        # the claim's insert meets the new reservation, and _claim() resumes that one.)
        mine = _LOOK_UP
    begin_write(session)
    if not project.active:
        raise NotFound(_l("This project is not open for keying."))
    now = now or utcnow()
    until = now + timedelta(minutes=project.reservation_minutes)
    if mine is _LOOK_UP:
        mine = _own_reservation(session, project.id, user_id)
    if mine is not None and in_autocommit(session):
        # Resuming takes several statements that must hold together: a real transaction,
        # in which the reservation is read again (it was read by a statement of its own).
        leave_autocommit(session)
        mine = _own_reservation(session, project.id, user_id)
    if mine is not None and (
        resumed := _resume(session, mine, project, user_id, now, until)
    ) is not None:
        return resumed
    trim_lapsed_if_due(session, now)
    return _claim(session, project, user_id, now, until)


def reserve_next(session: Session, *, project: Project, user: User,
                 now: datetime | None = None) -> Reservation | None:
    """Reserve the volunteer's next page of `project` and return the reservation, or None.

    The ORM face of reserve() for the keying screen and the tests.
    """
    project_id, user_id = project.id, user.id
    begin_write(session)
    info = snapshot.load(session, project_id=project_id)
    if info is None:
        raise NotFound(_l("This project is not open for keying."))
    reserved = reserve(session, project=info, user_id=user_id, now=now)
    if reserved is None:
        return None
    # Fresh objects, as the ORM queries that used to build them were (populate_existing).
    session.get(Item, reserved.item_id, populate_existing=True)
    return session.get(Reservation, reserved.reservation_id, populate_existing=True)


def next_page(session: Session, *, project: Project, user: User,
              now: datetime | None = None) -> Item | None:
    """Reserve and return the volunteer's next page of `project`, or None when none is left."""
    reservation = reserve_next(session, project=project, user=user, now=now)
    return reservation.item if reservation is not None else None


def reservation_of(session: Session, page: Item, user: User) -> Reservation | None:
    """The volunteer's reservation of this page, live or expired."""
    return session.scalar(select(Reservation).where(
        Reservation.item_id == page.id, Reservation.user_id == user.id
    ))


def renew(session: Session, *, page: Item, user: User,
          now: datetime | None = None) -> datetime | None:
    """Extend the volunteer's hold on a page they are keying; None if it cannot be held."""
    item_id, user_id = page.id, user.id
    begin_write(session)
    user = session.get(User, user_id)
    now = now or utcnow()
    locked = lock_page(session, item_id)
    if locked is None:
        return None
    reservation = reservation_of(session, locked, user)
    if reservation is None:
        return None
    if reservation.expires_at <= now and not has_room(session, locked, user, now):
        return None
    reservation.expires_at = now + timedelta(minutes=locked.project.reservation_minutes)
    session.flush()
    return reservation.expires_at


def assign(session: Session, *, page: Item, user: User,
           now: datetime | None = None) -> Reservation:
    """Hand this page to the volunteer (demo data, tests): their hold in its project.

    The page is chosen by the caller, not by next page's order; it must be open to the crowd
    (NotFound otherwise). A hold of the volunteer on another page of the project is given
    back first (one at a time); a hold on this page is renewed.
    """
    item_id, user_id = page.id, user.id
    begin_write(session)
    page = session.get(Item, item_id, populate_existing=True)
    if page is None or not OPEN_TO_CROWD.allows(page.access, page.project.status):
        raise NotFound(_l("This page is not open for keying."))
    now = now or utcnow()
    until = now + timedelta(minutes=page.project.reservation_minutes)
    mine = _own_reservation(session, page.project_id, user_id)
    if mine is not None and mine.item_id == item_id:
        sql.extend_reservation(session, reservation_id=mine.id, expires_at=until)
        return session.get(Reservation, mine.id, populate_existing=True)
    if mine is not None:
        sql.drop_reservation(session, reservation_id=mine.id)
        forget(session, Reservation, mine.id)
    reservation_id = sql.add_reservation(session, item_id=item_id, user_id=user_id,
                                         project_id=page.project_id, created_at=now,
                                         expires_at=until).scalar()
    return session.get(Reservation, reservation_id, populate_existing=True)


def release(session: Session, *, project: Project, user: User) -> None:
    """Give back the volunteer's reservation in a project (for example when they stop)."""
    mine = _own_reservation(session, project.id, user.id)
    if mine is not None:
        sql.drop_reservation(session, reservation_id=mine.id)
        forget(session, Reservation, mine.id)
