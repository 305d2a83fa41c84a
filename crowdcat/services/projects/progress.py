"""How far a project's items have come: never keyed, keying, review, conflict, approved.

Items (件) are counted, each once: a list item's row entries move together, so its stage is
that of its first row. The catalog entries approved are counted too (``entries``): one per
approved item, or one per approved row of a list item.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from crowdcat.models import Entry, EntryStatus, Item

STAGES = ("new", "keying", "review", "conflict", "approved", "rejected")


@dataclass
class Progress:
    """Item counts per stage of one project, and its approved catalog entries."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    entries: int = 0  # approved catalog entries (rows of list items counted one by one)

    @property
    def total(self) -> int:
        """All items."""
        return sum(self.counts.values())

    def share(self, stage: str) -> float:
        """The stage's share of all items, in percent."""
        return 100.0 * self.counts[stage] / self.total if self.total else 0.0

    @property
    def done_percent(self) -> int:
        """Approved (or set aside as not an entry), in whole percent."""
        done = self.counts["approved"] + self.counts["rejected"]
        return int(100 * done / self.total) if self.total else 0


def project_progress(session: Session, project_ids: Iterable[int]) -> dict[int, Progress]:
    """Progress of several projects in one grouped query."""
    ids = list(project_ids)
    result = {pid: Progress() for pid in ids}
    if not ids:
        return result
    stage = case(
        (Entry.status == EntryStatus.REVIEW, "review"),
        (Entry.status == EntryStatus.CONFLICT, "conflict"),
        (Entry.status == EntryStatus.APPROVED, "approved"),
        (Entry.status == EntryStatus.REJECTED, "rejected"),
        (Item.submission_count > 0, "keying"),
        (Entry.status == EntryStatus.KEYING, "keying"),
        else_="new",
    )
    rows = session.execute(
        select(Item.project_id, stage, func.count())
        .select_from(Item)
        # Row 0: an item's one entry; row 1: a list item's first (it always has one).
        .outerjoin(Entry, and_(Entry.item_id == Item.id, Entry.row <= 1))
        .where(Item.project_id.in_(ids)).group_by(Item.project_id, stage)
    )
    for project_id, name, count in rows:
        result[project_id].counts[name] += count
    approved = session.execute(
        select(Entry.project_id, func.count()).where(
            Entry.project_id.in_(ids), Entry.status == EntryStatus.APPROVED)
        .group_by(Entry.project_id))
    for project_id, count in approved:
        result[project_id].entries = count
    return result
