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


def rereconcile_batch(session: Session, project: Project, rules: ProjectRules, after_id: int,
                      limit: int) -> tuple[Run, int | None]:
    """Reconcile the next ``limit`` pending items after ``after_id``; the counts and the last
    id done (None when nothing was left). Flushes; the caller commits."""
    items = session.scalars(select(Item).where(*_pending(project.id), Item.id > after_id)
                            .order_by(Item.id).limit(limit)).all()
    if not items:
        return Run(), None
    found = {entry.item_id: entry for entry in session.scalars(
        select(Entry).where(Entry.item_id.in_([item.id for item in items])))}
    before = {item_id: (entry.reconciled, entry.status) for item_id, entry in found.items()}
    run = Run(items=len(items))
    for item in items:
        reconcile_page(session, item, rules)
    for entry in session.scalars(select(Entry).where(Entry.item_id.in_([i.id for i in items]))):
        stored, status = before.get(entry.item_id, (None, None))
        run.changed += changed_decisions(stored, entry.reconciled)
        run.moved += status is not None and status != entry.status
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
