"""What one volunteer keyed (or skipped) for one page."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdcat.models.base import Base, JSONType, enum_column, utcnow
from crowdcat.models.item import Item, item_project_key
from crowdcat.models.user import User


class SkipReason(enum.StrEnum):
    """Why a volunteer skipped a page."""

    ILLEGIBLE = "illegible"
    BLANK = "blank"
    NOT_CATALOG = "not_catalog"
    OTHER = "other"


class Submission(Base):
    """One volunteer's keyed values for one page; one per page and volunteer."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int]  # always the page's project (page_project_key())
    # {field key: value as typed}; NULL when the page was skipped.
    values: Mapped[dict[str, str] | None] = mapped_column("typed_values", JSONType)
    # List items: the rows as typed, each {row field key: value as typed}, ditto marks kept;
    # `values` then holds the header fields. NULL for normal items and for skips.
    typed_rows: Mapped[list[dict[str, str]] | None] = mapped_column(JSONType)
    skip_reason: Mapped[SkipReason | None] = mapped_column(enum_column(SkipReason, "skip_reason"))
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    duration_seconds: Mapped[int | None]

    item: Mapped[Item] = relationship(foreign_keys=[item_id])
    user: Mapped[User] = relationship()

    __table_args__ = (
        item_project_key(),
        sa.UniqueConstraint("item_id", "user_id"),
        sa.CheckConstraint(
            "(typed_values IS NULL) <> (skip_reason IS NULL)", name="values_xor_skip"
        ),
        sa.CheckConstraint("duration_seconds >= 0", name="duration_non_negative"),
        sa.Index("ix_submissions_user_project", "user_id", "project_id", "submitted_at"),
    )

    @property
    def skipped(self) -> bool:
        """True when the volunteer skipped the page instead of keying it."""
        return self.skip_reason is not None
