"""OCR suggestions on the keying screen in real Chromium: shown beside a field, copied on Use."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crowdcat.models import FieldKind
from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine

pytestmark = pytest.mark.browser

FIELDS = [
    {"key": "title", "kind": FieldKind.TEXT, "required": True,
     "labels": {"zh_Hant": "題名", "en": "Title"}, "options": {"ocr_suggest": "title"}},
    {"key": "date", "kind": FieldKind.DATE, "labels": {"zh_Hant": "日期", "en": "Date"},
     "options": {"ocr_suggest": "date"}},
    {"key": "notes", "kind": FieldKind.TEXT, "labels": {"zh_Hant": "附註", "en": "Notes"}},
]


def _log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("input[name=password]").press("Enter")
    expect(page.locator(".who")).to_be_visible()


def _read(session, image, texts):
    lines = [{"text": text, "confidence": 0.9, "box": [0, 40 * n, 300, 40], "vertical": False}
             for n, text in enumerate(texts)]
    pipeline.store(session, image, get_engine(DEFAULT_ENGINE), pipeline.Reading(lines=lines))
    session.commit()


def test_use_copies_the_suggestion_into_its_field(browser_page, factory, session):
    project = factory.project(fields=FIELDS, ocr_suggestions=True)
    item = factory.item(project, images=2)
    _read(session, item.images[0], ["浙江省政府訓令", "事由：為整頓田賦徵收辦法由"])
    _read(session, item.images[1], ["此令", "中華民國三十七年五月十日"])
    page = browser_page
    _log_in(page, factory.user().email)
    page.goto(f"/projects/{project.slug}/key")
    expect(page).to_have_url(re.compile(f"/pages/{item.id}$"))

    title = page.locator(".field:has(#f_title)")
    expect(title.locator(".ocr-suggest-value")).to_have_text("整頓田賦徵收辦法")
    expect(page.locator(".field:has(#f_date) .ocr-suggest-value")).to_have_text(
        "中華民國三十七年五月十日")  # from the item's last page
    expect(page.locator(".field:has(#f_notes) .ocr-suggest")).to_have_count(0)
    expect(page.locator("#f_title")).to_have_value("")  # beside the field, never typed in

    title.locator(".ocr-suggest-use").click()
    expect(page.locator("#f_title")).to_have_value("整頓田賦徵收辦法")
    expect(page.locator("#f_title")).to_be_focused()
    expect(page.locator("#f_date")).to_have_value("")
