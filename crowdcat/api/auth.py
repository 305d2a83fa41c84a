"""Bearer-token authentication and JSON errors for the API."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g
from flask import request as flask_request
from flask_babel import gettext as _
from werkzeug.local import LocalProxy

from crowdcat.errors import api_error, refusal_response
from crowdcat.extensions import db
from crowdcat.models import User
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.errors import ServiceError
from crowdcat.services.keying import assignment


def error(status: int, message: Any, *, code: str | None = None,
          fields: dict[str, Any] | None = None) -> Response:
    """A JSON error response in the API's one shape (crowdcat.errors.api_error)."""
    return api_error(status, message, code=code, fields=fields)


def service_error(exc: ServiceError) -> Response:
    """The JSON response for a refused request (the same as when the view raises it)."""
    return refusal_response(exc)  # type: ignore[return-value]  # JSON under /api/


def bearer_token() -> str:
    """The token of the request's `Authorization: Bearer TOKEN` header ("" when none)."""
    scheme, _sep, raw = flask_request.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" else ""


def unauthorized():  # noqa: ANN201
    """The 401 answer to a request without a valid token."""
    response = error(401, _("A valid API token is needed (Authorization: Bearer TOKEN)."))
    response.headers["WWW-Authenticate"] = 'Bearer realm="crowdcat"'
    return response


def use_token_of(user_id: int) -> None:
    """The token's owner is api_user() and current_user for this request only.

    Loaded from the database only when something reads them (a message worded in their
    language, a service that needs the User): most API answers need only the id.
    """
    g.api_user_id = user_id
    # Flask-Login reads g._login_user: no session cookie is written for the API.
    g._login_user = LocalProxy(_loaded_user)


def _loaded_user() -> User:
    """The request's token owner as a User (one query, the first time)."""
    if "api_user" not in g:
        g.api_user = db.session.get(User, g.api_user_id)
    return g.api_user


def token_required(view: Callable) -> Callable:
    """Decorator: the request carries `Authorization: Bearer TOKEN` of an active user.

    The token's use is recorded in the request's write transaction; the view's unit of work
    commits it (crowdcat.unit_of_work), or rolls it back with a refusal.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if flask_request.method == "POST":
            # Every POST writes: open the write transaction before the first read, so that
            # authenticating and the service share it (one commit, no reloads).
            assignment.begin_write(db.session)
        user_id = api_tokens.authenticate(db.session, bearer_token())
        if user_id is None:
            return unauthorized()  # an error status: the unit of work rolls back
        use_token_of(user_id)
        return view(*args, **kwargs)

    return wrapped


def api_user() -> User:
    """The user authenticated by the request's token (loaded on first use)."""
    return _loaded_user()


def api_user_id() -> int:
    """The id of the user authenticated by the request's token (no query)."""
    return g.api_user_id
