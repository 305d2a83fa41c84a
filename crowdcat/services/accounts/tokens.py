"""Personal API tokens: shown once, stored as a SHA-256 hash, revocable."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from crowdcat.data import is_postgres
from crowdcat.data.prepared import Prepared
from crowdcat.models import ApiToken, User, utcnow
from crowdcat.services import audit
from crowdcat.services.errors import NotFound, ServiceError
from crowdcat.services.keying import assignment

PREFIX = "cc_"
MAX_TOKENS = 20
# last_used_at is only written when older than this: one write per token per minute at most.
USE_RESOLUTION = timedelta(minutes=1)
_USERS = User.__table__
_TOKENS = ApiToken.__table__


def hash_token(raw: str) -> str:
    """The stored form of a token (a long random secret needs no slow hash)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def create(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for `user`; return it and its plain text (never stored, shown once)."""
    name = re.sub(r"\s+", " ", name or "").strip() or str(_l("API token"))
    if len(name) > 80:
        raise ServiceError(_l("Please give a name of 1 to 80 characters."), field="name")
    live = session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    if live >= MAX_TOKENS:
        raise ServiceError(_l("You have too many tokens; revoke one first."), field="name")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(raw))
    session.add(token)
    session.flush()
    audit.record(session, actor=user, action="token.create", object_type="api_token",
                 object_id=token.id, after={"name": name})
    return token, raw


def _token_user():  # noqa: ANN202 - a Select
    """The token's volunteer (active), the token's id and its last use, by token hash."""
    return (select(_USERS.c.id.label("user_id"), _TOKENS.c.id.label("token_id"),
                   _TOKENS.c.last_used_at.label("token_last_used"))
            .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
            .where(_TOKENS.c.token_hash == bindparam("token_hash"),
                   _TOKENS.c.revoked_at.is_(None), _USERS.c.active.is_(True)))


def _token_user_touched():  # noqa: ANN202 - a Select
    """PostgreSQL: _token_user() that also writes a stale last_used_at (one round trip).

    The UPDATE in the WITH clause runs once whatever the SELECT reads; the SELECT sees the
    row as it was before (the statement's snapshot), as the two statements did.
    """
    stale = or_(_TOKENS.c.last_used_at.is_(None),
                _TOKENS.c.last_used_at < bindparam("cutoff", type_=_TOKENS.c.last_used_at.type))
    touched = (update(_TOKENS)
               .where(_TOKENS.c.token_hash == bindparam("token_hash"),
                      _TOKENS.c.revoked_at.is_(None), stale,
                      _TOKENS.c.user_id.in_(select(_USERS.c.id)
                                            .where(_USERS.c.active.is_(True))))
               .values(last_used_at=bindparam("now", type_=_TOKENS.c.last_used_at.type))
               .returning(_TOKENS.c.id).cte("touched"))
    # Referenced, so that SQLAlchemy renders the WITH clause.
    return _token_user().add_columns(
        select(func.count()).select_from(touched).scalar_subquery().label("touched"))


_token_user_query = Prepared(_token_user)
_token_user_touching = Prepared(_token_user_touched)
_touch = Prepared(lambda: update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id")),
                  column_keys=("last_used_at",))


def well_formed(raw: str | None) -> bool:
    """Whether a presented token could be one of ours (else no query is worth making)."""
    return bool(raw) and raw.startswith(PREFIX) and len(raw) <= 200  # type: ignore[union-attr]


def authenticate(session: Session, raw: str) -> int | None:
    """The id of the active user owning this unrevoked token, or None; its use is recorded.

    One indexed query by hash (on PostgreSQL it records the use too); the use is written at
    most once a minute, in the session's write transaction (opened for it if need be; the
    caller commits). No User object is built: the API loads one only to word a message.
    """
    if not well_formed(raw):
        return None
    now = utcnow()
    if is_postgres(session):
        assignment.begin_write(session)
        row = _token_user_touching(session, token_hash=hash_token(raw), now=now,
                                   cutoff=now - USE_RESOLUTION).first()
        return row.user_id if row is not None else None
    row = _token_user_query(session, token_hash=hash_token(raw)).first()
    if row is None:
        return None
    last_used = row.token_last_used
    if last_used is None or now - last_used > USE_RESOLUTION:
        # A write: make it one (SQLite cannot upgrade a reader safely under load); a no-op
        # when the caller already opened the write transaction.
        assignment.begin_write(session)
        _touch(session, token_id=row.token_id, last_used_at=now)
    return row.user_id


def revoke(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_l("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor=user, action="token.revoke", object_type="api_token",
                     object_id=token.id)
    session.flush()
    return token


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens, newest first."""
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))
