"""Typed SQLAlchemy models, one module per aggregate."""
from crowdcat.models.audit import AuditEvent
from crowdcat.models.base import Base, utcnow
from crowdcat.models.entry import Entry, EntryStatus
from crowdcat.models.item import (
    OPEN_TO_CROWD,
    Access,
    CrowdRule,
    Image,
    Item,
    ItemStatus,
    Reservation,
)
from crowdcat.models.ocr import ImageText
from crowdcat.models.project import FieldKind, FieldSpec, Project, ProjectStatus
from crowdcat.models.submission import SkipReason, Submission
from crowdcat.models.user import ApiToken, Role, User

__all__ = [
    "OPEN_TO_CROWD", "Access", "ApiToken", "AuditEvent", "Base", "CrowdRule", "Entry",
    "EntryStatus", "FieldKind", "FieldSpec", "Image", "ImageText", "Item", "ItemStatus", "Project",
    "ProjectStatus", "Reservation", "Role", "SkipReason",
    "Submission", "User", "utcnow",
]
