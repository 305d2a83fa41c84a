"""Setting up projects: settings, field templates, bulk access changes."""
from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from crowdcat.models import Access, Item, Project, ProjectStatus, Reservation, Submission, User
from crowdcat.services import audit
from crowdcat.services.errors import Conflict, ServiceError
from crowdcat.services.projects.templates import REFERENCE_FORMATS, TEMPLATES, apply_template

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
SETTINGS = ("title", "slug", "description", "instructions", "status", "agree_needed",
            "max_submissions", "reservation_minutes", "weighted_votes", "allow_self_review",
            "reference_format", "ocr_suggestions", "ocr_restricted")


def keying_started(session: Session, project: Project) -> bool:
    """Whether any volunteer has submitted (or skipped) a page of the project."""
    return bool(session.scalar(select(exists().where(Submission.project_id == project.id))))


def _check_settings(session: Session, values: dict[str, Any], project: Project | None) -> None:
    """Refuse settings that break the project's rules, naming the form field."""
    slug = values.get("slug", project.slug if project else "")
    if not SLUG.match(slug or ""):
        raise ServiceError(_l("Use 2–60 lower-case letters, digits and hyphens."), field="slug")
    taken = session.scalar(select(Project.id).where(Project.slug == slug))
    if taken and (project is None or taken != project.id):
        raise Conflict(_l("Another project already uses this address."), field="slug")
    if not (values.get("title", project.title if project else "") or "").strip():
        raise ServiceError(_l("A title is required."), field="title")
    agree = values.get("agree_needed", project.agree_needed if project else 2)
    maximum = values.get("max_submissions", project.max_submissions if project else 5)
    if not 1 <= agree <= 10:
        raise ServiceError(_l("Between 1 and 10."), field="agree_needed")
    if not agree <= maximum <= 50:
        raise ServiceError(_l("At least the agreeing submissions needed, and at most 50."),
                           field="max_submissions")
    minutes = values.get("reservation_minutes", project.reservation_minutes if project else 30)
    if not 1 <= minutes <= 1440:
        raise ServiceError(_l("Between 1 and 1,440 minutes."), field="reservation_minutes")
    if "reference_format" in values and project is not None:
        _check_reference_format(values["reference_format"], {f.key for f in project.fields})


def _check_reference_format(fmt: str, keys: set[str]) -> None:
    """The reference format may only name the project's fields."""
    try:
        names = {name for _t, name, _s, _c in string.Formatter().parse(fmt) if name}
    except ValueError:
        raise ServiceError(_l("Unbalanced braces."), field="reference_format") from None
    unknown = sorted(names - keys)
    if unknown:
        raise ServiceError(_l("No such field: %(keys)s", keys=", ".join(unknown)),
                           field="reference_format")


def create_project(session: Session, actor: User, values: dict[str, Any],
                   template: str | None = None) -> Project:
    """A new draft project, with a template's fields if one is named."""
    values = {k: v for k, v in values.items() if k in SETTINGS}
    _check_settings(session, values, None)
    if template and template not in TEMPLATES:
        raise ServiceError(_l("Unknown template."), field="template")
    project = Project(**({"status": ProjectStatus.DRAFT} | values))
    session.add(project)
    session.flush()
    if template:
        apply_template(session, project, template)
        project.reference_format = REFERENCE_FORMATS[template]
    audit.record(session, actor=actor, action="project.create", object_type="project",
                 object_id=project.id, project_id=project.id,
                 after=_snapshot(project) | {"template": template or ""})
    session.flush()
    return project


def _snapshot(project: Project) -> dict[str, Any]:
    """The settings of a project as plain values, for the audit trail."""
    out = {}
    for name in SETTINGS:
        value = getattr(project, name)
        out[name] = value.value if isinstance(value, ProjectStatus) else value
    return out


def update_project(session: Session, actor: User, project: Project,
                   values: dict[str, Any]) -> Project:
    """Change a project's settings; records what changed."""
    values = {k: v for k, v in values.items() if k in SETTINGS}
    _check_settings(session, values, project)
    before = _snapshot(project)
    for name, value in values.items():
        setattr(project, name, value)
    after = _snapshot(project)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit.record(session, actor=actor, action="project.update", object_type="project",
                     object_id=project.id, project_id=project.id,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    session.flush()
    return project


def set_access(session: Session, actor: User, project: Project, access: Access,
               item_ids: Iterable[int] | None = None) -> int:
    """Set the access level of some pages (or all, when item_ids is None); returns the count.

    Restricting a page also ends volunteers' reservations of it, so that it leaves their
    screens at the next request.
    """
    condition = [Item.project_id == project.id, Item.access != access]
    if item_ids is not None:
        ids = list(item_ids)
        if not ids:
            raise ServiceError(_l("Choose at least one page."))
        condition.append(Item.id.in_(ids))
    changed = list(session.scalars(select(Item.id).where(*condition)))
    if not changed:
        return 0
    for chunk in _chunks(changed, 500):
        session.execute(update(Item).where(Item.id.in_(chunk)).values(access=access)
                        .execution_options(synchronize_session=False))
        if access == Access.RESTRICTED:
            session.execute(delete(Reservation).where(Reservation.item_id.in_(chunk)))
    audit.record(session, actor=actor, action="pages.access", object_type="project",
                 object_id=project.id, project_id=project.id,
                 after={"access": access.value, "pages": len(changed),
                        "item_ids": changed[:1000]})
    session.flush()
    session.expire_all()
    return len(changed)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    """Slices of at most `size` (databases bound the number of bound parameters)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
