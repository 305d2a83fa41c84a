"""Keying a list page (卷內文件目錄) in real Chromium, with the keyboard only."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.transcribe.test_list_keying import LIST_FIELDS

pytestmark = pytest.mark.browser


def _log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("input[name=password]").press("Enter")
    expect(page.locator(".who")).to_be_visible()


def _type_row(page, *cells: str, end: str = "Enter") -> None:  # noqa: ANN001
    """Type a row's cells in order, Tab between them, `end` after the last."""
    for n, text in enumerate(cells):
        page.keyboard.type(text)
        page.keyboard.press(end if n == len(cells) - 1 else "Tab")


def test_key_three_rows_with_the_keyboard_ditto_add_and_delete(browser_page, factory):
    project = factory.project(fields=LIST_FIELDS)
    item = factory.item(project)
    user = factory.user()
    page = browser_page
    _log_in(page, user.email)
    page.goto(f"/projects/{project.slug}/key")
    expect(page).to_have_url(re.compile(f"/pages/{item.id}$"))

    # Header fields first; Enter goes on to the next field, then into the grid.
    expect(page.locator("#f_fonds")).to_be_focused()
    page.keyboard.type("L002")
    page.keyboard.press("Enter")
    expect(page.locator("#f_volume")).to_be_focused()
    page.keyboard.type("0276")
    page.keyboard.press("Enter")
    expect(page.locator("#r1_seq")).to_be_focused()
    expect(page.locator("#row-count")).to_have_text("1 列")

    # Enter moves across the row; on the last cell of the last row it adds the next row.
    for text in ("1", "行政院", "關於徵集民國檔案的訓令"):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    page.keyboard.type("民國三十七年五月十日")
    page.keyboard.press("Enter")
    expect(page.locator("#r2_seq")).to_be_focused()
    expect(page.locator("#row-count")).to_have_text("2 列")

    # 同上 shows at once the value it stands for.
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("同上")
    expect(page.locator("#r2_author-ditto")).to_have_text("= 行政院")
    page.keyboard.press("Tab")
    _type_row(page, "關於檔案保管的通知", "1948-06-01")
    expect(page.locator("#r3_seq")).to_be_focused()
    _type_row(page, "3", "內政部", "呈報檔案清冊", "民國三十七年七月一日", end="Tab")

    # Alt+Enter adds a row below the current one; Alt+Delete deletes it again.
    page.locator("#r3_date").focus()
    page.keyboard.press("Alt+Enter")
    expect(page.locator("#r4_seq")).to_be_focused()
    expect(page.locator("#row-count")).to_have_text("4 列")
    page.keyboard.type("多餘")
    page.keyboard.press("Alt+Delete")
    expect(page.locator("#row-count")).to_have_text("3 列")
    expect(page.locator("#r4_seq")).to_have_count(0)
    expect(page.locator("#r3_title")).to_have_value("呈報檔案清冊")

    # A row deleted with its button (reached with the keyboard): the rows below move up.
    page.locator("#r1_seq").focus()
    page.keyboard.press("Alt+Enter")
    _type_row(page, "9", "誤植", "不該有的一列", "1948-01-01", end="Tab")
    expect(page.locator("#row-count")).to_have_text("4 列")
    expect(page.get_by_role("button", name="將第 2 列上移")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="刪除第 2 列")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#row-count")).to_have_text("3 列")
    expect(page.locator("#r2_title")).to_have_value("關於檔案保管的通知")
    expect(page.locator("#r2_author-ditto")).to_have_text("= 行政院")

    # The grid is in the draft: a reload brings back every row and cell.
    page.wait_for_function(
        "Object.keys(localStorage).some(k => k.startsWith('crowdcat:draft:')"
        " && localStorage.getItem(k).includes('呈報檔案清冊')"
        " && !localStorage.getItem(k).includes('不該有的一列'))")
    page.reload()
    expect(page.locator("#row-count")).to_have_text("3 列")
    expect(page.locator("#r3_author")).to_have_value("內政部")
    expect(page.locator("#r2_author")).to_have_value("同上")
    expect(page.locator("#r2_author-ditto")).to_have_text("= 行政院")
    expect(page.locator("#f_volume")).to_have_value("0276")


def _guide_at(page, share: int) -> None:  # noqa: ANN001
    """The viewer guide stands at `share` percent of the scan's height."""
    guide = page.locator("figure.viewer .viewer-guide")
    expect(guide).to_have_attribute("aria-valuenow", str(share))
    top = guide.evaluate("g => parseFloat(g.style.top)")
    assert round(top) == share


def test_the_viewer_guide_keeps_its_place_for_each_row_across_a_reload(browser_page, factory):
    project = factory.project(fields=LIST_FIELDS)
    item = factory.item(project)
    user = factory.user()
    page = browser_page
    _log_in(page, user.email)
    page.goto(f"/projects/{project.slug}/key")
    expect(page).to_have_url(re.compile(f"/pages/{item.id}$"))

    # Row 1 starts with the guide a fifth of the way down; Alt+PageDown nudges it lower.
    page.locator("#r1_seq").focus()
    _guide_at(page, 20)
    for _ in range(5):
        page.keyboard.press("Alt+PageDown")
    _guide_at(page, 25)
    expect(page.locator("#r1_seq")).to_be_focused()
    _type_row(page, "1", "行政院", "關於徵集民國檔案的訓令", "民國三十七年五月十日")

    # A new row 2 gets the guide just under row 1's; the volunteer drags it lower.
    expect(page.locator("#r2_seq")).to_be_focused()
    _guide_at(page, 29)
    figure = page.locator("figure.viewer").bounding_box()
    line = page.locator("figure.viewer .viewer-guide").bounding_box()
    middle = figure["x"] + figure["width"] / 2
    page.mouse.move(middle, line["y"])
    page.mouse.down()
    page.mouse.move(middle, figure["y"] + figure["height"] * 0.4, steps=5)
    page.mouse.up()
    _guide_at(page, 40)
    page.locator("#r2_seq").focus()
    _type_row(page, "2", "內政部", "呈報檔案清冊", "民國三十七年七月一日", end="Tab")

    # Each row brings back its own place.
    page.locator("#r1_title").focus()
    _guide_at(page, 25)
    page.locator("#r2_author").focus()
    _guide_at(page, 40)

    # After a reload the places are still kept, per row.
    page.wait_for_function(
        "Object.keys(localStorage).some(k => k.startsWith('crowdcat:draft:')"
        " && localStorage.getItem(k).includes('呈報檔案清冊'))")
    page.reload()
    expect(page.locator("#row-count")).to_have_text("2 列")
    page.locator("#r2_seq").focus()
    _guide_at(page, 40)
    page.locator("#r1_seq").focus()
    _guide_at(page, 25)
    page.keyboard.press("Alt+PageUp")
    _guide_at(page, 24)
    page.locator("#r2_date").focus()
    _guide_at(page, 40)
