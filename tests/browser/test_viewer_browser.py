"""The deep-zoom scan viewer in real Chromium: tiles load, rotate and invert work."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crowdcat.models import Role
from tests.factories_scans import import_page, scan

pytestmark = pytest.mark.browser


def _log_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("input[name=password]").press("Enter")
    expect(page.locator(".who")).to_be_visible()


def test_viewer_draws_tiles_and_rotates_and_inverts(browser_page, factory, session):
    admin = factory.user(Role.ADMIN)
    project = factory.project()
    scan_page = import_page(session, project, scan((1400, 2000), seed=3), "p1.jpg")
    tile_responses = []
    browser_page.on("response", lambda r: tile_responses.append(r.status)
                    if "/iiif/" in r.url and r.url.endswith(".jpg") else None)
    _log_in(browser_page, admin.email)
    browser_page.goto(f"/admin/projects/{project.slug}/pages/{scan_page.id}")

    figure = browser_page.locator("figure.viewer")
    expect(figure).to_have_attribute("data-state", "ready")
    assert tile_responses and all(status == 200 for status in tile_responses)
    # The drawn canvas holds the scan: it is not blank (the dark text lines are there).
    dark = browser_page.evaluate("""() => {
        const c = document.querySelector('figure.viewer canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 80) dark++;
        return dark; }""")
    assert dark > 100

    browser_page.get_by_role("button", name="向右旋轉").click()
    expect(figure).to_have_attribute("data-rotation", "90")
    assert browser_page.evaluate(
        "() => document.querySelector('figure.viewer').viewer.viewport.getRotation()") == 90
    browser_page.get_by_role("button", name="反相").click()
    expect(figure).to_have_attribute("data-invert", "true")
    invert = browser_page.get_by_role("button", name="反相")
    expect(invert).to_have_attribute("aria-pressed", "true")
    assert "invert(1)" in browser_page.evaluate(
        "() => document.querySelector('figure.viewer .openseadragon-canvas').style.filter")


def test_viewer_keys_work_but_not_while_typing(browser_page, factory, session):
    admin = factory.user(Role.ADMIN)
    project = factory.project()
    scan_page = import_page(session, project, scan((800, 1100), seed=4), "p2.jpg")
    _log_in(browser_page, admin.email)
    browser_page.goto(f"/admin/projects/{project.slug}/pages/{scan_page.id}")
    figure = browser_page.locator("figure.viewer")
    expect(figure).to_have_attribute("data-state", "ready")

    browser_page.locator("body").press("r")
    expect(figure).to_have_attribute("data-rotation", "90")
    browser_page.locator("body").press("Shift+R")
    expect(figure).to_have_attribute("data-rotation", "0")
    browser_page.locator("body").press("i")
    expect(figure).to_have_attribute("data-invert", "true")

    # Typing "r" and "i" into a field types them; the viewer does not react.
    browser_page.evaluate("""() => { const i = document.createElement('input');
        i.id = 'typing'; i.setAttribute('aria-label', 'typing');
        document.querySelector('main').prepend(i); }""")
    field = browser_page.locator("#typing")
    field.click()
    field.press_sequentially("ri")
    expect(field).to_have_value("ri")
    expect(figure).to_have_attribute("data-rotation", "0")
    expect(figure).to_have_attribute("data-invert", "true")
