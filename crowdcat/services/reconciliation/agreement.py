"""How often a volunteer's values matched the approved entries: for vote weights and for
"My contributions".

A field counts when the volunteer keyed the page and a reviewer approved its entry; it
agrees when the typed value and the approved value have the same equality key (the
reconciliation's normalization for that field), so 民國37年 and 1948 count as agreeing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.models import Entry, EntryStatus, Project, Submission
from crowdcat.services.reconciliation.voting import FieldRule, weights_from_history

# The most recent approved pages looked at per volunteer: enough for a stable rate, and cheap.
HISTORY = 300


@dataclass(frozen=True)
class Agreement:
    """A volunteer's agreement with approved entries."""

    agreed: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        """Share of fields that agreed, or None without history."""
        return self.agreed / self.total if self.total else None

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(self.agreed + other.agreed, self.total + other.total)


def _field_rules(session: Session, project_id: int, cache: dict[int, dict[str, FieldRule]]
                 ) -> dict[str, FieldRule]:
    """Equality rules of a project's keyed fields, compiled once per call."""
    if project_id not in cache:
        project = session.get(Project, project_id)
        cache[project_id] = {
            spec.key: FieldRule.from_options(
                spec.key, spec.kind.value, (spec.options or {}) | {"choices": spec.choices or []}
            )
            for spec in (project.keyed_fields if project else [])
        }
    return cache[project_id]


def compare(typed: dict[str, str], final: dict[str, object], rules: dict[str, FieldRule]
            ) -> Agreement:
    """Count the fields of one submission that agree with the approved values."""
    agreed = total = 0
    for key, rule in rules.items():
        if key not in final:
            continue
        total += 1
        mine = rule.normalizer(str(typed.get(key) or ""))[0]
        approved = rule.normalizer(str(final.get(key) or ""))[0]
        agreed += mine == approved
    return Agreement(agreed, total)


def of_user(session: Session, user_id: int, project_id: int | None = None) -> Agreement:
    """A volunteer's agreement with approved entries (all projects, or one)."""
    stmt = (
        select(Submission.project_id, Submission.values, Entry.values)
        .join(Entry, Entry.item_id == Submission.item_id)
        .where(Submission.user_id == user_id, Submission.values.is_not(None),
               Entry.status == EntryStatus.APPROVED)
        .order_by(Submission.submitted_at.desc()).limit(HISTORY)
    )
    if project_id is not None:
        stmt = stmt.where(Submission.project_id == project_id)
    cache: dict[int, dict[str, FieldRule]] = {}
    result = Agreement()
    for row_project, typed, final in session.execute(stmt):
        result += compare(typed or {}, final or {}, _field_rules(session, row_project, cache))
    return result


def weights(session: Session, user_ids: Iterable[int]) -> dict[int, float]:
    """Vote weight of each volunteer from their agreement history (1.0 for newcomers)."""
    found = {}
    for user_id in set(user_ids):
        stats = of_user(session, user_id)
        found[user_id] = weights_from_history(stats.agreed, stats.total)
    return found
