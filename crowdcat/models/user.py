"""Accounts: users with a role, and their personal API tokens."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crowdcat.models.base import Base, enum_column, utcnow


class Role(enum.StrEnum):
    """What a user may do; each role includes the ones before it."""

    VOLUNTEER = "volunteer"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Order of privilege (volunteer < reviewer < admin)."""
        return list(Role).index(self)

    def may(self, permission: Permission) -> bool:
        """Whether this role holds `permission` (PERMISSIONS)."""
        return self in PERMISSIONS[permission]


class Permission(enum.StrEnum):
    """A right given to roles by name rather than by rank (README: Roles and permissions)."""

    # Download a project's approved catalog (CSV, JSON Lines): the archive's finished work
    # leaves the system, so staff only; every export is audited.
    EXPORT = "export"


# Who holds each permission. Reviewers export: they approve the entries an export is made of
# and hand the catalog on to the archive's management system; admins hold every permission.
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.EXPORT: frozenset({Role.REVIEWER, Role.ADMIN}),
}


def new_session_token() -> str:
    """A random token naming the user's current log-in sessions."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Base):
    """A person who keys, reviews or administers."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.VOLUNTEER)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    # Names the user's live log-in sessions: rotated on log-out, password or role change and
    # deactivation, so that every session cookie carrying the old value stops working.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower"),)

    def get_id(self) -> str:
        """Flask-Login identifier: the session token, not the primary key."""
        return self.session_token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Deactivated accounts cannot log in."""
        return self.active

    def has_role(self, role: Role) -> bool:
        """True when the user's role is `role` or above."""
        return self.role.rank >= role.rank

    @property
    def is_staff(self) -> bool:
        """Reviewers and admins are archive staff."""
        return self.has_role(Role.REVIEWER)

    def may(self, permission: Permission) -> bool:
        """Whether this active user's role holds `permission`."""
        return self.active and self.role.may(permission)

    @property
    def can_export(self) -> bool:
        """Whether the user may export a project's catalog (Permission.EXPORT)."""
        return self.may(Permission.EXPORT)


class ApiToken(Base):
    """A personal API token; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")
