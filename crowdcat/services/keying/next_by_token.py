"""Next page through the API on PostgreSQL in one statement: token, project and claim together.

The API's next page is the hottest request of a public launch. Here the bearer token is
checked (and its use recorded), the project and the volunteer's own reservation are read and
the first assignable page is locked and reserved by a single statement on an autocommit
connection: one round trip, one commit. The page comes from keying_sql.candidate(), the same
rule as every other way to the next page; its safety without a transaction is the one
keying_sql.claim() documents. What the statement cannot decide alone (the volunteer holds a
page already and may resume it; another tab of theirs won the race) is left to
assignment.reserve(), in a transaction, as before. SQLite has no such statement: there the
token and the project are read first and the claim is made under BEGIN IMMEDIATE.

The statement commits asynchronously (synchronous_commit off for its own transaction only):
a hold and the token's last use are not worth waiting for a disk flush. A crash can lose the
last fraction of a second of them, never a submission: the volunteer asks again and a page
held by nobody is handed out again, as when a hold expires. Every later synchronous commit
(a submission) flushes the WAL before it, so nothing is lost out of order.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from crowdcat.data import is_postgres
from crowdcat.data import keying as sql
from crowdcat.data.connection import pooled_driver_connection
from crowdcat.data.prepared import Autocommit, Prepared
from crowdcat.models import OPEN_TO_CROWD, ApiToken, User, utcnow
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.errors import ServiceError
from crowdcat.services.keying import assignment
from crowdcat.services.projects import snapshot
from crowdcat.services.projects.snapshot import OwnReservation, ProjectSnapshot

TOKENS = ApiToken.__table__
USERS = User.__table__


class ItemImage(NamedTuple):
    """One image of the reserved item, in the item's order: what a client needs to fetch it."""

    id: int
    width: int
    height: int


@dataclass(frozen=True)
class TokenClaim:
    """What one next-page request found: whose token, which project, which page."""

    user_id: int | None  # None: no valid token
    project: ProjectSnapshot | None = None  # None: no such project
    reserved: assignment.Reserved | None = None
    # The volunteer holds a page of the project (resume it?) or another tab of theirs
    # reserved meanwhile: assignment.reserve() decides, in a transaction.
    pending: bool = False
    mine: OwnReservation | None = None
    error: ServiceError | None = None  # why no page was given (the project is closed...)
    images: tuple[ItemImage, ...] = ()  # the reserved item's images, in order


def _time(name: str) -> sa.ScalarSelect:
    """A time parameter the planner cannot look into (see _statement())."""
    return sa.select(sa.cast(sa.bindparam(name), sa.DateTime(timezone=True))).scalar_subquery()


def _statement() -> sa.Select:
    """PostgreSQL: check and touch the token, read the project, lock and reserve a page.

    The times are read through a sub-select, `(SELECT CAST($1 AS timestamptz))`: a value
    the planner cannot look into. Given them as plain parameters, PostgreSQL plans the
    prepared statement anew on every run (1.5 ms of planning for 0.7 ms of work) because a
    plan for the values at hand looks a little cheaper; given as sub-selects, its one
    generic plan is as good and is kept. Constants are written in, the candidate returns
    only the columns needed, the project comes back as a version (projects.snapshot).
    The chosen item's images ride along as one JSON value (keying_sql.images_json).
    """
    now = _time("now")
    tok = (sa.select(TOKENS.c.id.label("token_id"), USERS.c.id.label("user_id"))
           .join(USERS, USERS.c.id == TOKENS.c.user_id)
           .where(TOKENS.c.token_hash == sa.bindparam("token_hash"),
                  TOKENS.c.revoked_at.is_(None), USERS.c.active.is_(True)).cte("tok"))
    touched = (sa.update(TOKENS)
               .where(TOKENS.c.id == sa.select(tok.c.token_id).scalar_subquery(),
                      sa.or_(TOKENS.c.last_used_at.is_(None),
                             TOKENS.c.last_used_at < _time("cutoff")))
               .values(last_used_at=now).returning(TOKENS.c.id).cte("touched"))
    p = sql.PROJECTS.c
    proj = (sa.select(p.id, p.status, p.max_submissions, p.reservation_minutes,
                      sql.project_version())
            .where(p.slug == sa.bindparam("slug")).cte("proj"))
    user_id = sa.select(tok.c.user_id).scalar_subquery()
    project_id = sa.select(proj.c.id).scalar_subquery()
    own = (sa.select(sql.RESERVATIONS.c.id, sql.RESERVATIONS.c.item_id,
                     sql.RESERVATIONS.c.expires_at)
           .where(sql.RESERVATIONS.c.user_id == user_id,
                  sql.RESERVATIONS.c.project_id == project_id).cte("own"))
    page = sql.candidate(project_id, sa.select(proj.c.max_submissions).scalar_subquery(),
                         user_id, now, lock=True,
                         columns=(sql.PAGES.c.id, sql.PAGES.c.sequence, sql.PAGES.c.prefill,
                                  sql.PAGES.c.submission_count))
    chosen = (page.where(OPEN_TO_CROWD.project_sql(sa.select(proj.c.status).scalar_subquery()),
                         ~sa.exists(own.select()), sa.exists(tok.select())).cte("chosen"))
    until = now + sa.select(proj.c.reservation_minutes).scalar_subquery() * sa.literal_column(
        "interval '1 minute'")
    added = (postgresql.insert(sql.RESERVATIONS)
             .from_select(["item_id", "user_id", "project_id", "created_at", "expires_at"],
                          sa.select(chosen.c.id, user_id, project_id, now, until))
             .on_conflict_do_nothing(index_elements=["user_id", "project_id"])
             .returning(sql.RESERVATIONS.c.id, sql.RESERVATIONS.c.item_id,
                        sql.RESERVATIONS.c.expires_at).cte("added"))
    # The row every part is joined to; set_config(..., true) lasts until this statement's
    # own commit (see the module docstring).
    one = sa.select(sa.func.set_config("synchronous_commit", "off", sa.true())
                    .label("one")).subquery("one")
    return (sa.select(
        tok.c.user_id, proj.c.id.label("project_id"), proj.c.version,
        own.c.id.label("own_id"), own.c.item_id.label("own_page_id"),
        own.c.expires_at.label("own_expires_at"),
        chosen.c.id.label("item_id"), chosen.c.sequence, chosen.c.prefill,
        added.c.id.label("reservation_id"), added.c.expires_at.label("reserved_until"),
        sql.images_json(chosen.c.id).label("images"),
    ).select_from(one.outerjoin(tok, sa.true()).outerjoin(proj, sa.true())
                  .outerjoin(own, sa.true()).outerjoin(chosen, sa.true())
                  .outerjoin(added, added.c.item_id == chosen.c.id))
        .add_cte(touched))


# A lost connection (the server restarted, an admin ended the backends) is retried once on a
# fresh one. Safe whether or not the lost statement had committed: the retry's own-hold part
# then finds the hold it made (pending: assignment.reserve() resumes it, no second hold), and
# touching the token again writes the same time.
_claim = Autocommit(Prepared(_statement), retry_if_lost=True)


def claim(session: Session, *, token: str, slug: str,
          now: datetime | None = None) -> TokenClaim:
    """Authenticate a bearer token and reserve its volunteer's next page of `slug`."""
    if not api_tokens.well_formed(token):
        return TokenClaim(None)
    if not is_postgres(session):
        return _claim_sqlite(session, token, slug)
    now = now or utcnow()
    # On its own pooled connection, outside the session: a round trip, a commit, no more.
    row = _claim.one(session.get_bind(), token_hash=api_tokens.hash_token(token), slug=slug,
                     now=now, cutoff=now - api_tokens.USE_RESOLUTION)
    if row.user_id is None:
        return TokenClaim(None)
    project = (snapshot.of_version(session, row.project_id, row.version)
               if row.project_id is not None else None)
    mine = (OwnReservation(row.own_id, row.own_page_id, row.own_expires_at)
            if row.own_id is not None else None)
    if row.reservation_id is not None:
        reserved = assignment.Reserved(row.reservation_id, row.item_id, row.sequence,
                                       row.prefill or {}, row.reserved_until)
        return TokenClaim(row.user_id, project, reserved,
                          images=tuple(ItemImage(*image) for image in row.images or ()))
    pending = mine is not None or row.item_id is not None
    return TokenClaim(row.user_id, project, pending=pending, mine=mine)


def next_page(session: Session, *, token: str, slug: str) -> TokenClaim:
    """claim(), then what it left pending decided by assignment.reserve(); the caller commits.

    A refusal (the project is not open for keying) comes back as `error`, for the caller to
    word in the volunteer's language.
    """
    found = claim(session, token=token, slug=slug)
    project = found.project
    if found.reserved is not None or project is None or not (found.pending or not project.active):
        if found.reserved is not None:
            assignment.trim_lapsed_if_due(session, utcnow())
        return found
    try:
        reserved = assignment.reserve(session, project=project, user_id=found.user_id,
                                      mine=found.mine)  # type: ignore[arg-type]
    except ServiceError as exc:
        return replace(found, pending=False, error=exc)
    images = (tuple(ItemImage(*image) for image in sql.item_images(
        session, item_id=reserved.item_id).all()) if reserved is not None else ())
    return replace(found, reserved=reserved, pending=False, images=images)


def _token_sqlite() -> sa.Select:
    """SQLite: the token's volunteer and its last use, if the token is valid."""
    return (sa.select(USERS.c.id.label("user_id"), TOKENS.c.id.label("token_id"),
                      TOKENS.c.last_used_at)
            .join(USERS, USERS.c.id == TOKENS.c.user_id)
            .where(TOKENS.c.token_hash == sa.bindparam("token_hash"),
                   TOKENS.c.revoked_at.is_(None), USERS.c.active.is_(True)))


_token = Prepared(_token_sqlite)
_touch = Prepared(lambda: sa.update(TOKENS).where(TOKENS.c.id == sa.bindparam("token_id")),
                  column_keys=("last_used_at",))


def _claim_sqlite(session: Session, token: str, slug: str) -> TokenClaim:
    """SQLite: read the token, the project and the own hold, then claim under BEGIN IMMEDIATE.

    On a pooled connection of its own, statement by statement on the driver: the reads take
    no lock, and the write lock (SQLite has one writer) is held for the token's use, the
    candidate and the insert only. What this cannot decide is left to assignment.reserve().
    """
    engine = session.get_bind()
    dialect, now = engine.dialect, utcnow()
    with pooled_driver_connection(engine) as connection:
        found = _token.run(connection, dialect,
                           token_hash=api_tokens.hash_token(token)).first()
        if found is None:
            return TokenClaim(None)
        rows = sql.project_and_own.run(connection, dialect, slug=slug,
                                       user_id=found.user_id).all()
        project, mine = snapshot.with_own(rows)
        ready = project is not None and project.active and mine is None
        stale = found.last_used_at is None or now - found.last_used_at > api_tokens.USE_RESOLUTION
        if not ready and not stale:
            return TokenClaim(found.user_id, project, pending=project is not None, mine=mine)
        connection.execute("BEGIN IMMEDIATE")
        try:
            if stale:
                _touch.run(connection, dialect, token_id=found.token_id, last_used_at=now)
            reserved = (_reserve_sqlite(connection, dialect, project, found.user_id, now)
                        if ready else None)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # not if the error ended it: no second error
                connection.execute("ROLLBACK")
            raise
        if reserved is None or reserved is _RACE:  # nothing left, a hold to resume, a race
            return TokenClaim(found.user_id, project, pending=project is not None and (
                mine is not None or reserved is _RACE), mine=mine)
        # After the commit: read without the write lock.
        images = sql.item_images.run(connection, dialect, item_id=reserved.item_id).all()
    return TokenClaim(found.user_id, project, reserved,
                      images=tuple(ItemImage(*image) for image in images))


# _reserve_sqlite(): the volunteer reserved in another tab between the reads and the lock.
_RACE: Any = object()


def _reserve_sqlite(connection: Any, dialect: Any, project: ProjectSnapshot, user_id: int,
                    now: datetime) -> Any:
    """Under BEGIN IMMEDIATE: the first assignable page reserved, None, or _RACE."""
    page = sql.first_candidate.run(connection, dialect, project_id=project.id, user_id=user_id,
                                   max_submissions=project.max_submissions, now=now).first()
    if page is None:
        return None
    until = now + timedelta(minutes=project.reservation_minutes)
    reservation_id = sql.add_reservation.run(
        connection, dialect, item_id=page.id, user_id=user_id, project_id=project.id,
        created_at=now, expires_at=until).scalar()
    if reservation_id is None:  # ON CONFLICT: a hold of this volunteer appeared meanwhile
        return _RACE
    return assignment.Reserved(reservation_id, page.id, page.sequence, page.prefill or {}, until)
