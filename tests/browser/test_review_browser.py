"""A reviewer takes an alternative, corrects a field, approves, moves on; the history shows it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crowdcat.models import Role
from tests.factories import Factory
from tests.factories_review import ReviewFactory

pytestmark = pytest.mark.browser

AGREED = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}


def _log_in(page, user) -> None:  # noqa: ANN001
    """Log in through the form and wait until the site greets the user."""
    page.goto("/auth/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(Factory.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".who")).to_have_text(user.display_name)


def test_take_alternative_correct_approve_and_next(browser_page, session, factory):
    rf = ReviewFactory(session, factory)
    project = factory.project(title="建設廳檔案")
    volunteers = [factory.user(display_name="陳一"), factory.user(display_name="李二")]
    first = rf.entry(project, [AGREED, AGREED | {"pages": "4"}], volunteers=volunteers)
    second = rf.agreed(project, AGREED)
    reviewer = factory.user(Role.REVIEWER, display_name="林審核")

    page = browser_page
    _log_in(page, reviewer)
    page.get_by_role("link", name="審核").click()
    page.get_by_role("link", name="建設廳檔案").click()
    page.get_by_role("link", name=f"第 {first.item.sequence} 件").click()

    pages = page.locator("#field-pages")
    expect(pages.locator(".badge.conflict")).to_be_visible()
    # One click on the alternative typed by 李二 fills the box.
    pages.locator("label.alt", has_text="李二").click()
    expect(page.locator("#value-pages")).to_have_value("4")
    page.locator("#value-title").fill("呈報縣政府修築公路經費案")
    page.keyboard.press("Alt+N")

    expect(page.locator("h1")).to_contain_text(f"第 {second.item.sequence} 件")
    expect(page.get_by_text(f"已審核通過：第 {first.item.sequence} 件")).to_be_visible()

    page.goto(f"/review/entries/{first.id}/history")
    correction = page.locator(".history-event[data-action='entry.correct']")
    expect(correction).to_contain_text("林審核")
    expect(correction.locator("tr", has_text="題名")).to_contain_text("呈報縣政府修築公路經費案")
    expect(correction.locator("tr", has_text="頁數")).to_contain_text("4")
    expect(page.locator(".history-event[data-action='entry.approve']")).to_be_visible()


def test_keyboard_help_and_number_keys(browser_page, session, factory):
    rf = ReviewFactory(session, factory)
    project = factory.project()
    entry = rf.entry(project, [AGREED, AGREED | {"pages": "4"}])
    reviewer = factory.user(Role.REVIEWER)
    page = browser_page
    _log_in(page, reviewer)
    page.goto(f"/review/entries/{entry.id}")
    # The conflict field has the focus; Esc leaves the box, then 2 takes the second alternative.
    expect(page.locator("#value-pages")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#review-shortcuts")).to_be_visible()
    page.keyboard.press("2")
    second = entry.reconciled["fields"]["pages"]["groups"][1]["value"]
    expect(page.locator("#value-pages")).to_have_value(second)
    page.keyboard.press("Alt+A")
    expect(page.locator("#entry-status")).to_have_class(re.compile(r"\bapproved\b"))
