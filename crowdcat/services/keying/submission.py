"""Recording what a volunteer keyed (or why they skipped), then reconciling the page.

One code path for the keying screen, the JSON API and the demo data. A second submit of
the same page by the same volunteer (double click, two tabs, a retried request) records
nothing new: it raises AlreadySubmitted carrying the first submission, and the unique
(page, volunteer) constraint backs that up under races.

A submission (or skip) is taken only for a page that assignment gave this volunteer: their
hold of it, live, or expired while the page still needs them (the hold's row stays until
their next page request resumes or drops it). Anything else raises NotAssigned and stores
nothing, so that nobody can pick a page and the redundancy count stays what assignment decided.
That is decided before the values are looked at: a refusal of values answers with the item's
keying screen, which a volunteer may see only of an item given to them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.data import is_postgres
from crowdcat.data import keying as sql
from crowdcat.data import submit as submit_sql
from crowdcat.models import (
    OPEN_TO_CROWD,
    Item,
    ItemStatus,
    Reservation,
    SkipReason,
    Submission,
    User,
    utcnow,
)
from crowdcat.services.errors import Conflict, NotFound, ServiceError
from crowdcat.services.keying import assignment
from crowdcat.services.keying.validation import InvalidValues, clean_rows, clean_values
from crowdcat.services.projects import snapshot
from crowdcat.services.reconciliation import entries

# Longer than this between opening and submitting is a break, not keying time.
MAX_DURATION_SECONDS = 2 * 3600


@dataclass(frozen=True)
class Stored:
    """A submission as stored by submit(): its row's values, no ORM object (no session work)."""

    id: int
    item_id: int
    user_id: int
    project_id: int
    values: dict[str, str] | None
    skip_reason: SkipReason | None
    started_at: datetime | None
    submitted_at: datetime
    duration_seconds: int | None
    rows: list[dict[str, str]] | None = None  # a list item's rows as typed

    @property
    def skipped(self) -> bool:
        """True when the volunteer skipped the page instead of keying it."""
        return self.skip_reason is not None


class AlreadySubmitted(Conflict):
    """The volunteer has already keyed or skipped this page; `submission` is that record."""

    code = "already_submitted"

    def __init__(self, submission: Submission) -> None:
        super().__init__(_l("You have already keyed this page; your first submission was kept."))
        self.submission = submission


class NotAssigned(Conflict):
    """The page was not given to this volunteer (no hold of theirs, live or expired)."""

    code = "not_assigned"

    def __init__(self) -> None:
        super().__init__(_l("This page was not given to you to key, so nothing was saved. "
                            "Ask for your next page to continue."))


class NoLongerNeeded(Conflict):
    """The page has all the submissions it needs (for example after a reservation expired)."""

    code = "no_longer_needed"


def keyed_specs(page: Item) -> list:
    """The fields a volunteer types for this page (prefilled imported values are fixed)."""
    prefill = {k for k, v in (page.prefill or {}).items() if v is not None and str(v).strip()}
    return [spec for spec in page.project.keyed_fields if spec.key not in prefill]


def _skip_reason(skip_reason: Any) -> SkipReason:
    """The skip reason as its enum, or InvalidValues."""
    try:
        return SkipReason(skip_reason)
    except ValueError as exc:
        raise InvalidValues({"skip": _l("Please choose a reason to skip.")}) from exc


def _duration(started_at: datetime | None, now: datetime) -> int | None:
    """Seconds spent keying, or None when unknown or implausible."""
    if started_at is None or started_at.tzinfo is None:
        return None
    seconds = int((now - started_at).total_seconds())
    return seconds if 0 <= seconds <= MAX_DURATION_SECONDS else None


def _existing(session: Session, item_id: int, user_id: int) -> Submission | None:
    """The volunteer's submission for the page, if any."""
    return session.scalar(select(Submission).where(
        Submission.item_id == item_id, Submission.user_id == user_id
    ))


def _check(session: Session, row: Any, project: Any, fields: dict[str, Any], now: datetime,
           *, keyed: bool, held: bool, others: int | None) -> None:
    """Refuse a submission the volunteer already made, for a page assignment did not give
    them (`held`: a hold of theirs, live or expired), or one the page no longer needs."""
    item_id, user_id = fields["item_id"], fields["user_id"]
    if keyed:
        raise AlreadySubmitted(_existing(session, item_id, user_id))
    if not held:
        raise NotAssigned
    if fields["skip_reason"] is None and not assignment.has_room_for(
            session, row, project.max_submissions, user_id, now, others):
        raise NoLongerNeeded(_l("Thank you — this page already has all the submissions it "
                                "needs, so yours was not saved. Your values are still below."))
    if fields["skip_reason"] is not None and row.status != ItemStatus.KEYING:
        raise NoLongerNeeded(_l("This page no longer needs keying."))


def _refuse_unless_given(session: Session, row: Any, item_id: int, user_id: int) -> None:
    """NotAssigned unless assignment gave the volunteer the item (a hold of theirs, live or
    expired) or they keyed it. Asked when values are refused, so the refusal of values (whose
    answer shows the item) reaches only them; a valid submission is checked by _check()."""
    if row.keyed:
        return
    held = (row.held if not is_postgres(session) else  # PostgreSQL's row does not carry it
            sql.page_of_volunteer(session, item_id=item_id, user_id=user_id).first() is not None)
    if not held:
        raise NotAssigned


def _store_after_lock(session: Session, row: Any, project: Any, fields: dict[str, Any],
                      now: datetime) -> tuple[int, entries.Earlier]:
    """PostgreSQL: check again after the row lock and store, in one statement.

    The EXISTS read with the locked page saw a snapshot older than the lock: the statement
    reads keyed and the others' live holds anew, and inserts only if _check() would pass.
    It reads the page's earlier votes and its entry too (for reconciliation). Returns the
    new submission's id and what was read.
    """
    skip = fields["skip_reason"] is not None
    allowed = row.status == ItemStatus.KEYING and (skip or (
        OPEN_TO_CROWD.page_allows(row.access) and row.submission_count < project.max_submissions))
    stored = submit_sql.store_and_read(
        session, **fields, now=now, allowed=allowed, needs_room=not skip,
        submission_count=row.submission_count, wanted=row.wanted).one()
    if stored.submission_id is None:
        _check(session, row, project, fields, now, keyed=stored.keyed, held=stored.held,
               others=stored.others)
        # Every check passed: another tab's submission won the race (ON CONFLICT).
        raise AlreadySubmitted(_existing(session, fields["item_id"], fields["user_id"]))
    return stored.submission_id, entries.Earlier.of_json(stored)


def _locked(session: Session, item_id: int, user_id: int) -> tuple[Any, Any]:
    """The page row locked (with whether the volunteer keyed it) and its project, or Nones."""
    if is_postgres(session):
        row = submit_sql.lock_with_project(session, item_id=item_id, user_id=user_id).first()
        return row, (snapshot.of_version(session, row.project_id, row.version)
                     if row is not None else None)
    row = sql.page_locked_keyed(session, item_id=item_id, user_id=user_id).first()
    return row, (snapshot.load(session, project_id=row.project_id)
                 if row is not None else None)


def _submit_list(session: Session, row: Any, project: Any, fields: dict[str, Any],
                 values: Any, rows: Any, now: datetime) -> Stored:
    """A list item's submission (header values and rows) or skip, through the ORM.

    The item row is locked (PostgreSQL FOR UPDATE, SQLite BEGIN IMMEDIATE): keyed and held
    are read again after the lock, so the checks of _check() stay true until the commit.
    """
    item_id, user_id = fields["item_id"], fields["user_id"]
    typed = None
    try:
        if fields["skip_reason"] is not None:
            fields["skip_reason"] = _skip_reason(fields["skip_reason"])
        else:
            header = clean_values(project.header_fields_for(row.prefill), values or {})
            typed, _ = clean_rows(project.row_fields(), rows)
            fields["typed_values"] = header
    except InvalidValues:
        _refuse_unless_given(session, row, item_id, user_id)
        raise
    held = session.scalar(select(Reservation.id).where(
        Reservation.item_id == item_id, Reservation.user_id == user_id)) is not None
    keyed = _existing(session, item_id, user_id) is not None
    _check(session, row, project, fields, now, keyed=keyed, held=held, others=None)
    stored = Submission(item_id=item_id, user_id=user_id, project_id=fields["project_id"],
                        values=fields["typed_values"], typed_rows=typed,
                        skip_reason=fields["skip_reason"], started_at=fields["started_at"],
                        submitted_at=now, duration_seconds=fields["duration_seconds"])
    session.add(stored)
    session.flush()
    sql.drop_reservation_of(session, item_id=item_id, user_id=user_id)
    item = session.get(Item, item_id)
    session.refresh(item)
    entries.reconcile_list_item(session, item, project.rules())
    return Stored(stored.id, item_id, user_id, fields["project_id"], fields["typed_values"],
                  fields["skip_reason"], fields["started_at"], now, fields["duration_seconds"],
                  typed)


def submit(session: Session, *, page: Item | int, user: User | int,
           values: dict | None = None, skip_reason: str | SkipReason | None = None,
           started_at: datetime | None = None, now: datetime | None = None,
           rows: list | None = None) -> Stored:
    """Save a volunteer's values (or skip) for a page and reconcile it; the caller commits.

    `page` and `user` may be ORM objects or ids. Reads and writes are Core statements
    (no ORM objects loaded or added); ORM objects the session holds for the page and its
    entry are expired so that callers see the new state. A list item (project in list mode)
    takes `values` for its header fields and `rows` (a list of {row field: value as typed})
    and goes through the ORM (_submit_list), never the PostgreSQL one-statement path.
    """
    item_id = page if isinstance(page, int) else page.id
    user_id = user if isinstance(user, int) else user.id
    if values is None and rows is not None:  # a list item with no header field to type
        values = {}
    if (values is None) == (skip_reason is None):
        raise ServiceError(_l("Send either the values you typed or a reason to skip."))
    assignment.begin_write(session)
    now = now or utcnow()
    row, project = _locked(session, item_id, user_id)
    if row is None or project is None or not OPEN_TO_CROWD.allows(row.access, project.status):
        raise NotFound(_l("This page is not open for keying."))
    if project.list_mode:
        return _submit_list(session, row, project, {
            "item_id": item_id, "user_id": user_id, "project_id": row.project_id,
            "typed_values": None, "skip_reason": skip_reason, "started_at": started_at,
            "duration_seconds": _duration(started_at, now)}, values, rows, now)
    try:
        reason = _skip_reason(skip_reason) if skip_reason is not None else None
        cleaned = clean_values(project.fields_for(row.prefill), values) if reason is None else None
    except InvalidValues:
        _refuse_unless_given(session, row, item_id, user_id)  # the hold before the values
        raise
    fields = {"item_id": item_id, "user_id": user_id, "project_id": row.project_id,
              "typed_values": cleaned, "skip_reason": reason, "started_at": started_at,
              "submitted_at": now, "duration_seconds": _duration(started_at, now)}
    earlier = None
    if is_postgres(session):
        submission_id, earlier = _store_after_lock(session, row, project, fields, now)
        earlier = earlier.plus(user_id, cleaned, reason)
    else:
        # BEGIN IMMEDIATE serializes writers: what was read with the page is still true.
        _check(session, row, project, fields, now, keyed=row.keyed, held=row.held, others=None)
        submission_id = sql.add_submission(session, **fields).scalar()
        if submission_id is None:  # another tab's submission won the race (ON CONFLICT)
            raise AlreadySubmitted(_existing(session, item_id, user_id))
        sql.drop_reservation_of(session, item_id=item_id, user_id=user_id)
    entries.reconcile_row(session, row, project.rules(), earlier)
    return Stored(submission_id, item_id, user_id, row.project_id, cleaned, reason,
                  started_at, now, fields["duration_seconds"])


def to_dict(submission: Submission | Stored) -> dict[str, Any]:
    """The volunteer's own submission as JSON (nothing of anyone else's)."""
    return {
        "id": submission.id,
        "item_id": submission.item_id,
        "values": submission.values,
        **({"rows": rows} if (rows := getattr(submission, "rows", None)
                              or getattr(submission, "typed_rows", None)) is not None else {}),
        "skip": submission.skip_reason.value if submission.skip_reason else None,
        "submitted_at": submission.submitted_at.isoformat(),
        "duration_seconds": submission.duration_seconds,
    }
