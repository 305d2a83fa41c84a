"""The audit history of an entry, made readable: who did what, and each value before and after."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crowdcat.models import AuditEvent, Project
from crowdcat.review.labels import (
    ACTION_LABELS,
    CHANGE_LABELS,
    ENTRY_STATUS_LABELS,
    REJECT_LABELS,
)

# Kept on record but not worth a line: the event already names who acted.
HIDDEN = {"reviewer_id"}


@dataclass(slots=True)
class Change:
    """One value that changed."""

    label: Any
    before: Any
    after: Any


@dataclass(slots=True)
class HistoryRow:
    """One audit event."""

    event: AuditEvent
    action: Any
    changes: list[Change] = field(default_factory=list)
    values: list[tuple[Any, str]] = field(default_factory=list)


def _shown(key: str, value: Any) -> Any:
    """A stored value in words (statuses and reasons translated)."""
    if value is None:
        return ""
    if key in ("status", "page_status"):
        return ENTRY_STATUS_LABELS.get(value, value)
    if key == "why":
        return REJECT_LABELS.get(value, value)
    return value


def history_rows(events: list[AuditEvent], project: Project, locale: str) -> list[HistoryRow]:
    """Rows for the history page, in event order."""
    labels = {spec.key: spec.label(locale) for spec in project.fields}
    rows = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        row = HistoryRow(event, ACTION_LABELS.get(event.action, event.action))
        for key in [*after, *(k for k in before if k not in after)]:
            if key == "values":
                # The approved values are listed in full, in the project's field order.
                final = after.get("values") or {}
                row.values = [(labels.get(k, k), final[k]) for k in labels if k in final]
                continue
            if key in HIDDEN or before.get(key) == after.get(key):
                continue
            label = labels.get(key) or CHANGE_LABELS.get(key, key)
            row.changes.append(Change(label, _shown(key, before.get(key)),
                                      _shown(key, after.get(key))))
        rows.append(row)
    return rows
