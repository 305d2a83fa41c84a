"""How often a volunteer's values matched the approved entries: for vote weights and for
"My contributions".

A field counts when the volunteer keyed the page and a reviewer approved its entry; it
agrees when the typed value and the approved value have the same equality key (the
reconciliation's normalization for that field), so 民國37年 and 1948 count as agreeing.

A list item counts its header fields once (on its first row entry read) and each approved
row's row fields: the volunteer's own cell of that row is read from the row's stored
reconciliation (the group they are a voter of); a row they missed counts as typed blank.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.models import Entry, EntryStatus, Project, Submission
from crowdcat.services.projects.snapshot import is_row_field
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


Rules = tuple[dict[str, FieldRule], frozenset[str]]  # a project's rules, its row field keys


def _field_rules(session: Session, project_id: int, cache: dict[int, Rules]) -> Rules:
    """Equality rules of a project's keyed fields and its row field keys, once per call."""
    if project_id not in cache:
        project = session.get(Project, project_id)
        specs = project.keyed_fields if project else []
        cache[project_id] = ({
            spec.key: FieldRule.from_options(
                spec.key, spec.kind.value, (spec.options or {}) | {"choices": spec.choices or []}
            )
            for spec in specs
        }, frozenset(spec.key for spec in specs if is_row_field(spec)))
    return cache[project_id]


def row_typed(header: Mapping[str, Any], reconciled: Mapping[str, Any] | None, voter: str,
              row_keys: frozenset[str], with_header: bool) -> dict[str, Any]:
    """What a volunteer typed that a list row entry decides: the header values (only when
    `with_header`) and their own cells of the row ("" where they keyed no such row)."""
    typed = {k: v for k, v in header.items() if k not in row_keys} if with_header else {}
    fields = (reconciled or {}).get("fields") or {}
    for key in row_keys:
        groups = (fields.get(key) or {}).get("groups") or ()
        mine = next((g for g in groups if voter in (g.get("voters") or ())), None)
        typed[key] = mine.get("value") if mine else ""
    return typed


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
        select(Submission.project_id, Submission.values, Entry.values, Entry.item_id,
               Entry.row, Entry.id)
        .join(Entry, Entry.item_id == Submission.item_id)
        .where(Submission.user_id == user_id, Submission.values.is_not(None),
               Entry.status == EntryStatus.APPROVED)
        .order_by(Submission.submitted_at.desc(), Entry.row).limit(HISTORY)
    )
    if project_id is not None:
        stmt = stmt.where(Submission.project_id == project_id)
    found = session.execute(stmt).all()
    listed = [entry_id for *_r, row, entry_id in found if row > 0]
    reconciled = {entry_id: stored for entry_id, stored in session.execute(
        select(Entry.id, Entry.reconciled).where(Entry.id.in_(listed)))} if listed else {}
    first: dict[int, int] = {}
    for *_r, item_id, row, _id in found:
        first[item_id] = min(row, first.get(item_id, row))
    cache: dict[int, Rules] = {}
    result = Agreement()
    for row_project, typed, final, item_id, row, entry_id in found:
        rules, row_keys = _field_rules(session, row_project, cache)
        final = final or {}
        if row > 0:
            with_header = row == first[item_id]
            typed = row_typed(typed or {}, reconciled.get(entry_id), str(user_id),
                              row_keys, with_header)
            final = {k: v for k, v in final.items() if k in typed}
        result += compare(typed or {}, final, rules)
    return result


def weights(session: Session, user_ids: Iterable[int]) -> dict[int, float]:
    """Vote weight of each volunteer from their agreement history (1.0 for newcomers)."""
    found = {}
    for user_id in set(user_ids):
        stats = of_user(session, user_id)
        found[user_id] = weights_from_history(stats.agreed, stats.total)
    return found
