"""The keying screen's live date hint, for a signed-in volunteer or an API token's owner.

The keying screen's script calls it with the site's session cookie (api/session.py reads
that cookie, without ever writing it, for this address alone); API clients send their
bearer token. Anyone else gets 401: the parser is no public service.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from crowdcat.api import bp
from crowdcat.api.auth import bearer_token, error, use_token_of
from crowdcat.extensions import db
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.reconciliation.normalization import parse_date
from crowdcat.unit_of_work import unit_of_work

# Longer than any date as written (民國三十七年五月十日 is 10 characters).
MAX_DATE_LENGTH = 100


def session_or_token(view: Callable) -> Callable:
    """Decorator: a signed-in user (session cookie) or a valid bearer token, else 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        user_id = api_tokens.authenticate(db.session, token) if token else None
        if user_id is not None:
            use_token_of(user_id)
        elif token or not current_user.is_authenticated:
            response = error(401, _("Sign in, or send a valid API token "
                                    "(Authorization: Bearer TOKEN)."), code="unauthorized")
            response.headers["WWW-Authenticate"] = 'Bearer realm="crowdcat"'
            return response
        return view(*args, **kwargs)

    return wrapped


@bp.route("/parse-date")
@unit_of_work  # a token's use
@session_or_token
def parse_date_hint():
    """How a typed date is read: {"iso", "precision"} or nulls (the keying screen's live hint)."""
    value = request.args.get("value", "")
    if len(value) > MAX_DATE_LENGTH:
        message = _("A date is at most %(n)d characters long.", n=MAX_DATE_LENGTH)
        return error(422, message, code="too_long", fields={"value": message})
    parsed = parse_date(value)
    return jsonify(iso=parsed.iso if parsed else None,
                   precision=parsed.precision if parsed else None)
