"""For volunteers: where their keying differed from the value a reviewer approved.

A list item's header fields are compared once (on its first row entry); each row entry's row
fields are compared with the volunteer's own cell of that row, read from the row's stored
reconciliation (the group of values they are a voter of), since the volunteer's rows were
aligned to the reconciled rows there. A row the volunteer did not key shows no difference.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from crowdcat.models import Entry, EntryStatus, FieldSpec, Item, Project, Submission, User
from crowdcat.services.projects.snapshot import is_row_field
from crowdcat.services.review.values import field_rule

# The most recent approved entries looked at; a volunteer's page shows recent feedback.
DEFAULT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Difference:
    """One field of one page where the volunteer's value and the approved value differ."""

    project: Project
    item: Item
    field: FieldSpec
    typed: str
    approved: str
    reviewed_at: datetime | None
    row: int = 0  # the entry's row in a list item (0: the item's one entry)


def differences(
    session: Session,
    user: User,
    *,
    project: Project | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[Difference]:
    """The volunteer's differences on their most recently approved pages, newest first.

    Values are compared with the reconciliation's normalization, so width, spacing,
    punctuation and the way a date or number was written do not count as differences.
    """
    stmt = (
        sa.select(Submission, Entry)
        .join(Entry, Entry.item_id == Submission.item_id)
        .where(
            Submission.user_id == user.id,
            Submission.skip_reason.is_(None),
            Entry.status == EntryStatus.APPROVED,
        )
        .options(joinedload(Entry.item).joinedload(Item.project))
        .order_by(Entry.reviewed_at.desc(), Entry.id.desc())
        .limit(limit)
    )
    if project is not None:
        stmt = stmt.where(Submission.project_id == project.id)
    normalizers: dict[int, list[tuple[FieldSpec, Callable[[str], tuple[str, bool]]]]] = {}
    found: list[Difference] = []
    results = session.execute(stmt).all()
    first_rows: dict[int, int] = {}  # each item's lowest row read: where a header is compared
    for _submission, entry in results:
        first_rows[entry.item_id] = min(entry.row, first_rows.get(entry.item_id, entry.row))
    for submission, entry in results:
        page = entry.item
        if page.project_id not in normalizers:
            normalizers[page.project_id] = [
                (spec, field_rule(spec).normalizer) for spec in page.project.keyed_fields
            ]
        typed_values = _typed(submission, entry, user, first_rows.get(entry.item_id))
        final = entry.values or {}
        for spec, normalize in normalizers[page.project_id]:
            if spec.key not in typed_values:
                continue
            typed = str(typed_values[spec.key] or "").strip()
            approved = str(final.get(spec.key) or "").strip()
            if normalize(typed)[0] != normalize(approved)[0]:
                found.append(Difference(page.project, page, spec, typed, approved,
                                        entry.reviewed_at, entry.row))
    return found


def _typed(submission: Submission, entry: Entry, user: User,
           first_row: int | None) -> dict[str, object]:
    """What the volunteer typed that this entry decides, by key (keys absent: not compared).

    An item's one entry: the submission's values. A list row entry: the header values on the
    item's first row only, and the volunteer's own cells of this row.
    """
    if entry.row == 0:
        return dict(submission.values or {})
    specs = entry.item.project.keyed_fields
    typed: dict[str, object] = {}
    if entry.row == first_row:
        header = submission.values or {}
        typed |= {s.key: header.get(s.key) for s in specs if not is_row_field(s)}
    fields = (entry.reconciled or {}).get("fields") or {}
    voter = str(user.id)
    for spec in specs:
        if not is_row_field(spec):
            continue
        groups = (fields.get(spec.key) or {}).get("groups") or ()
        mine = next((g for g in groups if voter in (g.get("voters") or ())), None)
        if mine is not None:
            typed[spec.key] = mine.get("value")
    return typed
