"""Flask-Login wiring and role guards for views."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy import select

from crowdcat.extensions import db
from crowdcat.models import Role, User


def init_login(app: Flask, manager: LoginManager) -> None:
    """Load users by their session token; send visitors to the log-in page."""
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(token: str) -> User | None:
        return db.session.scalar(select(User).where(User.session_token == token))


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
