"""Reviewing a list item as a whole: its row entries approved or sent back together.

A list item's entries (rows 1..n, services/reconciliation/entries.py) are one decision for
the reviewer: approve_list() approves every row with the cells the reviewer corrected (a
header correction applies to every row), send_back_list() reopens the item for more
volunteers. Each row is decided by decisions.approve/send_back, version-checked and audited
one by one; a refusal of any row refuses the whole (the unit of work rolls back).
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.models import Entry, Item, User
from crowdcat.services.review import decisions
from crowdcat.services.review.values import InvalidValues


def item_entries(session: Session, item: Item) -> list[Entry]:
    """The item's entries in list order (row 0 alone for a normal item)."""
    return list(session.scalars(select(Entry).where(Entry.item_id == item.id)
                                .order_by(Entry.row)))


def approve_list(session: Session, item: Item, reviewer: User, versions: Mapping[int, int], *,
                 header: Mapping[str, str | None] | None = None,
                 cells: Mapping[int, Mapping[str, str | None]] | None = None,
                 reason: str = "") -> dict[int, list[str]]:
    """Approve every row entry of a list item; the corrected keys per row.

    `versions`: each entry's version as the reviewer saw it, by row; `cells`: corrected
    values by row; `header`: corrected header values, for every row.
    """
    changed: dict[int, list[str]] = {}
    for entry in item_entries(session, item):
        values = {**(header or {}), **((cells or {}).get(entry.row) or {})}
        try:
            changed[entry.row] = decisions.approve(session, entry, reviewer, values or None,
                                                   versions.get(entry.row, -1), reason=reason)
        except InvalidValues as exc:  # named by row, as the keying form names cells
            raise InvalidValues({f"rows.{entry.row}.{key}": message
                                 for key, message in exc.errors.items()}) from exc
    return changed


def send_back_list(session: Session, item: Item, reviewer: User, reason: str,
                   versions: Mapping[int, int], *, extra: int = 1) -> None:
    """Reopen a list item for `extra` more volunteers; all its rows go back to keying."""
    for entry in item_entries(session, item):
        decisions.send_back(session, entry, reviewer, reason, versions.get(entry.row, -1),
                            extra=extra)
