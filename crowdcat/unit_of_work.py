"""One commit per request and per CLI command: the `@unit_of_work` decorator.

Services flush and never commit; the view or command that called them decides, once, here:

- it raises (a domain refusal, abort(404), a bug, Ctrl-C): roll back, let the exception
  go on to the error handlers (crowdcat.errors words it in the user's language);
- a view returns a response with an error status (400 or more), or one it marked with
  refused() (a refusal answered by a redirect and a flashed message): roll back. That is how
  a view re-renders its form with the user's typed values and the field messages (422)
  while nothing is saved;
- otherwise (a page, a redirect, a CLI command that returned, or an error answer the view
  marked with keep(): an upload whose every file was refused still records the attempt in
  the audit trail): commit.

Nothing happens when the session has no transaction open: a request that read nothing
through the session, or whose statements committed themselves (the API's next page on
PostgreSQL runs on an autocommit connection), sends no COMMIT and no ROLLBACK.

Every view that writes wears the decorator (tests/main/test_unit_of_work.py checks that every
view accepting POST does); a view that only reads needs none: its transaction is rolled
back when the request's session is removed.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import has_request_context, make_response
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from crowdcat.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

# The attribute that marks a function as a unit of work (for the test of the rule above).
MARK = "unit_of_work"
# The attributes that mark a response as a refusal (refused()) or as kept (keep()).
REFUSED = "crowdcat_refused"
KEPT = "crowdcat_kept"


def unit_of_work(func: F) -> F:
    """Decorator for a view or a CLI command: commit on success, roll back on error."""

    @wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            result = func(*args, **kwargs)
        except BaseException:
            end(commit=False)
            raise
        end(commit=not has_request_context() or not is_refusal(result))
        return result

    setattr(wrapped, MARK, True)
    return wrapped  # type: ignore[return-value]


def end(*, commit: bool) -> None:
    """Commit or roll back the session's open transaction, if it has one.

    A view calls end(commit=False) itself only when it must show the state as it is after
    a refusal (the review screen re-reads the entry another reviewer changed meanwhile);
    the decorator then finds nothing left to roll back.
    """
    session = db.session()
    if not session.in_transaction():
        return
    if commit:
        session.commit()
    else:
        session.rollback()


def refused(result: ResponseReturnValue) -> Response:
    """Mark a view's answer as a refusal: the unit of work rolls back although it is no error.

    For a view that answers a domain refusal with a redirect and a flashed message.
    """
    response = make_response(result)
    setattr(response, REFUSED, True)
    return response


def keep(result: ResponseReturnValue) -> Response:
    """Mark a view's error answer as one whose work is committed all the same.

    For an answer that reports a failure the request's work must record (an upload where
    every file was refused still leaves its audit event).
    """
    response = make_response(result)
    setattr(response, KEPT, True)
    return response


def is_refusal(result: Any) -> bool:
    """Whether a view's answer refuses the request (an error status, or marked refused())."""
    if getattr(result, KEPT, False):
        return False
    return status_of(result) >= 400 or getattr(result, REFUSED, False)


def status_of(result: Any) -> int:
    """The HTTP status of what a view returned (a Response, or a (body, status, ...) tuple)."""
    if isinstance(result, tuple):
        if len(result) > 1 and isinstance(result[1], int):
            return result[1]
        result = result[0]
    return getattr(result, "status_code", 200)
