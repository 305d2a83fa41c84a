"""The machine reading on the keying screen in real Chromium: boxes over the scan, click to copy."""
from __future__ import annotations

import re

import pytest
from flask import current_app
from playwright.sync_api import expect

from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine
from crowdcat.services.scans.storage import storage_for
from tests.factories_scans import import_page
from tests.services.ocr.conftest import jpeg, text_image

pytestmark = pytest.mark.browser


def _log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("input[name=password]").press("Enter")
    expect(page.locator(".who")).to_be_visible()


def _click_box(page, index: int, *, alt: bool = False) -> None:  # noqa: ANN001
    """Click the middle of a line's box over the scan (the canvas under it takes the click)."""
    box, before = page.locator(f".ocr-box[data-index='{index}']").bounding_box(), None
    while box != before:  # the viewer may still be zooming to the whole page
        page.wait_for_timeout(150)
        before, box = box, page.locator(f".ocr-box[data-index='{index}']").bounding_box()
    if alt:
        page.keyboard.down("Alt")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    if alt:
        page.keyboard.up("Alt")


def test_click_a_recognised_line_to_copy_it_into_the_focused_field(browser_page, factory,
                                                                   session):
    project = factory.project()
    image = import_page(session, project, jpeg(text_image(size=60)), "p1.jpg").images[0]
    pipeline.read_page(session, storage_for(current_app.config), image,
                       get_engine(DEFAULT_ENGINE))  # a real reading
    session.commit()
    volunteer = factory.user()
    page = browser_page
    _log_in(page, volunteer.email)
    page.goto(f"/projects/{project.slug}/key")
    expect(page).to_have_url(re.compile(f"/pages/{image.item_id}$"))
    expect(page.locator("figure.viewer")).to_have_attribute("data-state", "ready")

    toggle = page.locator("#ocr-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".ocr-box")).to_have_count(0)  # nothing is shown (or fetched) until asked
    page.locator("#f_title").click()
    toggle.click()
    expect(page.locator(".ocr-box")).to_have_count(2)
    expect(page.locator("#ocr-lines button")).to_have_text(["浙江省政府訓令", "府秘字第589號"])

    _click_box(page, 0)
    expect(page.locator("#f_title")).to_have_value("浙江省政府訓令")
    expect(page.locator("#f_title")).to_be_focused()
    _click_box(page, 1, alt=True)
    expect(page.locator("#f_title")).to_have_value("浙江省政府訓令府秘字第589號")

    # The text panel copies too, into the field last typed in; the field keeps the focus.
    page.locator("#f_pages").click()
    page.locator("#ocr-lines button", has_text="府秘字第589號").click()
    expect(page.locator("#f_pages")).to_have_value("府秘字第589號")
    expect(page.locator("#f_pages")).to_be_focused()

    # Alt+N picks the line nearest the centre of the view, Alt+Enter copies it.
    page.locator("#f_pages").fill("")
    page.keyboard.press("Alt+n")
    expect(page.locator("#ocr-lines li.picked")).to_have_count(1)
    page.keyboard.press("Alt+Enter")
    expect(page.locator("#f_pages")).not_to_have_value("")

    # The toggle stays on for the next page; off, the boxes go.
    toggle.click()
    expect(page.locator(".ocr-box")).to_have_count(0)
    expect(page.locator("#ocr-panel")).to_be_hidden()
