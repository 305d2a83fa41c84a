"""Flask-Login wiring and role guards for views."""
from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, flash, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy import select

from crowdcat.extensions import db
from crowdcat.models import Role, User
from crowdcat.models.user import Permission


def init_login(app: Flask, manager: LoginManager) -> None:
    """Load users by their session token; send visitors to the log-in page."""
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(token: str) -> User | None:
        if not _session_is_current(time.time()):
            _forget_login()
            return None
        return db.session.scalar(
            select(User).where(User.session_token == token, User.active.is_(True)))


# The last-seen time in the session cookie is rewritten at most this often (seconds).
SEEN_RESOLUTION = 60


def stamp_login(now: float | None = None) -> None:
    """Record in the session when its log-in began (for the idle and absolute timeouts)."""
    now = int(now if now is not None else time.time())
    session["_login_at"] = session["_seen_at"] = now


def _session_is_current(now: float) -> bool:
    """Whether the session's log-in is within the idle and absolute timeouts (and mark it seen).

    A session without a log-in time (one restored from a remember-me cookie, or older than
    these timeouts) is not current: its user logs in again.
    """
    login_at, seen_at = session.get("_login_at"), session.get("_seen_at")
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False
    config = current_app.config
    if (now - login_at > config["SESSION_MAX_HOURS"] * 3600
            or now - seen_at > config["SESSION_IDLE_MINUTES"] * 60):
        return False
    if now - seen_at >= SEEN_RESOLUTION:
        session["_seen_at"] = int(now)
    return True


def _forget_login() -> None:
    """Drop an expired log-in from the session (and any remember-me cookie) and say so."""
    had_login = "_login_at" in session
    for key in ("_user_id", "_fresh", "_id", "_login_at", "_seen_at"):
        session.pop(key, None)
    session["_remember"] = "clear"
    if had_login:
        flash(str(_l("Your session has ended after a time without activity or at its time "
                     "limit. Please log in again.")), "info")


def role_required(role: Role) -> Callable:
    """Decorator: the view needs a logged-in user with `role` or above (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from flask import current_app

                return current_app.login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def permission_required(permission: Permission) -> Callable:
    """Decorator: the view needs a logged-in user whose role holds `permission` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from flask import current_app

                return current_app.login_manager.unauthorized()
            if not current_user.may(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
