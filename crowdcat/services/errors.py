"""Errors a user can cause, carrying a message in the user's language."""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused request: nothing was changed; `message` is a (lazy) translated string."""

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotFound(ServiceError):
    """The object does not exist or the actor may not see it."""


class Conflict(ServiceError):
    """The request clashes with the current state (duplicate, stale version, no longer needed)."""


class Forbidden(ServiceError):
    """The actor's role or relation to the object does not allow the action."""
