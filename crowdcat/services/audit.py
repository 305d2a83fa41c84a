"""Recording audit events."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import AuditEvent, User


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int,
    project_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Add one audit event to the session (the caller commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        project_id=project_id,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(event)
    return event
