"""Errors a user can cause, carrying a message in the user's language.

Each kind has a short machine `code` (the API's `error.code`); crowdcat.errors maps the
kinds to HTTP statuses: NotFound 404, Forbidden 403, Conflict 409, any other refusal 422.
"""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused request: nothing was changed; `message` is a (lazy) translated string."""

    code = "invalid"

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

    def field_errors(self) -> dict[str, str]:
        """Field key -> message, for the fields the refusal names (empty when none)."""
        errors = getattr(self, "errors", None)
        if errors:
            return {key: str(message) for key, message in errors.items()}
        return {self.field: str(self.message)} if self.field else {}


class NotFound(ServiceError):
    """The object does not exist or the actor may not see it."""

    code = "not_found"


class Conflict(ServiceError):
    """The request clashes with the current state (duplicate, stale version, no longer needed)."""

    code = "conflict"


class Forbidden(ServiceError):
    """The actor's role or relation to the object does not allow the action."""

    code = "forbidden"
