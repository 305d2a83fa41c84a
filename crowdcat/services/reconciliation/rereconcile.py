"""Re-reconciling a project after a rule change: only entries not yet reviewed, changes counted.

An entry a reviewer approved or rejected stays exactly as reviewed (its stored decisions too);
every other item with submissions is reconciled again with the project's current rules. A
field decision *changed* when the proposed value differs or the field went from decided to
undecided or back. Each run is an audit event (``ACTION``) that the project page reads.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdcat.models import AuditEvent, Entry, Item, Project, Submission, User
from crowdcat.services import audit
from crowdcat.services.reconciliation.entries import FINAL_STATUSES, reconcile_page
from crowdcat.services.reconciliation.rules import ProjectRules

ACTION = "project.rereconcile"


@dataclass
class Run:
    """What one re-reconciliation of a project did."""

    items: int = 0  # items reconciled again
    changed: int = 0  # field decisions that changed
    moved: int = 0  # entries whose status changed (e.g. conflict -> awaiting review)
    kept: int = 0  # approved or rejected entries left as reviewed

    def add(self, other: Run) -> None:
        """Add another batch's counts."""
        self.items += other.items
        self.changed += other.changed
        self.moved += other.moved


def _pending(project_id: int) -> tuple[Any, ...]:
    """Conditions on Item: the project's items with submissions and no reviewed entry."""
    keyed = select(Submission.item_id).where(Submission.project_id == project_id)
    reviewed = select(Entry.item_id).where(Entry.project_id == project_id,
                                           Entry.status.in_(FINAL_STATUSES))
    return (Item.project_id == project_id, Item.id.in_(keyed), Item.id.not_in(reviewed))


def count_pending(session: Session, project: Project) -> int:
    """How many items a re-reconciliation of the project would reconcile again."""
    return session.scalar(select(func.count()).select_from(Item).where(*_pending(project.id)))


def count_reviewed(session: Session, project: Project) -> int:
    """How many of the project's entries are approved or rejected (left as reviewed)."""
    return session.scalar(select(func.count()).select_from(Entry).where(
        Entry.project_id == project.id, Entry.status.in_(FINAL_STATUSES)))


def _decisions(stored: dict[str, Any] | None) -> dict[str, tuple[Any, bool]]:
    """Each field's proposed value and whether it is decided, from an entry's stored result."""
    fields = (stored or {}).get("fields") or {}
    return {key: (field.get("value"), field.get("status") != "conflict")
            for key, field in fields.items()}


def changed_decisions(before: dict[str, Any] | None, after: dict[str, Any] | None) -> int:
    """How many field decisions differ between two stored reconciliations."""
    old, new = _decisions(before), _decisions(after)
    return sum(1 for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def _header(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """A list row entry's stored header reconciliation (None for an item's one entry)."""
    return (stored or {}).get("header")


def _by_row(session: Session, item_ids: list[int]) -> dict[tuple[int, int], Entry]:
    """The items' entries by (item id, row): one per item, or one per listed row."""
    return {(entry.item_id, entry.row): entry for entry in session.scalars(
        select(Entry).where(Entry.item_id.in_(item_ids)))}


def _first_rows(stored: dict[tuple[int, int], Any]) -> dict[int, Any]:
    """Each item's value at its lowest row (where a list item's header is read once)."""
    first: dict[int, Any] = {}
    for (item_id, _row), value in sorted(stored.items(), reverse=True):
        first[item_id] = value
    return first


def rereconcile_batch(session: Session, project: Project, rules: ProjectRules, after_id: int,
                      limit: int) -> tuple[Run, int | None]:
    """Reconcile the next ``limit`` pending items after ``after_id``; the counts and the last
    id done (None when nothing was left). Flushes; the caller commits.

    A list item's rows are compared row by row (a row no longer found, or found anew, counts
    its fields as changed) and its header once; each row entry whose status changed is moved.
    """
    items = session.scalars(select(Item).where(*_pending(project.id), Item.id > after_id)
                            .order_by(Item.id).limit(limit)).all()
    if not items:
        return Run(), None
    ids = [item.id for item in items]
    before = {key: (entry.reconciled, entry.status)
              for key, entry in _by_row(session, ids).items()}
    run = Run(items=len(items))
    for item in items:
        reconcile_page(session, item, rules)
    after = _by_row(session, ids)
    for key in before.keys() | after.keys():
        stored, status = before.get(key, (None, None))
        entry = after.get(key)
        run.changed += changed_decisions(stored, entry.reconciled if entry else None)
        run.moved += entry is not None and status is not None and status != entry.status
    old_headers = _first_rows({key: _header(stored) for key, (stored, _s) in before.items()})
    new_headers = _first_rows({key: _header(entry.reconciled) for key, entry in after.items()})
    for item_id in old_headers.keys() | new_headers.keys():
        run.changed += changed_decisions(old_headers.get(item_id), new_headers.get(item_id))
    return run, items[-1].id


def record_run(session: Session, project: Project, run: Run, actor: User | None = None) -> None:
    """Record a finished re-reconciliation on the project's audit trail."""
    audit.record(session, actor=actor, action=ACTION, object_type="project",
                 object_id=project.id, project_id=project.id, after=asdict(run))
    session.flush()


def last_run(session: Session, project: Project) -> dict[str, Any] | None:
    """The project's last re-reconciliation: its counts and ``at`` (when), or None."""
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.project_id == project.id,
                                 AuditEvent.action == ACTION)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(1))
    if event is None:
        return None
    return {**Run().__dict__, **(event.after or {}), "at": event.created_at}
