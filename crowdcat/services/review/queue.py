"""The reviewers' queue: which entries wait, in what order, and how many of each kind.

A list item's row entries (rows 1..n) are reviewed as one: the queue shows one line per item,
led by its row 1, with the number of rows and the fields in conflict in any of them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload

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


@dataclass(slots=True)
class QueueLine:
    """One line of the queue: an entry, or a list item led by its row 1."""

    entry: Entry
    rows: int = 0  # a list item's number of row entries; 0 for a normal item
    conflicts: list[str] = field(default_factory=list)


def _in_conflict(entry: type[Entry], field_key: str) -> sa.ColumnElement[bool]:
    """Entries whose reconciliation left `field_key` in conflict (a JSON path, both databases).

    A list item's header fields are under "header" of each of its row entries."""
    return sa.or_(
        entry.reconciled[("fields", field_key, "status")].as_string() == "conflict",
        entry.reconciled[("header", "fields", field_key, "status")].as_string() == "conflict")


def _statement(
    project: Project, status: EntryStatus | None, field_key: str | None
) -> sa.Select[tuple[Entry]]:
    """Lines of the queue (an item's one entry, a list item's row 1), filtered, without order."""
    stmt = sa.select(Entry).where(Entry.project_id == project.id, Entry.row <= 1)
    stmt = stmt.where(Entry.status == status) if status else stmt.where(Entry.status.in_(WAITING))
    if field_key:  # in conflict in any row of the item
        sibling = aliased(Entry)
        stmt = stmt.where(sa.exists().where(sibling.item_id == Entry.item_id,
                                            _in_conflict(sibling, field_key)))
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
    """Keys of the fields the reconciliation left in conflict (a list row's header too)."""
    reconciled = entry.reconciled or {}
    fields = {**((reconciled.get("header") or {}).get("fields") or {}),
              **(reconciled.get("fields") or {})}
    return [key for key, result in fields.items() if result.get("status") == "conflict"]


def queue_lines(session: Session, entries: list[Entry]) -> list[QueueLine]:
    """The queue's entries as lines: a list item with its row count and every row's conflicts."""
    listed = [entry.item_id for entry in entries if entry.row > 0]
    rows: dict[int, list[Entry]] = defaultdict(list)
    if listed:
        for row in session.scalars(sa.select(Entry).where(Entry.item_id.in_(listed))
                                   .order_by(Entry.item_id, Entry.row)):
            rows[row.item_id].append(row)
    lines = []
    for entry in entries:
        siblings = rows.get(entry.item_id) or [entry]
        conflicts = list(dict.fromkeys(key for row in siblings for key in conflict_fields(row)))
        lines.append(QueueLine(entry, len(siblings) if entry.row > 0 else 0, conflicts))
    return lines
