"""Keying in real Chromium: sign up, key with the keyboard, skip, drafts, resume."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "keying all night long"


def _sign_up(page, email: str) -> None:  # noqa: ANN001
    page.goto("/auth/signup")
    page.locator("input[name=display_name]").fill("陳志願")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=confirm]").fill(PASSWORD)
    page.locator("input[name=confirm]").press("Enter")
    expect(page.locator(".who")).to_have_text("陳志願")


def test_key_with_the_keyboard_skip_keep_drafts_and_resume(browser_page, factory):
    project = factory.project(title="民國檔案著錄", instructions="請照錄原文。")
    pages = [factory.item(project, sequence=n) for n in (1, 2, 3)]
    page = browser_page
    _sign_up(page, "chen@example.org")

    page.goto("/projects")
    expect(page.get_by_role("progressbar")).to_be_visible()
    page.locator(f"a[href='/projects/{project.slug}/key']").first.click()
    expect(page).to_have_url(re.compile(f"/pages/{pages[0].id}$"))

    # The first field has the focus; Tab walks the form in order; Ctrl+Enter submits.
    expect(page.locator("#f_title")).to_be_focused()
    page.keyboard.type("關於徵集民國檔案的訓令")
    page.keyboard.press("Tab")
    page.keyboard.type("民國三十七年五月十日")
    expect(page.locator("#f_date-hint")).to_contain_text("1948-05-10")
    page.keyboard.press("Tab")
    expect(page.locator("#f_pages")).to_be_focused()
    page.keyboard.type("三")
    page.keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(f"/pages/{pages[1].id}"))
    expect(page.locator(".flash-success")).to_be_visible()

    # The shortcut panel opens with "?" outside the fields and closes with Escape.
    page.locator("h1").click()
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()

    # A reload keeps the draft.
    page.locator("#f_title").fill("草稿題名")
    page.wait_for_function("Object.keys(localStorage).some(k => k.startsWith('crowdcat:draft:')"
                           " && localStorage.getItem(k).includes('草稿題名'))")
    page.reload()
    expect(page.locator("#f_title")).to_have_value("草稿題名")
    expect(page.locator("#draft-note")).to_be_visible()

    # Skip with a reason: on to the third page.
    page.locator(".skip-box summary").click()
    page.locator("input[name=reason][value=illegible]").check()
    page.locator(".skip-box button[type=submit]").click()
    expect(page).to_have_url(re.compile(f"/pages/{pages[2].id}"))

    # Log out and in again: the reserved page is resumed.
    page.locator("form[action='/auth/logout'] button").click()
    page.goto("/auth/login")
    page.locator("input[name=email]").fill("chen@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator(".who")).to_have_text("陳志願")
    page.goto(f"/projects/{project.slug}/key")
    expect(page).to_have_url(re.compile(f"/pages/{pages[2].id}"))


def test_bad_date_is_refused_beside_the_field_and_the_values_stay(browser_page, factory):
    project = factory.project()
    factory.item(project)
    page = browser_page
    _sign_up(page, "lin@example.org")
    page.goto(f"/projects/{project.slug}/key")
    page.locator("#f_title").fill("題名")
    page.locator("#f_date").fill("五月某日")
    expect(page.locator("#f_date-hint")).to_have_class(re.compile("unread"))
    page.locator("#f_date").press("Control+Enter")
    expect(page.locator("#f_date-err")).to_be_visible()
    expect(page.locator("#f_title")).to_have_value("題名")


def test_tablet_width_stacks_the_scan_above_the_form(browser_page, factory):
    project = factory.project()
    factory.item(project)
    page = browser_page
    page.set_viewport_size({"width": 800, "height": 1100})
    _sign_up(page, "wang@example.org")
    page.goto(f"/projects/{project.slug}/key")
    scan = page.locator(".keying-scan").bounding_box()
    form = page.locator(".keying-panel").bounding_box()
    assert form["y"] >= scan["y"] + scan["height"] - 1
