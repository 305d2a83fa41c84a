"""GET /items/<id>/suggestions and the keying screen: OCR suggestions beside the fields."""
from __future__ import annotations

from crowdcat.models import Access, FieldKind, Role
from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine
from tests.factories_keying import reserve

FIELDS = [
    {"key": "title", "kind": FieldKind.TEXT, "required": True,
     "labels": {"zh_Hant": "題名", "en": "Title"}, "options": {"ocr_suggest": "title"}},
    {"key": "date", "kind": FieldKind.DATE, "labels": {"zh_Hant": "日期", "en": "Date"},
     "options": {"ocr_suggest": "date"}},
]


def _read(session, image, texts):
    lines = [{"text": text, "confidence": 0.9, "box": [0, 40 * n, 300, 40], "vertical": False}
             for n, text in enumerate(texts)]
    pipeline.store(session, image, get_engine(DEFAULT_ENGINE), pipeline.Reading(lines=lines))
    session.commit()


def _item(session, factory, *, on=True, **item_values):
    project = factory.project(fields=FIELDS, ocr_suggestions=on, ocr_restricted=True)
    item = factory.item(project, images=2, **item_values)
    _read(session, item.images[0], ["事由：為整頓田賦徵收辦法由"])
    _read(session, item.images[1], ["中華民國三十七年五月十日"])
    return project, item


def test_the_volunteer_holding_the_item_gets_its_suggestions_and_others_do_not(
        session, client, auth, factory):
    project, item = _item(session, factory)
    holder, other = factory.user(), factory.user()
    assert reserve(session, project, holder).id == item.id
    auth.login(other.email)
    response = client.get(f"/items/{item.id}/suggestions")
    assert response.status_code == 404 and "整頓" not in response.get_data(as_text=True)
    auth.logout()
    auth.login(holder.email)
    response = client.get(f"/items/{item.id}/suggestions")
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    found = response.get_json()["suggestions"]
    assert found["title"]["value"] == "整頓田賦徵收辦法"
    assert found["date"]["value"] == "中華民國三十七年五月十日"


def test_a_restricted_items_suggestions_reach_staff_only(session, client, auth, factory):
    _project, item = _item(session, factory, access=Access.RESTRICTED)
    auth.login(factory.user().email)
    response = client.get(f"/items/{item.id}/suggestions")
    assert response.status_code == 404 and "整頓" not in response.get_data(as_text=True)
    auth.logout()
    auth.login(factory.user(Role.REVIEWER).email)
    found = client.get(f"/items/{item.id}/suggestions").get_json()["suggestions"]
    assert found["title"]["value"] == "整頓田賦徵收辦法"


def test_no_suggestions_are_served_while_the_project_setting_is_off(session, client, auth,
                                                                   factory):
    _project, item = _item(session, factory, on=False)
    auth.login(factory.user(Role.ADMIN).email)
    assert client.get(f"/items/{item.id}/suggestions").status_code == 404
    assert client.get("/items/999999/suggestions").status_code == 404


def test_the_keying_screen_asks_for_suggestions_only_when_the_project_shows_them(
        session, client, auth, factory):
    project, item = _item(session, factory)
    volunteer = factory.user()
    auth.login(volunteer.email)
    html = client.get(f"/projects/{project.slug}/key", follow_redirects=True).get_data(
        as_text=True)
    # The screen fetches the suggestions itself (never typed in): none is in a field's value.
    assert f'data-suggest-url="/items/{item.id}/suggestions"' in html
    assert 'id="ocr-suggest-template"' in html and "整頓" not in html

    off, other = _item(session, factory, on=False)
    volunteer = factory.user()
    auth.logout()
    auth.login(volunteer.email)
    html = client.get(f"/projects/{off.slug}/key", follow_redirects=True).get_data(as_text=True)
    assert f'data-page-id="{other.id}"' in html and 'id="ocr-toggle"' in html
    assert "data-suggest-url" not in html and "ocr-suggest-template" not in html
