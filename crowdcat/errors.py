"""Error pages in the user's language, and the API's one JSON error shape.

Every error answer is made here. Under /api/ it is JSON:
`{"error": {"code": "<short machine code>", "message": "<text>", "fields": {...}}}`
(`fields`, field key -> message, only when the refusal names fields); elsewhere an HTML page.
The domain's refusals (crowdcat.services.errors) map to statuses in one place, STATUS_OF.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crowdcat.extensions import db
from crowdcat.services.errors import Conflict, Forbidden, NotFound, ServiceError

API_PREFIX = "/api/"

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Nothing was changed.")),
    401: (_l("Sign-in needed"), _l("Please sign in first.")),
    403: (_l("Not allowed"), _l("Your account may not open this page.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Not possible now"),
          _l("This clashes with a change made meanwhile. Nothing was changed.")),
    413: (_l("Too large"), _l("The upload is larger than this server accepts. Nothing was saved.")),
    415: (_l("Unsupported format"),
          _l("This address does not accept content of that type. Nothing was changed.")),
    422: (_l("Cannot process"), _l("Some values could not be accepted. Nothing was saved.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("The error was logged; nothing was half-saved.")),
}

# The API's machine codes of the statuses (a refusal's own code, e.g. "already_submitted",
# takes precedence: ServiceError.code).
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid", 429: "too_many_requests",
    500: "internal_error",
}

# The domain's refusals as HTTP statuses, most specific first; any other refusal is 422.
STATUS_OF: tuple[tuple[type[ServiceError], int], ...] = (
    (NotFound, 404), (Forbidden, 403), (Conflict, 409),
)


def status_of(exc: ServiceError) -> int:
    """The HTTP status of a domain refusal."""
    for kind, status in STATUS_OF:
        if isinstance(exc, kind):
            return status
    return 422


def is_api() -> bool:
    """Whether the request is one of the JSON API's."""
    return request.path.startswith(API_PREFIX)


def api_error(status: int, message: Any = None, *, code: str | None = None,
              fields: dict[str, Any] | None = None) -> Response:
    """The API's error response: {"error": {"code", "message", "fields"?}} with `status`."""
    body: dict[str, Any] = {"code": code or CODES.get(status, CODES[500]),
                            "message": str(message or MESSAGES.get(status, MESSAGES[500])[1])}
    if fields:
        body["fields"] = {key: str(text) for key, text in fields.items()}
    response = jsonify(error=body)
    response.status_code = status
    return response


def error_response(status: int, message: Any = None, *, code: str | None = None,
                   fields: dict[str, Any] | None = None) -> Response | tuple[str, int]:
    """An error answer: the API's JSON shape under /api/, else the HTML error page."""
    if is_api():
        return api_error(status, message, code=code, fields=fields)
    title, text = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", code=status, title=title,
                           text=message or text), status


def refusal_response(exc: ServiceError) -> Response | tuple[str, int]:
    """A domain refusal as an error answer, with the service's own message.

    (A service words a NotFound alike for what does not exist and what the actor may not
    see: a restricted page reads as "not open for keying", as an unknown one does.)
    """
    return error_response(status_of(exc), exc.message, code=exc.code,
                          fields=exc.field_errors())


def init_errors(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ServiceError)
    def _refused(exc: ServiceError):
        db.session.rollback()
        return refusal_response(exc)

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError):
        return error_response(400, _l("The form had expired or was not sent by this site. "
                                      "Please reload the page and try again."),
                              code="csrf_failed")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code and exc.code < 400:
            return exc
        response = error_response(exc.code or 500)
        if isinstance(response, Response):
            # Allow (405), Retry-After (429) and the like; the body is ours.
            for name, value in exc.get_headers():
                if name.lower() != "content-type":
                    response.headers[name] = value
        else:
            response = (*response, [(n, v) for n, v in exc.get_headers()
                                    if n.lower() != "content-type"])
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        if app.testing:
            raise exc
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
