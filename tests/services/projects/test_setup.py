"""Project set-up: templates, settings, the field editor's rules, bulk access changes."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crowdcat.models import (
    Access,
    AuditEvent,
    FieldKind,
    Item,
    Project,
    Reservation,
    Role,
    Submission,
    utcnow,
)
from crowdcat.services.errors import Conflict, ServiceError
from crowdcat.services.projects import fields as project_fields
from crowdcat.services.projects import setup as projects
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL, TEMPLATES

SETTINGS = {"title": "臺灣省政府檔案", "slug": "tw-gov", "description": "", "instructions": ""}


def _keyed(session, factory, project) -> None:
    """A volunteer has submitted a page of the project."""
    page = factory.item(project)
    volunteer = factory.user()
    session.add(Submission(item_id=page.id, user_id=volunteer.id, project_id=project.id,
                           values={"title": "呈"}))
    session.commit()


def _field_values(**overrides):
    values = {"key": "shelf", "kind": "text", "labels": {"zh_Hant": "架號", "en": "Shelf"},
              "help": {}, "required": False, "keyed": True, "choices": [], "options": {}}
    return values | overrides


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_create_project_from_each_template(session, factory, template):
    admin = factory.user(Role.ADMIN)
    project = projects.create_project(session, admin, SETTINGS, template=template)
    session.commit()
    assert [f.key for f in project.fields] == [d["key"] for d in TEMPLATES[template]]
    assert all(f.labels["zh_Hant"] and f.labels["en"] for f in project.fields)
    keys = {f.key for f in project.fields}
    assert {"title", "date"} <= keys
    assert project.status.value == "draft"
    formatted = project.reference_format.replace("{", "").replace("}", "-").split("-")
    assert {part for part in formatted if part} <= keys


def test_dat22_template_has_the_item_level_reference_parts(session, factory):
    project = projects.create_project(session, factory.user(Role.ADMIN), SETTINGS,
                                      template="dat22_item_level")
    labels = [f.labels["zh_Hant"] for f in project.fields]
    for label in ("檔號", "年度", "保管期限", "件號", "責任者", "文號", "題名", "日期", "密級",
                  "頁數", "備註"):
        assert label in labels
    assert project.reference_format == "{fonds_no}-{year}-{retention}-{org_class}-{item_no}"


@pytest.mark.parametrize(("values", "field"), [
    ({"slug": "Bad Slug"}, "slug"),
    ({"title": "  "}, "title"),
    ({"agree_needed": 3, "max_submissions": 2}, "max_submissions"),
    ({"reservation_minutes": 0}, "reservation_minutes"),
])
def test_bad_settings_are_refused_on_their_field(session, factory, values, field):
    with pytest.raises(ServiceError) as refused:
        projects.create_project(session, factory.user(Role.ADMIN), SETTINGS | values)
    assert refused.value.field == field


def test_slug_must_be_unique(session, factory):
    factory.project(slug="tw-gov")
    with pytest.raises(Conflict):
        projects.create_project(session, factory.user(Role.ADMIN), SETTINGS)


def test_update_records_what_changed(session, factory):
    admin = factory.user(Role.ADMIN)
    project = factory.project()
    projects.update_project(session, admin, project, {"agree_needed": 3, "title": project.title})
    session.commit()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "project.update")).one()
    assert event.before == {"agree_needed": 2} and event.after == {"agree_needed": 3}


def test_reference_format_may_only_name_fields(session, factory):
    project = factory.project()
    with pytest.raises(ServiceError, match="shelf"):
        projects.update_project(session, factory.user(Role.ADMIN), project,
                                {"reference_format": "{title}-{shelf}"})


def test_before_keying_any_field_change_is_allowed(session, factory):
    admin = factory.user(Role.ADMIN)
    project = factory.project(fields=REPUBLIC_FILE_LEVEL)
    spec = next(f for f in project.fields if f.key == "doc_type")
    project_fields.update_field(session, admin, spec, {"kind": "text", "choices": []})
    project_fields.delete_field(session, admin, next(f for f in project.fields if f.key == "notes"))
    project_fields.add_field(session, admin, project, _field_values(required=True))
    session.commit()
    assert "notes" not in [f.key for f in project.fields]
    assert project.fields[-1].key == "shelf" and project.fields[-1].required


def test_after_keying_only_changes_that_keep_submissions_meaningful(session, factory):
    admin = factory.user(Role.ADMIN)
    project = factory.project(fields=REPUBLIC_FILE_LEVEL)
    _keyed(session, factory, project)
    doc_type = next(f for f in project.fields if f.key == "doc_type")
    title = next(f for f in project.fields if f.key == "title")

    # Allowed: relabel, help, options, more choices, reorder, an optional new field.
    project_fields.update_field(session, admin, title, {
        "labels": {"zh_Hant": "文件題名", "en": "Title"}, "help": {"en": "As written."},
        "options": {"fold_variants": False, "blank_values": ["無"]}})
    project_fields.update_field(session, admin, doc_type,
                                {"choices": [*doc_type.choices, "密電"]})
    project_fields.move_field(session, admin, title, -1)
    project_fields.add_field(session, admin, project, _field_values())
    session.commit()
    assert title.labels["zh_Hant"] == "文件題名" and "密電" in doc_type.choices

    refusals = [
        (lambda: project_fields.delete_field(session, admin, title), "cannot be deleted"),
        (lambda: project_fields.update_field(session, admin, doc_type, {"kind": "text"}),
         "kind cannot change"),
        (lambda: project_fields.update_field(session, admin, title, {"key": "heading"}),
         "key cannot change"),
        (lambda: project_fields.update_field(session, admin, doc_type,
                                             {"choices": ["訓令"]}), "cannot be removed"),
        (lambda: project_fields.update_field(
            session, admin, next(f for f in project.fields if f.key == "pages"),
            {"required": True}), "cannot become required"),
        (lambda: project_fields.add_field(session, admin, project,
                                          _field_values(key="box", required=True)),
         "must be optional"),
    ]
    for attempt, reason in refusals:
        with pytest.raises(Conflict, match=reason):
            attempt()
        session.rollback()
    project = session.get(Project, project.id)
    assert next(f for f in project.fields if f.key == "doc_type").kind == FieldKind.SELECT
    assert "title" in [f.key for f in project.fields]


@pytest.mark.parametrize(("values", "field"), [
    ({"key": "Bad Key"}, "key"),
    ({"key": "title"}, "key"),
    ({"labels": {}}, "label_zh_Hant"),
    ({"kind": "select", "choices": []}, "choices"),
    ({"kind": "select", "choices": ["a", "a"]}, "choices"),
    ({"options": {"fuzzy_threshold": 20}}, "fuzzy_threshold"),
])
def test_malformed_fields_are_refused_on_their_form_field(session, factory, values, field):
    project = factory.project()
    with pytest.raises(ServiceError) as refused:
        project_fields.add_field(session, factory.user(Role.ADMIN), project,
                                 _field_values(**values))
    assert refused.value.field == field


def test_move_field_reorders(session, factory):
    admin = factory.user(Role.ADMIN)
    project = factory.project()
    project_fields.move_field(session, admin, project.fields[2], -1)
    session.commit()
    assert [f.key for f in session.get(Project, project.id).fields] == ["title", "pages", "date"]


def test_bulk_access_change_restricts_pages_and_ends_their_reservations(session, factory):
    admin = factory.user(Role.ADMIN)
    project = factory.project()
    pages = [factory.item(project) for _ in range(3)]
    volunteer = factory.user()
    session.add(Reservation(item_id=pages[0].id, user_id=volunteer.id, project_id=project.id,
                            expires_at=utcnow() + timedelta(minutes=30)))
    session.commit()
    changed = projects.set_access(session, admin, project, Access.RESTRICTED,
                                  [pages[0].id, pages[1].id])
    session.commit()
    assert changed == 2
    assert [session.get(Item, p.id).access for p in pages] == [
        Access.RESTRICTED, Access.RESTRICTED, Access.OPEN]
    assert session.scalars(select(Reservation)).all() == []
    assert projects.set_access(session, admin, project, Access.OPEN) == 2


def test_bulk_access_needs_pages(session, factory):
    with pytest.raises(ServiceError):
        projects.set_access(session, factory.user(Role.ADMIN), factory.project(),
                            Access.OPEN, [])
