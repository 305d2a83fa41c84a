"""For volunteers: where their keying differed from the value a reviewer approved."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from crowdcat.models import Entry, EntryStatus, FieldSpec, Item, Project, Submission, User
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
    for submission, entry in session.execute(stmt):
        page = entry.item
        if page.project_id not in normalizers:
            normalizers[page.project_id] = [
                (spec, field_rule(spec).normalizer) for spec in page.project.keyed_fields
            ]
        typed_values = submission.values or {}
        final = entry.values or {}
        for spec, normalize in normalizers[page.project_id]:
            typed = str(typed_values.get(spec.key) or "").strip()
            approved = str(final.get(spec.key) or "").strip()
            if normalize(typed)[0] != normalize(approved)[0]:
                found.append(
                    Difference(page.project, page, spec, typed, approved, entry.reviewed_at)
                )
    return found
