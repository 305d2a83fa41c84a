"""The catalog entry of a page: reconciled proposal, then reviewed final values."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdcat.models.base import Base, JSONType, enum_column, utcnow
from crowdcat.models.item import Item, item_project_key
from crowdcat.models.user import User


class EntryStatus(enum.StrEnum):
    """Where an entry stands between keying and the finished catalog."""

    KEYING = "keying"          # the page still collects submissions
    REVIEW = "review"          # every field decided; waits for a reviewer
    CONFLICT = "conflict"      # maximum reached without agreement; a reviewer decides
    APPROVED = "approved"      # in the catalog
    REJECTED = "rejected"      # not a catalog entry (blank or illegible page)


class Entry(Base):
    """One catalog entry per item, or per listed row of a list item (row 1..n)."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column()
    # 0: the item's one entry (normal projects); 1..n: the n-th reconciled row of a list item.
    row: Mapped[int] = mapped_column(server_default=sa.text("0"))
    project_id: Mapped[int]  # always the page's project (page_project_key())
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus, "entry_status"), default=EntryStatus.KEYING
    )
    # PageResult.to_dict() of the last reconciliation: per field value, status, groups, votes.
    # A list item's row entry holds its row's PageResult dict plus "header" (the header's
    # PageResult dict) and "list" ({"rows_decided", "row_counts", "row_count_agreed",
    # "row_total"}): see services/reconciliation/entries.py.
    reconciled: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Final values per field, set by review; NULL until reviewed.
    values: Mapped[dict[str, Any] | None] = mapped_column("final_values", JSONType)
    # Facts about the final values, stamped at approval (services/reconciliation/facts.py): the ISO
    # readings of values that read as dates, {key: [iso, precision]}; whether every value
    # goes into a spreadsheet as it is; the fingerprint of the code that worked them out.
    final_dates: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    final_plain: Mapped[bool | None]
    facts_tag: Mapped[str | None] = mapped_column(sa.String(16))
    submission_count: Mapped[int] = mapped_column(default=0)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic concurrency: two reviewers cannot overwrite each other silently.
    version: Mapped[int] = mapped_column(default=1)

    item: Mapped[Item] = relationship(foreign_keys=[item_id])
    reviewer: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        item_project_key(),
        sa.UniqueConstraint("item_id", "row"),
        sa.CheckConstraint("\"row\" >= 0", name="row_non_negative"),
        sa.CheckConstraint(
            "status <> 'approved' OR (final_values IS NOT NULL AND reviewer_id IS NOT NULL"
            " AND reviewed_at IS NOT NULL)",
            name="approved_has_review",
        ),
        sa.Index("ix_entries_project_status", "project_id", "status", "updated_at"),
        sa.Index("ix_entries_approved", "project_id", "status", "reviewed_at"),
        # Finds stale facts with index probes, not a scan (entry_facts.has_stale).
        sa.Index("ix_entries_facts", "project_id", "status", "facts_tag"),
    )
