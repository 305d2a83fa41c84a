"""Error pages in the user's language."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crowdcat.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Nothing was changed.")),
    403: (_l("Not allowed"), _l("Your account may not open this page.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("The upload is larger than this server accepts. Nothing was saved.")),
    422: (_l("Cannot process"), _l("Some values could not be accepted. Nothing was saved.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("The error was logged; nothing was half-saved.")),
}


def _render(code: int, detail: str | None = None):
    """An HTML error page, or JSON for API clients."""
    title, text = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify(error=str(title), message=detail or str(text)), code
    return render_template("errors/error.html", code=code, title=title,
                           text=detail or text), code


def init_errors(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError):
        return _render(400, str(_l("The form had expired or was not sent by this site. "
                                   "Please reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code and exc.code < 400:
            return exc
        return _render(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        if app.testing:
            raise exc
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500)
