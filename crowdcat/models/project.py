"""Projects and their ordered catalog fields."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdcat.models.base import Base, JSONType, enum_column, utcnow


class ProjectStatus(enum.StrEnum):
    """Life cycle of a project; only active projects are offered to volunteers."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class FieldKind(enum.StrEnum):
    """How a field is keyed, validated and compared."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    DATE = "date"
    SELECT = "select"
    REFERENCE = "reference"


DEFAULT_REFERENCE_FORMAT = "{fonds_no}-{catalog_no}-{volume_no}-{item_no}"


class Project(Base):
    """A body of scans described with one field template."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    instructions: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column(ProjectStatus, "project_status"), default=ProjectStatus.DRAFT
    )
    agree_needed: Mapped[int] = mapped_column(default=2)
    max_submissions: Mapped[int] = mapped_column(default=5)
    reservation_minutes: Mapped[int] = mapped_column(default=30)
    weighted_votes: Mapped[bool] = mapped_column(default=False)
    allow_self_review: Mapped[bool] = mapped_column(default=False)
    # Whether OCR may read the project's restricted pages (their text is still staff-only).
    ocr_restricted: Mapped[bool] = mapped_column(default=False)
    # Whether the keying screen shows OCR suggestions beside fields with an extractor.
    ocr_suggestions: Mapped[bool] = mapped_column(default=False)
    # How the archival reference (檔號) is composed from the reference-part fields.
    reference_format: Mapped[str] = mapped_column(
        sa.String(200), default=DEFAULT_REFERENCE_FORMAT
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    fields: Mapped[list[FieldSpec]] = relationship(
        back_populates="project",
        order_by="FieldSpec.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        sa.CheckConstraint("agree_needed >= 1", name="agree_positive"),
        sa.CheckConstraint("max_submissions >= agree_needed", name="max_at_least_agree"),
        sa.CheckConstraint("max_submissions <= 50", name="max_bounded"),
        sa.CheckConstraint("reservation_minutes BETWEEN 1 AND 1440", name="reservation_range"),
    )

    @property
    def keyed_fields(self) -> list[FieldSpec]:
        """Fields volunteers type (the composed reference is not keyed)."""
        return [f for f in self.fields if f.keyed]


class FieldSpec(Base):
    """One catalog field of a project, in the project's order."""

    __tablename__ = "field_specs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[FieldKind] = mapped_column(enum_column(FieldKind, "field_kind"))
    # {"zh_Hant": "題名", "zh_Hans": "题名", "en": "Title"}; the same shape for help.
    labels: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    help: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    required: Mapped[bool] = mapped_column(default=False)
    keyed: Mapped[bool] = mapped_column(default=True)
    choices: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Normalization options: fold_variants, fuzzy_threshold, blank_values, default.
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    project: Mapped[Project] = relationship(back_populates="fields")

    __table_args__ = (
        sa.UniqueConstraint("project_id", "key"),
        sa.CheckConstraint("position >= 0", name="position_non_negative"),
    )

    def label(self, locale: str) -> str:
        """The label in `locale`, falling back to Traditional Chinese, then the key."""
        return self.labels.get(locale) or self.labels.get("zh_Hant") or self.key

    def help_text(self, locale: str) -> str:
        """The help text in `locale`, falling back to Traditional Chinese."""
        return self.help.get(locale) or self.help.get("zh_Hant") or ""
