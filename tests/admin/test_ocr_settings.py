"""Admin: the project's OCR settings and a field's OCR suggestion."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdcat.models import FieldSpec, Project, Role
from tests.admin.test_projects import FORM


@pytest.fixture
def admin(factory, auth, client):
    """A logged-in administrator who reads the English UI."""
    user = factory.user(Role.ADMIN)
    auth.login(user.email)
    client.post("/lang/en")
    return user


def test_settings_turn_suggestions_and_restricted_ocr_on_and_off(client, session, factory,
                                                                 admin):
    project = factory.project()
    form = client.get(f"/admin/projects/{project.slug}/edit").get_data(as_text=True)
    assert "OCR may read restricted items" in form
    assert "still shown to staff only" in form and 'name="ocr_suggestions"' in form
    data = FORM | {"slug": project.slug, "status": "active", "reference_format": "{title}"}
    response = client.post(f"/admin/projects/{project.slug}/edit",
                           data=data | {"ocr_suggestions": "y", "ocr_restricted": "y"})
    assert response.status_code == 303
    session.refresh(project)
    assert project.ocr_suggestions and project.ocr_restricted
    client.post(f"/admin/projects/{project.slug}/edit", data=data)
    session.refresh(project)
    assert not project.ocr_suggestions and not project.ocr_restricted


def test_new_projects_show_no_suggestions_and_the_republic_template_marks_its_fields(
        client, session, admin):
    assert client.post("/admin/projects/new", data=FORM).status_code == 303
    project = session.scalars(select(Project).where(Project.slug == "gazette")).one()
    assert not project.ocr_suggestions and not project.ocr_restricted
    marked = {f.key: f.options["ocr_suggest"] for f in project.fields
              if "ocr_suggest" in f.options}
    assert marked == {"title": "title", "doc_no": "doc_no", "date": "date"}


def test_the_field_editor_sets_and_clears_a_fields_suggestion(client, session, factory, admin):
    project = factory.project()
    spec = next(f for f in project.fields if f.key == "title")
    url = f"/admin/projects/{project.slug}/fields/{spec.id}"
    editor = client.get(f"/admin/projects/{project.slug}/fields").get_data(as_text=True)
    assert editor.count('name="ocr_suggest"') == 1
    base = {"key": "title", "kind": "text", "label_zh_Hant": "題名", "required": "y",
            "keyed": "y"}
    assert client.post(url, data=base | {"ocr_suggest": "title"}).status_code == 303
    session.refresh(spec)
    assert spec.options == {"ocr_suggest": "title"}
    response = client.post(url, data=base | {"ocr_suggest": "guess"})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    assert client.post(url, data=base).status_code == 303
    session.expire_all()
    assert "ocr_suggest" not in session.get(FieldSpec, spec.id).options
