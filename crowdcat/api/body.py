"""Reading an API request's JSON body, and saying plainly what is wrong with one.

The body is read by orjson (crowdcat.jsonio) on the fast path; only a body that did not
give a JSON object is looked at again, to tell the client whether it is not UTF-8, holds
a lone surrogate escape (half of a character, such as "\\ud800"), is no JSON at all, or is
JSON of the wrong shape. A body naming more than a few keys is refused with one message
(a submission has "values" or "skip"): nothing is echoed per key.
"""
from __future__ import annotations

from typing import Any

import orjson
from flask import request
from flask_babel import lazy_gettext as _l

# Top-level keys a submission body may have: "values" or "skip", and room for a client's
# own extras (a duration, a started time) that are ignored.
MAX_BODY_KEYS = 10


class BodyRefused(Exception):
    """The body is not a JSON object the endpoint can read; `message` says why."""

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object of at most MAX_BODY_KEYS keys, or BodyRefused."""
    body = request.get_json(silent=True)
    if body is None:
        body = _diagnosed()
    if not isinstance(body, dict):
        raise BodyRefused(_l('Send a JSON object with either "values" or "skip".'),
                          "bad_request")
    if len(body) > MAX_BODY_KEYS:
        raise BodyRefused(_l('The body has %(n)d keys; a submission has "values" or "skip" '
                             '(at most %(max)d keys in all).', n=len(body), max=MAX_BODY_KEYS),
                          "too_many_keys")
    return body


def _diagnosed() -> Any:
    """Why the body gave no JSON, as BodyRefused (or None when it is not sent as JSON)."""
    if not request.is_json:
        return None
    data = request.get_data(cache=True)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyRefused(_l("The body is not valid UTF-8 text (bytes at position %(at)d are "
                             "no character). Send JSON encoded as UTF-8.", at=exc.start),
                          "invalid_encoding") from exc
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "surrogate" in exc.msg:
            raise BodyRefused(_l(
                "The body's JSON has a lone surrogate escape at line %(line)d, column "
                "%(column)d (such as \\ud800: half of a character that needs two escapes). "
                "JSON text must be valid Unicode: send the character itself, or both halves.",
                line=exc.lineno, column=exc.colno), "invalid_json") from exc
        raise BodyRefused(_l("The body is not valid JSON (line %(line)d, column %(column)d).",
                             line=exc.lineno, column=exc.colno), "invalid_json") from exc
