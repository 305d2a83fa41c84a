"""頁數 and any field marked "count of pages": prefilled with the item's number of images,
editable, switchable in the field editor; the keying screen lists the item's pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crowdcat.models import FieldKind, Project, Role, Submission
from crowdcat.services.errors import ServiceError
from crowdcat.services.keying import prefill
from crowdcat.services.projects import fields as project_fields
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL
from tests.factories import SIMPLE_FIELDS
from tests.factories_keying import GOOD

COUNTED = [spec | {"options": {"page_count": True}} if spec["key"] == "pages" else spec
           for spec in SIMPLE_FIELDS]


def _screen(client, auth, factory, project: Project, item) -> str:  # noqa: ANN001
    auth.login(factory.user().email)
    client.get(f"/projects/{project.slug}/key")
    return client.get(f"/projects/{project.slug}/pages/{item.id}").get_data(as_text=True)


def test_pages_field_is_prefilled_with_the_number_of_images(client, auth, factory):
    project = factory.project(fields=COUNTED)
    item = factory.item(project, images=4)
    html = _screen(client, auth, factory, project, item)
    assert 'id="f_pages" name="f_pages" value="4"' in html
    assert "已依本件的 4 張掃描影像預先填入" in html
    # The viewer lists the four pages, each through its own authorized thumbnail route.
    assert "第 1 / 4 頁" in html
    for image in item.images:
        assert f"/scans/{image.id}/thumbnail" in html


def test_the_prefill_is_editable_and_the_typed_value_is_saved(client, auth, factory, session):
    project = factory.project(fields=COUNTED)
    item = factory.item(project, images=3)
    _screen(client, auth, factory, project, item)
    form = {f"f_{k}": v for k, v in GOOD.items()} | {"f_pages": "2"}
    assert client.post(f"/projects/{project.slug}/pages/{item.id}", data=form).status_code == 303
    saved = session.scalar(select(Submission).where(Submission.item_id == item.id))
    assert saved.values["pages"] == "2"


def test_a_refused_form_keeps_what_was_typed_not_the_count(client, auth, factory):
    project = factory.project(fields=COUNTED)
    item = factory.item(project, images=3)
    _screen(client, auth, factory, project, item)
    form = {"f_title": "", "f_date": "民國三十七年五月十日", "f_pages": ""}
    response = client.post(f"/projects/{project.slug}/pages/{item.id}", data=form)
    assert response.status_code == 422
    assert 'id="f_pages" name="f_pages" value=""' in response.get_data(as_text=True)


def test_unmarked_fields_and_one_image_items(client, auth, factory):
    plain = factory.project()
    html = _screen(client, auth, factory, plain, factory.item(plain, images=3))
    assert 'id="f_pages" name="f_pages" value=""' in html
    counted = factory.project(fields=COUNTED)
    single = factory.item(counted)
    client.post("/auth/logout")
    html = _screen(client, auth, factory, counted, single)
    assert 'name="f_pages" value="1"' in html
    assert "viewer-pager" not in html  # one image: no page strip


def test_item_prefill_for_the_api(factory):
    project = factory.project(fields=COUNTED)
    item = factory.item(project, images=2, prefill={"title": "既有題名"})
    assert prefill.item_prefill(item) == {"fixed": {"title": "既有題名"},
                                         "suggested": {"pages": "2"}}
    fixed_count = factory.item(project, images=2, prefill={"pages": "5"})
    assert prefill.item_prefill(fixed_count)["suggested"] == {}


def test_the_republic_template_counts_pages():
    pages = next(f for f in REPUBLIC_FILE_LEVEL if f["key"] == "pages")
    assert pages["options"]["page_count"] is True


def test_field_editor_switches_the_count_of_pages(session, factory):
    admin = factory.user(role=Role.ADMIN)
    project = factory.project()
    pages = next(f for f in project.fields if f.key == "pages")
    project_fields.update_field(session, admin, pages, {"options": {"page_count": "on"}})
    assert pages.options == {"page_count": True}
    project_fields.update_field(session, admin, pages, {"options": {}})
    assert "page_count" not in pages.options
    date = next(f for f in project.fields if f.key == "date")
    with pytest.raises(ServiceError) as refused:
        project_fields.update_field(session, admin, date, {"options": {"page_count": "on"}})
    assert refused.value.field == "page_count"
    assert date.kind == FieldKind.DATE and not date.options.get("page_count")


def test_field_editor_form_shows_the_switch(client, auth, factory):
    admin = factory.user(role=Role.ADMIN)
    project = factory.project(fields=COUNTED)
    pages = next(f for f in project.fields if f.key == "pages")
    auth.login(admin.email)
    html = client.get(f"/admin/projects/{project.slug}/fields/{pages.id}").get_data(as_text=True)
    assert "頁數：預先填入本件的掃描影像數" in html
    box = html[html.rindex("<input", 0, html.index('id="page_count"')):].split(">", 1)[0]
    assert "checked" in box
