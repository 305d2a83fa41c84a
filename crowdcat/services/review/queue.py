"""The reviewers' queue: which entries wait, in what order, and how many of each kind."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from crowdcat.models import Entry, EntryStatus, Project, Submission, User

# Entries a reviewer has to decide; conflicts come first in the queue.
WAITING = (EntryStatus.CONFLICT, EntryStatus.REVIEW)


@dataclass(frozen=True, slots=True)
class WaitingProject:
    """A project with entries waiting for review."""

    project: Project
    review: int
    conflict: int


def status_counts(session: Session, project: Project) -> dict[EntryStatus, int]:
    """How many entries of the project are in each status (every status present)."""
    rows = session.execute(
        sa.select(Entry.status, sa.func.count())
        .where(Entry.project_id == project.id)
        .group_by(Entry.status)
    ).all()
    counts = dict.fromkeys(EntryStatus, 0)
    counts.update({EntryStatus(status): n for status, n in rows})
    return counts


def waiting_projects(session: Session) -> list[WaitingProject]:
    """Projects that have entries waiting, with their counts, by title."""
    review = sa.func.count().filter(Entry.status == EntryStatus.REVIEW)
    conflict = sa.func.count().filter(Entry.status == EntryStatus.CONFLICT)
    rows = session.execute(
        sa.select(Project, review, conflict)
        .join(Entry, Entry.project_id == Project.id)
        .where(Entry.status.in_(WAITING))
        .group_by(Project.id)
        .order_by(Project.title, Project.id)
    ).all()
    return [WaitingProject(project, r, c) for project, r, c in rows]


def _in_conflict(field_key: str) -> sa.ColumnElement[bool]:
    """Entries whose reconciliation left `field_key` in conflict (a JSON path, both databases)."""
    return Entry.reconciled[("fields", field_key, "status")].as_string() == "conflict"


def _statement(
    project: Project, status: EntryStatus | None, field_key: str | None
) -> sa.Select[tuple[Entry]]:
    """Entries of the queue, filtered, without order."""
    stmt = sa.select(Entry).where(Entry.project_id == project.id)
    stmt = stmt.where(Entry.status == status) if status else stmt.where(Entry.status.in_(WAITING))
    if field_key:
        stmt = stmt.where(_in_conflict(field_key))
    return stmt


def _ordered(stmt: sa.Select[tuple[Entry]], status: EntryStatus | None) -> sa.Select[tuple[Entry]]:
    """Decided entries newest first; waiting ones conflicts first, then longest waiting."""
    if status in (EntryStatus.APPROVED, EntryStatus.REJECTED):
        return stmt.order_by(Entry.reviewed_at.desc(), Entry.id.desc())
    conflicts_first = sa.case((Entry.status == EntryStatus.CONFLICT, 0), else_=1)
    return stmt.order_by(conflicts_first, Entry.updated_at, Entry.id)


def queue(
    session: Session,
    project: Project,
    *,
    status: EntryStatus | None = None,
    field_key: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Entry], int]:
    """One page of the queue (waiting entries unless `status` is given) and the total count."""
    stmt = _statement(project, status, field_key)
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    entries = session.scalars(
        _ordered(stmt, status).options(joinedload(Entry.item)).limit(limit).offset(offset)
    ).all()
    return list(entries), total


def keyed_by_clause(reviewer: User) -> sa.ColumnElement[bool]:
    """SQL: the reviewer keyed the entry's page (skipping it does not count)."""
    return sa.exists().where(
        Submission.item_id == Entry.item_id,
        Submission.user_id == reviewer.id,
        Submission.skip_reason.is_(None),
    )


def next_entry(
    session: Session,
    project: Project,
    reviewer: User,
    *,
    exclude: int | None = None,
    status: EntryStatus | None = None,
    field_key: str | None = None,
) -> Entry | None:
    """The first waiting entry in queue order that this reviewer may decide."""
    if status not in (None, *WAITING):
        status = None
    stmt = _statement(project, status, field_key)
    if exclude is not None:
        stmt = stmt.where(Entry.id != exclude)
    if not project.allow_self_review:
        stmt = stmt.where(~keyed_by_clause(reviewer))
    return session.scalars(_ordered(stmt, status).limit(1)).first()


def conflict_fields(entry: Entry) -> list[str]:
    """Keys of the fields the reconciliation left in conflict."""
    fields = (entry.reconciled or {}).get("fields") or {}
    return [key for key, result in fields.items() if result.get("status") == "conflict"]
