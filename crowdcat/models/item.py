"""Items (件, an archival file of one or more scanned images) and the reservations that hand
them to volunteers."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdcat.models.base import Base, JSONType, enum_column, utcnow
from crowdcat.models.project import Project, ProjectStatus

# Page.full_until of a page not known to be full: the epoch, as the migration's triggers set it.
NOT_FULL = datetime(1970, 1, 1, tzinfo=UTC)
# NOT_FULL as a constant of each database's SQL, as stored (the partial indexes' predicates).
NOT_FULL_SQL = {"postgresql": "'1970-01-01 00:00:00+00'", "sqlite": "'1970-01-01 00:00:00.000000'"}


class Access(enum.StrEnum):
    """Who may see a page: open items go to the crowd, restricted ones to staff only."""

    OPEN = "open"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class CrowdRule:
    """When a page is open to the crowd: marked `access`, in a project of `project_status`.

    Written once (OPEN_TO_CROWD) and asked in the form each caller needs: a Python check of
    the values at hand, or SQL of the page's and the project's columns. The SQL writes the
    constants into the statement (no parameters), so that the planners match it with the
    partial indexes' predicates and prepared statements stay one text. Callers that already
    checked the project once per request (the keying snapshot) ask the page's half only.
    """

    access: Access
    project_status: ProjectStatus

    def page_allows(self, access: Access | str) -> bool:
        """The page's half: whether a page of this access level may reach volunteers."""
        return access == self.access

    def project_allows(self, status: ProjectStatus | str) -> bool:
        """The project's half: whether a project in this status is offered to volunteers."""
        return status == self.project_status

    def allows(self, access: Access | str, project_status: ProjectStatus | str) -> bool:
        """Whether a page of `access` in a project of `project_status` is open to the crowd."""
        return self.page_allows(access) and self.project_allows(project_status)

    def page_sql(self, access_column: Any) -> sa.ColumnElement[bool]:
        """The page's half as SQL of a items.access column (ORM attribute or Core column)."""
        return access_column == sa.literal_column(f"'{self.access.value}'")

    def project_sql(self, status_column: Any) -> sa.ColumnElement[bool]:
        """The project's half as SQL of a projects.status column."""
        return status_column == sa.literal_column(f"'{self.project_status.value}'")

    def sql(self, access_column: Any, status_column: Any) -> sa.ColumnElement[bool]:
        """The whole rule as SQL (the caller joins the page to its project)."""
        return sa.and_(self.page_sql(access_column), self.project_sql(status_column))

    @property
    def page_predicate(self) -> str:
        """The page's half as SQL text of an unqualified `access` (partial index predicates)."""
        return f"access = '{self.access.value}'"


# The one definition of "a page is open to the crowd" (issue 14): every route, service and
# query that decides whether volunteers may see or key a page asks it.
OPEN_TO_CROWD = CrowdRule(access=Access.OPEN, project_status=ProjectStatus.ACTIVE)
# The pages a volunteer may be given, as SQL text (the partial indexes' predicates).
OPEN_FOR_KEYING = f"status = 'keying' AND {OPEN_TO_CROWD.page_predicate}"


class ItemStatus(enum.StrEnum):
    """Whether a page still wants keying."""

    KEYING = "keying"
    DONE = "done"


class Item(Base):
    """One archival file (件) of a project: its ordered images (頁), keyed into one entry."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    # The item's name as delivered (its sub-folder, file-name stem or manifest label): what
    # groups images into it on a re-import, and what staff see of it before it is described.
    reference: Mapped[str] = mapped_column(sa.String(500), default="")
    access: Mapped[Access] = mapped_column(enum_column(Access, "access"), default=Access.OPEN)
    status: Mapped[ItemStatus] = mapped_column(
        enum_column(ItemStatus, "item_status"), default=ItemStatus.KEYING
    )
    # Counters kept by the submission service so that "next page" needs no aggregate.
    submission_count: Mapped[int] = mapped_column(default=0)
    # How many submissions the page wants in all right now (agree_needed, raised on disagreement).
    wanted: Mapped[int] = mapped_column(default=2)
    # Values known before keying (reference parts from an import's metadata CSV).
    prefill: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A hint kept by triggers in the database (migration 0002), read by "next page" only:
    # live reservations fill the page until at least this time, so the assignment scan passes
    # it by without counting them. Set when a reservation fills the page (the earliest expiry
    # of its holds); back to NOT_FULL when a reservation is deleted or the page's counters,
    # status or access change. NOT_FULL (a time long past): not known to be full.
    full_until: Mapped[datetime] = mapped_column(default=NOT_FULL)

    project: Mapped[Project] = relationship()
    # The item's images in their order (頁 1, 2, ...).
    images: Mapped[list[Image]] = relationship(
        back_populates="item", order_by="Image.position", cascade="all, delete-orphan",
        passive_deletes=True)

    __table_args__ = (
        sa.UniqueConstraint("project_id", "sequence"),
        # Import finds the item an image belongs to by its reference.
        sa.Index("ix_items_project_reference", "project_id", "reference"),
        # The parent key of the (page_id, project_id) foreign keys of reservations, submissions
        # and entries (migration 0005): their project is always their page's project. A unique
        # index, not a constraint: SQLite would have to rebuild this table to add a constraint.
        sa.Index("uq_items_id_project_id", "id", "project_id", unique=True),
        sa.CheckConstraint("submission_count >= 0", name="submission_count_non_negative"),
        sa.CheckConstraint("wanted >= 1", name="wanted_positive"),
        # The assignment scan (keying_sql.candidate(), migration 0004): pages open for keying
        # and not known to be full, in assignment order; and those whose filling holds lapsed.
        sa.Index("ix_items_free", "project_id", sa.text("submission_count DESC"), "sequence",
                 postgresql_where=sa.text(f"{OPEN_FOR_KEYING} AND full_until = "
                                          f"{NOT_FULL_SQL['postgresql']}"),
                 sqlite_where=sa.text(f"{OPEN_FOR_KEYING} AND full_until = "
                                      f"{NOT_FULL_SQL['sqlite']}")),
        sa.Index("ix_items_lapsed", "project_id", "full_until",
                 postgresql_where=sa.text(f"{OPEN_FOR_KEYING} AND full_until > "
                                          f"{NOT_FULL_SQL['postgresql']}"),
                 sqlite_where=sa.text(f"{OPEN_FOR_KEYING} AND full_until > "
                                      f"{NOT_FULL_SQL['sqlite']}")),
    )


class Image(Base):
    """One scanned image (頁) of an item, at its place in the item."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column()
    project_id: Mapped[int]  # always the item's project (item_project_key())
    # 1, 2, ... within the item: the order a reader turns the pages in.
    position: Mapped[int]
    image_key: Mapped[str] = mapped_column(sa.String(200))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int] = mapped_column(sa.BigInteger)
    original_name: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(back_populates="images", foreign_keys=[item_id])

    __table_args__ = (
        sa.ForeignKeyConstraint(["item_id", "project_id"], ["items.id", "items.project_id"],
                                ondelete="CASCADE"),
        # A scan is imported once per project (idempotent imports, by content).
        sa.UniqueConstraint("project_id", "content_hash"),
        sa.UniqueConstraint("item_id", "position"),
        sa.CheckConstraint("width > 0 AND height > 0", name="size_positive"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
    )


def item_project_key() -> sa.ForeignKeyConstraint:
    """(item_id, project_id) -> the item's (id, project_id): a row's project is its item's.

    It stands for the foreign keys to items and to projects both (the item's own key to its
    project, deleted with it, covers the second): one check per inserted row, and no lock on
    the project row by every transaction that inserts one.
    """
    return sa.ForeignKeyConstraint(["item_id", "project_id"], ["items.id", "items.project_id"],
                                   ondelete="CASCADE")


class Reservation(Base):
    """A page held for one volunteer until `expires_at`."""

    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column()
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # Always the page's project (page_project_key()); kept for the one-hold-per-project rule.
    project_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    item: Mapped[Item] = relationship(foreign_keys=[item_id])

    __table_args__ = (
        item_project_key(),
        # A volunteer holds at most one page of a project at a time.
        sa.UniqueConstraint("user_id", "project_id"),
        sa.Index("ix_reservations_item_expires", "item_id", "expires_at"),
    )
