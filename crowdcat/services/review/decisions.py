"""Review decisions on catalog entries: approve (with corrections), send back, reject, reopen.

Every decision checks the version the reviewer saw (optimistic concurrency), writes audit
events with what was there before and after, and flushes; the caller commits.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from crowdcat.data.connection import immediate_transaction
from crowdcat.models import (
    AuditEvent,
    Entry,
    EntryStatus,
    ItemStatus,
    Role,
    Submission,
    User,
    utcnow,
)
from crowdcat.services import audit
from crowdcat.services.errors import Conflict, Forbidden, ServiceError
from crowdcat.services.reconciliation import facts as entry_facts
from crowdcat.services.review.queue import WAITING
from crowdcat.services.review.values import clean_values, proposed_values, same_value

MAX_REASON = 1000
MAX_EXTRA = 10
REJECT_REASONS = ("blank", "illegible", "not_catalog")
DECIDED = (EntryStatus.APPROVED, EntryStatus.REJECTED)
SOMEONE_CHANGED_IT = _l(
    "Someone changed this entry while you had it open. Nothing you entered was saved; "
    "the entry is shown as it is now.")



def begin(session: Session) -> None:
    """Start a decision's write transaction before its first read.

    SQLite: the write lock is taken first, so that two decisions on one entry are serialized
    and the second sees the first one's version instead of failing on a stale snapshot.
    """
    immediate_transaction(session)

def _stale(session: Session, entry: Entry) -> Conflict:
    """The refusal for a decision based on an old version, naming who changed it if known."""
    last = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "entry", AuditEvent.object_id == entry.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
    if last is not None and last.actor is not None:
        return Conflict(_l(
            "%(name)s changed this entry while you had it open. Nothing you entered was saved; "
            "the entry is shown as it is now.", name=last.actor.display_name))
    return Conflict(SOMEONE_CHANGED_IT)


def _check(session: Session, entry: Entry, reviewer: User, version: int,
           allowed: tuple[EntryStatus, ...]) -> None:
    """Refuse non-staff, stale versions and entries not in an allowed status."""
    if not reviewer.has_role(Role.REVIEWER):
        raise Forbidden(_l("Only reviewers may decide on entries."))
    if version != entry.version:
        raise _stale(session, entry)
    if entry.status not in allowed:
        raise Conflict(_l("This entry is not in a state that allows this action."))


def keyed_by(session: Session, entry: Entry, user: User) -> bool:
    """Whether the user keyed this entry's page (a skip does not count)."""
    return bool(session.scalar(sa.select(sa.exists().where(
        Submission.item_id == entry.item_id,
        Submission.user_id == user.id,
        Submission.skip_reason.is_(None),
    ))))


def may_decide(session: Session, entry: Entry, reviewer: User) -> bool:
    """A reviewer may not approve or reject an entry they keyed, unless the project allows it."""
    return entry.item.project.allow_self_review or not keyed_by(session, entry, reviewer)


def _check_not_own(session: Session, entry: Entry, reviewer: User) -> None:
    """Refuse a reviewer deciding on their own keying."""
    if not may_decide(session, entry, reviewer):
        raise Forbidden(_l("You keyed this page yourself, so another reviewer must decide on it."))


def _reason(text: str | None, *, required: bool = True) -> str:
    """A cleaned reason; refuse an empty (when required) or overlong one."""
    reason = (text or "").strip()
    if required and not reason:
        raise ServiceError(_l("Please give a reason."), field="reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(
            _l("Please keep the reason under %(n)d characters.", n=MAX_REASON), field="reason")
    return reason


def _flush(session: Session, entry: Entry) -> None:
    """Flush, turning a lost race on the version column into a clear refusal."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(SOMEONE_CHANGED_IT) from exc


def _record(session: Session, entry: Entry, actor: User, action: str, before: dict[str, Any],
            after: dict[str, Any], reason: str = "") -> None:
    """An audit event about this entry."""
    audit.record(session, actor=actor, action=action, object_type="entry", object_id=entry.id,
                 project_id=entry.project_id, before=before, after=after, reason=reason)


def approve(
    session: Session,
    entry: Entry,
    reviewer: User,
    values: Mapping[str, str | None] | None,
    expected_version: int,
    *,
    reason: str = "",
) -> list[str]:
    """Approve an entry with the decided values (fields not given keep the proposal).

    Returns the keys of the fields the reviewer corrected or decided.
    """
    _check(session, entry, reviewer, expected_version, WAITING)
    _check_not_own(session, entry, reviewer)
    project = entry.item.project
    reason = _reason(reason, required=False)
    final = clean_values(entry, project, values)
    proposed = proposed_values(entry, project)
    specs = {spec.key: spec for spec in project.keyed_fields}
    # A correction is a change of value, not of spelling; an undecided field is always one.
    changed = [key for key, value in final.items()
               if proposed.get(key) is None or not same_value(specs[key], proposed[key], value)]
    if changed:
        _record(session, entry, reviewer, "entry.correct",
                before={key: proposed.get(key) for key in changed},
                after={key: final[key] for key in changed}, reason=reason)
    _record(session, entry, reviewer, "entry.approve",
            before={"status": entry.status.value, "values": entry.values},
            after={"status": EntryStatus.APPROVED.value, "values": final}, reason=reason)
    entry.values = final
    entry_facts.stamp(entry)
    entry.status = EntryStatus.APPROVED
    entry.reviewer_id = reviewer.id
    entry.reviewed_at = utcnow()
    entry.item.status = ItemStatus.DONE
    _flush(session, entry)
    return changed


def send_back(
    session: Session,
    entry: Entry,
    reviewer: User,
    reason: str,
    expected_version: int,
    *,
    extra: int = 1,
) -> None:
    """Reopen the page for `extra` more submissions; the entry goes back to keying."""
    _check(session, entry, reviewer, expected_version, WAITING)
    reason = _reason(reason)
    if not 1 <= extra <= MAX_EXTRA:
        raise ServiceError(
            _l("Ask for 1 to %(n)d more submissions.", n=MAX_EXTRA), field="extra")
    page = entry.item
    session.refresh(page, with_for_update=True)  # the counters must be current
    before = {"status": entry.status.value, "page_status": page.status.value,
              "page_wanted": page.wanted}
    entry.status = EntryStatus.KEYING
    page.status = ItemStatus.KEYING
    page.wanted = page.submission_count + extra
    _record(session, entry, reviewer, "entry.send_back", before=before,
            after={"status": entry.status.value, "page_status": page.status.value,
                   "page_wanted": page.wanted}, reason=reason)
    _flush(session, entry)


def reject(
    session: Session,
    entry: Entry,
    reviewer: User,
    why: str,
    expected_version: int,
    *,
    note: str = "",
) -> None:
    """Mark the entry as not a catalog entry (a blank or illegible page, or no file at all)."""
    _check(session, entry, reviewer, expected_version, WAITING)
    _check_not_own(session, entry, reviewer)
    if why not in REJECT_REASONS:
        raise ServiceError(_l("Choose why this is not a catalog entry."), field="why")
    note = _reason(note, required=False)
    before = {"status": entry.status.value}
    entry.status = EntryStatus.REJECTED
    entry.reviewer_id = reviewer.id
    entry.reviewed_at = utcnow()
    entry.item.status = ItemStatus.DONE
    _record(session, entry, reviewer, "entry.reject", before=before,
            after={"status": entry.status.value, "why": why}, reason=note)
    _flush(session, entry)


def reopen(
    session: Session, entry: Entry, reviewer: User, reason: str, expected_version: int
) -> None:
    """Put an approved or rejected entry back into review; its values stay as the proposal."""
    _check(session, entry, reviewer, expected_version, DECIDED)
    reason = _reason(reason)
    before = {"status": entry.status.value, "reviewer_id": entry.reviewer_id,
              "reviewed_at": entry.reviewed_at.isoformat() if entry.reviewed_at else None}
    entry.status = EntryStatus.REVIEW
    entry.reviewer_id = None
    entry.reviewed_at = None
    _record(session, entry, reviewer, "entry.reopen", before=before,
            after={"status": entry.status.value}, reason=reason)
    _flush(session, entry)


def history(session: Session, entry: Entry) -> list[AuditEvent]:
    """The entry's audit events, oldest first."""
    return list(session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "entry", AuditEvent.object_id == entry.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ))
