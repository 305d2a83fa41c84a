"""GET /scans/<id>/text: a page's machine reading, for whom may see the scan only."""
from __future__ import annotations

from crowdcat.models import Access, Role
from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine
from tests.factories_keying import key, reserve
from tests.factories_scans import import_image, scan

LINES = [{"text": "浙江省政府訓令", "confidence": 0.98, "box": [40, 30, 280, 42],
          "polygon": [[40, 30], [320, 30], [320, 72], [40, 72]], "vertical": False},
         {"text": "府秘字第589號", "confidence": 0.91, "box": [40, 110, 300, 42],
          "polygon": [[40, 110], [340, 110], [340, 152], [40, 152]], "vertical": False}]


def _read(session, page, lines=LINES, error=None):
    pipeline.store(session, page, get_engine(DEFAULT_ENGINE),
                   pipeline.Reading(lines=lines, error=error))
    session.commit()


def test_the_volunteer_holding_a_page_gets_its_lines_and_others_do_not(session, client, auth,
                                                                       factory):
    project = factory.project()
    page = import_image(session, project, scan(seed=3), "p.jpg")
    _read(session, page)
    holder, other = factory.user(), factory.user()
    assert reserve(session, project, holder).id == page.item_id

    auth.login(other.email)
    assert client.get(f"/scans/{page.id}/text").status_code == 404
    auth.logout()
    auth.login(holder.email)
    response = client.get(f"/scans/{page.id}/text")
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    body = response.get_json()
    assert body["status"] == "ready" and body["engine"] == DEFAULT_ENGINE
    assert [line["text"] for line in body["lines"]] == ["浙江省政府訓令", "府秘字第589號"]
    assert body["lines"][0]["box"] == [40, 30, 280, 42]
    assert (body["width"], body["height"]) == (page.width, page.height)


def test_a_volunteer_who_keyed_the_page_still_gets_it(session, client, auth, factory):
    project = factory.project()
    page = import_image(session, project, scan(seed=4), "p.jpg")
    _read(session, page)
    volunteer = factory.user()
    key(session, reserve(session, project, volunteer), volunteer)
    auth.login(volunteer.email)
    assert client.get(f"/scans/{page.id}/text").get_json()["status"] == "ready"


def test_a_restricted_pages_text_reaches_staff_only(session, client, auth, factory):
    project = factory.project(ocr_restricted=True)
    page = import_image(session, project, scan(seed=5), "secret.jpg", access=Access.RESTRICTED)
    _read(session, page)
    auth.login(factory.user().email)
    response = client.get(f"/scans/{page.id}/text")
    assert response.status_code == 404 and "浙江" not in response.get_data(as_text=True)
    auth.logout()
    auth.login(factory.user(Role.REVIEWER).email)
    assert client.get(f"/scans/{page.id}/text").get_json()["lines"][0]["text"] == "浙江省政府訓令"


def test_missing_and_unreadable_readings_are_empty_answers_not_errors(session, client, auth,
                                                                     factory):
    project = factory.project()
    unread = import_image(session, project, scan(seed=6), "a.jpg")
    broken = import_image(session, project, scan(seed=7), "b.jpg")
    _read(session, broken, lines=[], error="the scan could not be decoded")
    auth.login(factory.user(Role.ADMIN).email)
    missing = client.get(f"/scans/{unread.id}/text")
    assert missing.status_code == 200
    assert missing.get_json()["status"] == "missing" and missing.get_json()["lines"] == []
    failed = client.get(f"/scans/{broken.id}/text")
    assert failed.status_code == 200
    assert failed.get_json()["status"] == "unreadable" and failed.get_json()["lines"] == []
    assert client.get("/scans/999999/text").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(session, client, factory):
    page = import_image(session, factory.project(), scan(seed=8), "p.jpg")
    assert client.get(f"/scans/{page.id}/text").status_code in (302, 401)
