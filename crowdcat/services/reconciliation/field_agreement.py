"""How well volunteers agree, field by field: the data of the agreement chart."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.models import Entry, Project

STATUSES = ("unanimous", "majority", "conflict", "blank")
# Recent entries are read, not the whole project: the chart stays cheap at a million pages.
DEFAULT_SAMPLE = 2000


@dataclass
class FieldAgreement:
    """Reconciliation statuses of one field over the sampled entries."""

    key: str
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Entries in which the field was reconciled."""
        return sum(self.counts[s] for s in STATUSES)

    def share(self, status: str) -> float:
        """Percentage of the field's entries with `status`."""
        return 100.0 * self.counts[status] / self.total if self.total else 0.0


def field_agreement(session: Session, project: Project,
                    sample: int = DEFAULT_SAMPLE) -> tuple[list[FieldAgreement], int]:
    """Per keyed field, the statuses in the project's most recently reconciled entries."""
    rows = session.scalars(
        # A page with fewer submissions than "agree needed" is undecided, not in disagreement.
        select(Entry.reconciled).where(Entry.project_id == project.id,
                                       Entry.submission_count >= project.agree_needed)
        .order_by(Entry.updated_at.desc(), Entry.id.desc()).limit(sample)
    ).all()
    result = [FieldAgreement(spec.key) for spec in project.keyed_fields]
    sampled = 0
    for reconciled in rows:
        fields = (reconciled or {}).get("fields") or {}
        if not fields:
            continue
        sampled += 1
        for item in result:
            status = (fields.get(item.key) or {}).get("status")
            if status in STATUSES:
                item.counts[status] += 1
    return result, sampled
