"""Bearer-token authentication and JSON errors for the API."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, jsonify
from flask import request as flask_request
from flask_babel import gettext as _

from crowdcat.database import autocommit_statements
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


def token_required(view: Callable | None = None, *, autocommit: bool = False) -> Callable:
    """Decorator: the request carries `Authorization: Bearer TOKEN` of an active user.

    autocommit: on PostgreSQL each statement of the request commits on its own (no BEGIN
    and COMMIT round trips), for views whose writes are single statements
    (database.autocommit_statements); on SQLite the token and what the view reads first are
    read outside the write transaction, which the view opens with
    api_tokens.touch_deferred() before it writes.
    """
    if view is None:
        return lambda inner: token_required(inner, autocommit=autocommit)

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        # autocommit views on SQLite read first and take the write lock only for their
        # writes (api_tokens.touch_deferred() opens it); PostgreSQL commits per statement.
        defer = autocommit and not autocommit_statements(db.session)
        if flask_request.method == "POST" and not autocommit:
            # Every POST writes: open the write transaction before the first read, so that
            # authenticating and the service share it (one commit, no reloads).
            assignment.begin_write(db.session)
        header = flask_request.headers.get("Authorization", "")
        scheme, _sep, raw = header.partition(" ")
        user = (api_tokens.authenticate(db.session, raw.strip(), defer_touch=defer)
                if scheme.lower() == "bearer" else None)
        if user is None:
            db.session.rollback()
            response = error(401, _("A valid API token is needed (Authorization: Bearer TOKEN)."))
            response[0].headers["WWW-Authenticate"] = 'Bearer realm="crowdcat"'
            return response
        g.api_user = user
        # Flask-Login reads g._login_user: the token's user is current_user for this request
        # only (messages in their language), and no session cookie is written.
        g._login_user = user
        return view(*args, **kwargs)

    return wrapped


def api_user() -> User:
    """The user authenticated by the request's token."""
    return g.api_user
