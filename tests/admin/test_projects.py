"""Admin project screens: create, edit, fields, progress, pages and access, upload."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from crowdcat.models import Access, FieldSpec, Item, Project, Role, Submission
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL
from tests.factories_scans import import_page, scan

FORM = {"title": "省政府公報", "slug": "gazette", "description": "", "instructions": "",
        "status": "draft", "agree_needed": "2", "max_submissions": "5",
        "reservation_minutes": "30", "template": "republic_file_level",
        "reference_format": "{fonds_no}-{catalog_no}-{volume_no}-{item_no}"}


@pytest.fixture
def admin(factory, auth, client):
    """A logged-in administrator who reads the English UI (messages are asserted in English)."""
    user = factory.user(Role.ADMIN)
    auth.login(user.email)
    client.post("/lang/en")
    return user


def test_volunteers_and_reviewers_may_not_manage_projects(client, auth, factory):
    for role in (Role.VOLUNTEER, Role.REVIEWER):
        auth.login(factory.user(role).email)
        assert client.get("/admin/projects").status_code == 403
        assert client.post("/admin/projects/new", data=FORM).status_code == 403
        auth.logout()


def test_create_a_project_from_a_template(client, session, admin):
    response = client.post("/admin/projects/new", data=FORM)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/admin/projects/gazette")
    project = session.scalars(select(Project).where(Project.slug == "gazette")).one()
    assert [f.key for f in project.fields] == [d["key"] for d in REPUBLIC_FILE_LEVEL]
    page = client.get("/admin/projects/gazette").get_data(as_text=True)
    assert "省政府公報" in page and 'class="project-actions"' in page


def test_a_bad_slug_is_shown_on_the_form_and_nothing_is_created(client, session, admin):
    response = client.post("/admin/projects/new", data=FORM | {"slug": "Bad Slug!"})
    assert response.status_code == 422
    assert "lower-case letters" in response.get_data(as_text=True)
    assert session.scalars(select(Project)).all() == []


def test_instructions_are_rendered_as_safe_markdown(client, factory, admin):
    project = factory.project(instructions="**照錄**原文 <script>alert(1)</script>")
    page = client.get(f"/admin/projects/{project.slug}").get_data(as_text=True)
    assert "<strong>照錄</strong>" in page and "<script>alert(1)" not in page


def test_edit_settings(client, session, factory, admin):
    project = factory.project()
    response = client.post(f"/admin/projects/{project.slug}/edit",
                           data=FORM | {"slug": project.slug, "agree_needed": "3",
                                        "max_submissions": "6", "status": "active",
                                        "reference_format": "{title}"})
    assert response.status_code == 303
    session.refresh(project)
    assert (project.agree_needed, project.max_submissions) == (3, 6)


def test_project_list_shows_a_progress_chart(client, session, factory, admin):
    project = factory.project()
    factory.item(project)
    factory.item(project, submission_count=1)
    page = client.get("/admin/projects").get_data(as_text=True)
    assert project.title in page and "<svg" in page
    assert 'class="stage-new"' in page and 'class="stage-keying"' in page


def test_field_editor_adds_edits_and_reorders(client, session, factory, admin):
    project = factory.project()
    base = f"/admin/projects/{project.slug}/fields"
    response = client.post(base, data={"key": "box", "kind": "select", "label_zh_Hant": "箱號",
                                       "choices": "甲\n乙", "keyed": "y"})
    assert response.status_code == 303
    spec = session.scalars(select(FieldSpec).where(FieldSpec.key == "box")).one()
    assert spec.choices == ["甲", "乙"] and spec.labels == {"zh_Hant": "箱號"}
    response = client.post(f"{base}/{spec.id}", data={
        "key": "box", "kind": "select", "label_zh_Hant": "箱號", "label_en": "Box",
        "choices": "甲\n乙\n丙", "blank_values": "無、不詳", "fuzzy_threshold": "90"})
    assert response.status_code == 303
    session.refresh(spec)
    assert spec.labels["en"] == "Box" and spec.options == {"fuzzy_threshold": 90,
                                                           "blank_values": ["無", "不詳"]}
    client.post(f"{base}/{spec.id}/move", data={"direction": "up"})
    session.expire_all()
    assert [f.key for f in session.get(Project, project.id).fields][-2:] == ["box", "pages"]
    page = client.get(base).get_data(as_text=True)
    assert ">Box<" in page  # the label in the reader's language


def test_deleting_a_keyed_field_is_refused_with_the_reason(client, session, factory, admin):
    project = factory.project()
    page = factory.item(project)
    session.add(Submission(item_id=page.id, user_id=admin.id, project_id=project.id,
                           values={"title": "x"}))
    session.commit()
    title = project.fields[0]
    response = client.post(f"/admin/projects/{project.slug}/fields/{title.id}/delete",
                           follow_redirects=True)
    assert "submissions hold values for it" in response.get_data(as_text=True)
    assert session.get(FieldSpec, title.id) is not None
    response = client.post(f"/admin/projects/{project.slug}/fields/{title.id}",
                           data={"key": "title", "kind": "long_text", "label_zh_Hant": "題名"})
    assert response.status_code == 422
    assert "kind cannot change" in response.get_data(as_text=True)


def test_bulk_access_change_from_the_pages_list(client, session, factory, admin):
    project = factory.project()
    pages = [import_page(session, project, scan((200, 280), seed=i), f"{i}.jpg")
             for i in range(3)]
    listing = client.get(f"/admin/projects/{project.slug}/pages").get_data(as_text=True)
    assert "0.jpg" in listing and f"/scans/{pages[0].images[0].id}/thumbnail" in listing
    client.post(f"/admin/projects/{project.slug}/pages/access",
                data={"access": "restricted", "scope": "selected",
                      "page": [str(pages[0].id), str(pages[2].id)]})
    session.expire_all()
    assert [session.get(Item, p.id).access for p in pages] == [
        Access.RESTRICTED, Access.OPEN, Access.RESTRICTED]
    client.post(f"/admin/projects/{project.slug}/pages/access",
                data={"access": "open", "scope": "all"})
    session.expire_all()
    assert {session.get(Item, p.id).access for p in pages} == {Access.OPEN}


def _files(*items: tuple[str, bytes]):
    return [(io.BytesIO(data), name) for name, data in items]


def test_upload_imports_good_files_and_lists_bad_ones_with_reasons(client, session, factory,
                                                                  admin):
    project = factory.project()
    form = client.get(f"/admin/projects/{project.slug}/import").get_data(as_text=True)
    assert 'type="file"' in form and "multiple" in form
    good = scan((300, 400), seed=1)
    response = client.post(
        f"/admin/projects/{project.slug}/import", content_type="multipart/form-data",
        data={"access": "restricted", "files": _files(
            ("a.jpg", good), ("b.jpg", b"plain text"), ("c.jpg", good[:200]),
            ("d.png", scan((300, 400), "PNG", seed=2)))})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "b.jpg" in text and "accepted format" in text
    assert "c.jpg" in text and ("truncated" in text or "damaged" in text)
    pages = session.scalars(select(Item).where(Item.project_id == project.id)
                            .order_by(Item.sequence)).all()
    assert [p.images[0].original_name for p in pages] == ["a.jpg", "d.png"]
    assert {p.access for p in pages} == {Access.RESTRICTED}


def test_upload_answers_json_to_the_progress_script(client, factory, admin):
    project = factory.project()
    data = scan(seed=5)
    url = f"/admin/projects/{project.slug}/import"
    first = client.post(url, content_type="multipart/form-data",
                        headers={"Accept": "application/json"},
                        data={"access": "open", "files": _files(("x.jpg", data))})
    assert first.get_json()["files"][0]["status"] == "imported"
    again = client.post(url, content_type="multipart/form-data",
                        headers={"Accept": "application/json"},
                        data={"access": "open", "files": _files(("x-copy.jpg", data))})
    assert again.get_json()["files"][0]["status"] == "skipped"


def test_a_huge_upload_gets_the_clear_413_page(app, client, session, factory, admin):
    project = factory.project()
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = client.post(
            f"/admin/projects/{project.slug}/import", content_type="multipart/form-data",
            data={"access": "open", "files": _files(("big.png", b"\0" * 200_000))})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 512 * 2**20
    assert response.status_code == 413
    assert "The upload is larger than this server accepts. Nothing was saved." in \
        response.get_data(as_text=True)
    assert session.scalars(select(Item)).all() == []


def test_page_view_shows_the_viewer(client, session, factory, admin):
    project = factory.project()
    page = import_page(session, project, scan(seed=9), "v.jpg")
    html = client.get(f"/admin/projects/{project.slug}/pages/{page.id}").get_data(as_text=True)
    assert 'class="viewer"' in html and f"/iiif/{page.images[0].id}/info.json" in html
    assert "openseadragon.min.js" in html


def test_every_project_screen_renders(client, session, factory, admin):
    project = factory.project(fields=REPUBLIC_FILE_LEVEL)
    page = import_page(session, project, scan((200, 280), seed=3), "s.jpg")
    field_id = project.fields[0].id
    for path in ("/admin/projects", "/admin/projects/new", f"/admin/projects/{project.slug}",
                 f"/admin/projects/{project.slug}/edit", f"/admin/projects/{project.slug}/fields",
                 f"/admin/projects/{project.slug}/fields/{field_id}",
                 f"/admin/projects/{project.slug}/pages",
                 f"/admin/projects/{project.slug}/pages?access=restricted",
                 f"/admin/projects/{project.slug}/pages/{page.id}",
                 f"/admin/projects/{project.slug}/import"):
        assert client.get(path).status_code == 200, path
    for path in ("/admin/projects/nope", f"/admin/projects/{project.slug}/pages/999999",
                 f"/admin/projects/{project.slug}/fields/999999"):
        assert client.get(path).status_code == 404, path


def test_the_pages_list_shows_items_with_their_image_count_and_the_item_all_its_pages(
        client, session, factory, admin):
    project = factory.project()
    item = factory.item(project, images=3, reference="L002-001-0276-0015")
    single = factory.item(project, images=1)
    listing = client.get(f"/admin/projects/{project.slug}/pages").get_data(as_text=True)
    assert "L002-001-0276-0015" in listing and "3 pages" in listing and "1 page" in listing
    assert f"/scans/{item.images[0].id}/thumbnail" in listing
    assert f"/scans/{item.images[1].id}/thumbnail" not in listing  # the first one only
    assert f"/scans/{single.images[0].id}/thumbnail" in listing
    html = client.get(f"/admin/projects/{project.slug}/pages/{item.id}").get_data(as_text=True)
    for image in item.images:
        assert f"/scans/{image.id}/thumbnail" in html and image.original_name in html
    assert "Page 3 / 3" in html


def test_an_upload_groups_pages_into_items_by_file_name(client, session, factory, admin):
    project = factory.project()
    files = [(f"L002-001-0276-0015-{n:04d}.jpg", scan((200, 280), seed=40 + n))
             for n in (2, 1, 4)]
    response = client.post(
        f"/admin/projects/{project.slug}/import", content_type="multipart/form-data",
        data={"access": "open", "grouping": "pattern", "files": _files(
            *files, ("cover.jpg", scan((200, 280), seed=49)))})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 images added to 2 items" in text
    assert "Item L002-001-0276-0015: page 3 is missing" in text
    items = session.scalars(select(Item).where(Item.project_id == project.id)
                            .order_by(Item.sequence)).all()
    assert [(i.reference, [img.original_name for img in i.images]) for i in items] == [
        ("cover", ["cover.jpg"]),
        ("L002-001-0276-0015", [f"L002-001-0276-0015-{n:04d}.jpg" for n in (1, 2, 4)])]


def test_one_file_per_request_joins_its_item_at_its_page(client, session, factory, admin):
    project = factory.project()
    url = f"/admin/projects/{project.slug}/import"
    for n in (3, 1, 2):
        answer = client.post(url, content_type="multipart/form-data",
                             headers={"Accept": "application/json"},
                             data={"access": "open", "grouping": "pattern", "files": _files(
                                 (f"J1-7-{n:04d}.jpg", scan((200, 280), seed=60 + n)))})
        assert answer.get_json()["files"][0]["item"] == "J1-7"
    (item,) = session.scalars(select(Item).where(Item.project_id == project.id)).all()
    assert [i.original_name for i in item.images] == [f"J1-7-{n:04d}.jpg" for n in (1, 2, 3)]


def test_each_file_an_item_when_asked(client, session, factory, admin):
    project = factory.project()
    client.post(f"/admin/projects/{project.slug}/import", content_type="multipart/form-data",
                data={"access": "open", "grouping": "each", "files": _files(
                    ("J1-7-0001.jpg", scan((200, 280), seed=71)),
                    ("J1-7-0002.jpg", scan((200, 280), seed=72)))})
    assert len(session.scalars(select(Item).where(Item.project_id == project.id)).all()) == 2


def test_the_grouping_preview_lists_items_and_pages_and_saves_nothing(client, session,
                                                                      factory, admin):
    project = factory.project()
    url = f"/admin/projects/{project.slug}/import/preview"
    body = client.post(url, data={"access": "open", "grouping": "pattern", "names": [
        "A-1-0002.jpg", "A-1-0001.jpg", "A-1-0004.jpg", "loose.jpg"]}).get_json()
    assert body["items"] == [
        {"reference": "A-1", "pages": ["A-1-0001.jpg", "A-1-0002.jpg", "A-1-0004.jpg"]},
        {"reference": "loose", "pages": ["loose.jpg"]}]
    assert "Item A-1: page 3 is missing (it has pages 1 to 4)." in body["notes"]
    bad = client.post(url, data={"access": "open", "grouping": "pattern",
                                 "pattern": "(?P<item>", "names": ["x.jpg"]})
    assert bad.status_code == 422 and "not a valid regular expression" in \
        bad.get_json()["error"]["message"]
    assert session.scalars(select(Item).where(Item.project_id == project.id)).all() == []
