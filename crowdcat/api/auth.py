"""Bearer-token authentication and JSON errors for the API."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, jsonify
from flask import request as flask_request
from flask_babel import gettext as _

from crowdcat.extensions import db
from crowdcat.models import User
from crowdcat.services import api_tokens, assignment
from crowdcat.services.errors import Conflict, Forbidden, NotFound, ServiceError
from crowdcat.services.validation import InvalidValues


def error(status: int, message: str, **extra: Any):  # noqa: ANN201
    """A JSON error response."""
    return jsonify(error=status, message=message, **extra), status


def service_error(exc: ServiceError):  # noqa: ANN201
    """The JSON response for a refused request."""
    if isinstance(exc, InvalidValues):
        return error(422, str(exc), errors={k: str(v) for k, v in exc.errors.items()})
    status = {NotFound: 404, Conflict: 409, Forbidden: 403}.get(type(exc))
    if status is None:
        status = 409 if isinstance(exc, Conflict) else 400
    return error(status, str(exc))


def bearer_token() -> str:
    """The token of the request's `Authorization: Bearer TOKEN` header ("" when none)."""
    scheme, _sep, raw = flask_request.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else ""


def unauthorized():  # noqa: ANN201
    """The 401 answer to a request without a valid token."""
    response = error(401, _("A valid API token is needed (Authorization: Bearer TOKEN)."))
    response[0].headers["WWW-Authenticate"] = 'Bearer realm="crowdcat"'
    return response


def use_token_of(user_id: int) -> User:
    """Make the token's owner the request's user (loaded by id, for messages in their language)."""
    user = db.session.get(User, user_id)
    _set_user(user)
    return user


def _set_user(user: User) -> None:
    """The token's user is api_user() and current_user for this request only."""
    g.api_user = user
    # Flask-Login reads g._login_user: messages in their language, no session cookie written.
    g._login_user = user


def token_required(view: Callable) -> Callable:
    """Decorator: the request carries `Authorization: Bearer TOKEN` of an active user."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if flask_request.method == "POST":
            # Every POST writes: open the write transaction before the first read, so that
            # authenticating and the service share it (one commit, no reloads).
            assignment.begin_write(db.session)
        user = api_tokens.authenticate(db.session, bearer_token())
        if user is None:
            db.session.rollback()
            return unauthorized()
        _set_user(user)
        return view(*args, **kwargs)

    return wrapped


def api_user() -> User:
    """The user authenticated by the request's token."""
    return g.api_user
