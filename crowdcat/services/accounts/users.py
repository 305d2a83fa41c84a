"""Accounts: creating users, checking passwords, changing roles."""
from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdcat.config import LOCALES
from crowdcat.models import Role, User
from crowdcat.models.user import new_session_token
from crowdcat.services import audit
from crowdcat.services.errors import Conflict, ServiceError

MIN_PASSWORD_LENGTH = 10
# Argon2id with the library's RFC 9106 low-memory defaults.
_hasher = PasswordHasher()
# A few passwords so common that length alone does not stop them.
_COMMON = {"1234567890", "0123456789", "password123", "qwertyuiop", "abcdefghij", "1111111111"}


def normalize_email(raw: str) -> str:
    """Validate an e-mail address's syntax and return it lower-cased."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ServiceError(_l("This is not a valid e-mail address."), field="email") from exc
    return result.normalized.lower()


def check_password_strength(password: str, email: str = "") -> None:
    """Refuse short, common or e-mail-like passwords."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 4 or (email and email.split("@")[0] in lowered):
        raise ServiceError(_l("This password is too easy to guess."), field="password")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.VOLUNTEER,
    locale: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an account after validating every input; raise ServiceError otherwise."""
    email = normalize_email(email)
    display_name = re.sub(r"\s+", " ", display_name).strip()
    if not display_name or len(display_name) > 80:
        raise ServiceError(_l("Please give a name of 1 to 80 characters."), field="display_name")
    check_password_strength(password, email)
    if locale is not None and locale not in LOCALES:
        raise ServiceError(_l("Unknown language."), field="locale")
    if session.scalar(select(func.count()).where(User.email == email)):
        raise Conflict(_l("An account with this e-mail address already exists."), field="email")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        locale=locale,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor=actor or user, action="user.create", object_type="user",
        object_id=user.id, after={"email": email, "role": role.value},
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same answer for every failure)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change a password after checking the current one; logs out other sessions."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as exc:
        raise ServiceError(_l("The current password is wrong."), field="current") from exc
    check_password_strength(new, user.email)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    audit.record(session, actor=user, action="user.password", object_type="user", object_id=user.id)
    session.flush()


def set_role(session: Session, user: User, role: Role, *, actor: User) -> None:
    """Give a user a new role and end their sessions; an admin cannot demote themselves."""
    if user.id == actor.id and role != Role.ADMIN:
        raise ServiceError(_l("You cannot remove your own administrator role."), field="role")
    before = user.role
    if role == before:
        return
    user.role = role
    user.session_token = new_session_token()  # their sessions end: they log in anew
    audit.record(
        session, actor=actor, action="user.role", object_type="user", object_id=user.id,
        before={"role": before.value}, after={"role": role.value},
    )
    session.flush()


def end_sessions(session: Session, user: User) -> None:
    """End every log-in session of `user` (their session cookies stop opening pages)."""
    user.session_token = new_session_token()
    session.flush()


def set_active(session: Session, user: User, active: bool, *, actor: User | None) -> bool:
    """Deactivate or reactivate an account; False when it already was so.

    A deactivated user's sessions end at once and their API tokens stop working (both are
    refused for inactive users); their submissions and reviews stay. An admin cannot
    deactivate their own account, and the last active administrator cannot be deactivated.
    `actor` is None from the command line.
    """
    if user.active == active:
        return False
    if not active:
        if actor is not None and user.id == actor.id:
            raise ServiceError(_l("You cannot deactivate your own account."), field="active")
        if user.role == Role.ADMIN and session.scalar(
                select(func.count()).select_from(User)
                .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)) == 0:
            raise Conflict(_l("The last active administrator cannot be deactivated."),
                           field="active")
        user.session_token = new_session_token()
    user.active = active
    audit.record(
        session, actor=actor, action="user.activate" if active else "user.deactivate",
        object_type="user", object_id=user.id, before={"active": not active},
        after={"active": active}, reason="" if actor is not None else "command line",
    )
    session.flush()
    return True


def set_locale(session: Session, user: User, locale: str) -> None:
    """Remember a user's UI language."""
    if locale not in LOCALES:
        raise ServiceError(_l("Unknown language."), field="locale")
    user.locale = locale
    session.flush()
