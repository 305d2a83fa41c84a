"""An item of several images on the keying and review screens, in real Chromium: the page
strip, "page 2 / 3", PageUp/PageDown and the buttons, each page's own rotation, and 頁數
prefilled with the number of images."""
from __future__ import annotations

import re

import pytest
from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import select

from crowdcat.models import Item, Role, Submission
from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine
from crowdcat.services.scans.ingest import Importer, Source
from crowdcat.services.scans.storage import storage_for
from tests.browser.test_viewer_browser import _log_in
from tests.factories import SIMPLE_FIELDS
from tests.factories_review import ReviewFactory
from tests.factories_scans import scan

# A page turned is ready when its tiles are drawn: cut by the test server, slow on a busy CI.
READY_MS = 20_000

pytestmark = pytest.mark.browser

COUNTED = [spec | {"options": {"page_count": True}} if spec["key"] == "pages" else spec
           for spec in SIMPLE_FIELDS]


def _item(session, project, pages: int, reference: str = "L002-001-0276-0015") -> Item:  # noqa: ANN001
    """An item of `pages` real scans, imported as one archival file (committed)."""
    importer = Importer(session, project, storage_for(current_app.config))
    ids = set()
    for n in range(1, pages + 1):
        data = scan((700 + 40 * n, 1000), seed=n + sum(map(ord, reference)) % 900)
        outcome = importer.import_one(Source(f"{reference}-{n:04d}.jpg", lambda d=data: d,
                                             item=reference))
        assert outcome.status == "imported", outcome.reason
        ids.update(outcome.item_ids)
    session.commit()
    assert len(ids) == 1
    return session.get(Item, ids.pop())


def _open_keying(page, project, item) -> None:  # noqa: ANN001
    page.goto(f"/projects/{project.slug}/key")
    expect(page).to_have_url(re.compile(f"/pages/{item.id}$"))
    expect(page.locator("figure.viewer")).to_have_attribute("data-state", "ready")


def test_turn_pages_with_keys_and_buttons_keeping_each_pages_rotation(browser_page, factory,
                                                                     session):
    project = factory.project(fields=COUNTED)
    item = _item(session, project, 3)
    images = [image.id for image in item.images]
    volunteer = factory.user()
    page = browser_page
    scans = []
    page.on("request", lambda r: scans.append(r.url) if "/scans/" in r.url or "/iiif/" in r.url
            else None)
    _log_in(page, volunteer.email)
    _open_keying(page, project, item)
    figure = page.locator("figure.viewer")
    label = figure.locator(".viewer-page-label")
    expect(label).to_have_text("第 1 / 3 頁")
    expect(figure.locator(".viewer-thumb")).to_have_count(3)
    expect(page.get_by_role("button", name="上一頁")).to_be_disabled()

    # Page 1 turned a quarter; PageDown (from the form field the screen focused) goes on.
    page.get_by_role("button", name="向右旋轉").click()
    expect(figure).to_have_attribute("data-rotation", "90")
    page.locator("#f_title").click()
    page.keyboard.press("PageDown")
    expect(label).to_have_text("第 2 / 3 頁")
    expect(figure).to_have_attribute("data-image-id", str(images[1]))
    expect(figure).to_have_attribute("data-state", "ready", timeout=READY_MS)
    expect(figure).to_have_attribute("data-rotation", "0")  # page 2 has its own view
    expect(figure.locator(".viewer-thumb[aria-current]")).to_have_attribute(
        "data-page", "2")
    expect(page.locator("#f_title")).to_be_focused()  # the typing place is kept

    page.get_by_role("button", name="下一頁").click()
    expect(label).to_have_text("第 3 / 3 頁")
    expect(page.get_by_role("button", name="下一頁")).to_be_disabled()
    page.keyboard.press("PageDown")  # nothing after the last page
    expect(label).to_have_text("第 3 / 3 頁")

    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")
    expect(label).to_have_text("第 1 / 3 頁")
    expect(figure).to_have_attribute("data-image-id", str(images[0]))
    expect(figure).to_have_attribute("data-rotation", "90")  # page 1 as the volunteer left it
    expect(figure).to_have_attribute("data-state", "ready", timeout=READY_MS)
    assert page.evaluate(
        "() => document.querySelector('figure.viewer').viewer.viewport.getRotation()") == 90

    # A thumbnail opens its page; every image came through the authorized routes.
    figure.locator(".viewer-thumb[data-page='3']").click()
    expect(label).to_have_text("第 3 / 3 頁")
    assert any(f"/scans/{images[2]}/thumbnail" in url for url in scans)
    assert any(f"/iiif/{images[2]}/" in url for url in scans)

    # 頁數 is prefilled with the number of images and stays editable.
    pages = page.locator("#f_pages")
    expect(pages).to_have_value("3")
    pages.fill("2")
    page.locator("#f_title").fill("呈報縣政府修築公路經費")
    page.locator("#f_date").fill("民國三十七年五月十日")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("謝謝！")).to_be_visible()
    session.rollback()
    saved = session.scalar(select(Submission).where(Submission.item_id == item.id))
    assert saved.values["pages"] == "2"


def test_a_reload_keeps_the_page_shown_and_its_view(browser_page, factory, session):
    project = factory.project()
    item = _item(session, project, 3, reference="reload-item")
    page = browser_page
    _log_in(page, factory.user().email)
    _open_keying(page, project, item)
    figure = page.locator("figure.viewer")
    page.get_by_role("button", name="下一頁").click()
    expect(figure).to_have_attribute("data-state", "ready", timeout=READY_MS)
    page.get_by_role("button", name="向左旋轉").click()
    page.get_by_role("button", name="反相").click()
    expect(figure).to_have_attribute("data-rotation", "270")
    page.reload()  # as after a refused submit: the volunteer is still on the item
    expect(figure.locator(".viewer-page-label")).to_have_text("第 2 / 3 頁")
    expect(figure).to_have_attribute("data-state", "ready", timeout=READY_MS)
    expect(figure).to_have_attribute("data-rotation", "270")
    expect(figure).to_have_attribute("data-invert", "true")
    page.keyboard.press("PageUp")
    expect(figure).to_have_attribute("data-rotation", "0")
    expect(figure).to_have_attribute("data-invert", "false")


def test_one_image_item_shows_no_strip_and_page_count_prefill(browser_page, factory, session):
    project = factory.project(fields=COUNTED)
    item = _item(session, project, 1, reference="single")
    volunteer = factory.user()
    page = browser_page
    _log_in(page, volunteer.email)
    _open_keying(page, project, item)
    expect(page.locator(".viewer-pager")).to_have_count(0)
    expect(page.locator("#f_pages")).to_have_value("1")
    page.locator("#f_title").click()
    page.keyboard.press("PageDown")  # nothing to turn; the screen stays as it is
    expect(page.locator("figure.viewer")).to_have_attribute("data-page", "1")


def test_review_screen_has_the_page_strip(browser_page, factory, session):
    project = factory.project()
    item = _item(session, project, 3, reference="review-item")
    agreed = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}
    entry = ReviewFactory(session, factory).entry(project, [agreed, agreed], page=item)
    reviewer = factory.user(Role.REVIEWER)
    page = browser_page
    _log_in(page, reviewer.email)
    page.goto(f"/review/entries/{entry.id}")
    figure = page.locator("figure.viewer")
    expect(figure).to_have_attribute("data-state", "ready", timeout=READY_MS)
    expect(figure.locator(".viewer-page-label")).to_have_text("第 1 / 3 頁")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="下一頁").click()
    expect(figure.locator(".viewer-page-label")).to_have_text("第 2 / 3 頁")
    expect(figure).to_have_attribute("data-state", "ready", timeout=READY_MS)


def _line(text: str, y: int) -> dict:
    return {"text": text, "confidence": 0.95, "box": [60, y, 500, 60], "polygon": [],
            "vertical": False}


def test_the_machine_reading_follows_the_page_shown(browser_page, factory, session):
    project = factory.project()
    item = _item(session, project, 2, reference="ocr-item")
    first, last = item.images
    engine = get_engine(DEFAULT_ENGINE)
    pipeline.store(session, first, engine,
                   pipeline.Reading(lines=[_line("事由：呈報修築公路經費", 80)]))
    pipeline.store(session, last, engine, pipeline.Reading(
        lines=[_line("浙江省政府", 80), _line("中華民國三十七年五月十日", 200)]))
    session.commit()
    page = browser_page
    _log_in(page, factory.user().email)
    _open_keying(page, project, item)
    page.locator("#ocr-toggle").click()
    expect(page.locator("#ocr-lines button")).to_have_text(["事由：呈報修築公路經費"])
    expect(page.locator(".ocr-box")).to_have_count(1)

    page.locator("#f_date").click()
    page.keyboard.press("PageDown")
    expect(page.locator("#ocr-lines button")).to_have_text(
        ["浙江省政府", "中華民國三十七年五月十日"])
    expect(page.locator(".ocr-box")).to_have_count(2)
    page.locator("#ocr-lines button", has_text="中華民國").click()
    expect(page.locator("#f_date")).to_have_value("中華民國三十七年五月十日")

    page.keyboard.press("PageUp")
    expect(page.locator("#ocr-lines button")).to_have_text(["事由：呈報修築公路經費"])
    expect(page.locator(".ocr-box")).to_have_count(1)
