"""Sign up, switch language and log in again, in real Chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_sign_up_switch_to_english_log_out_and_in(browser_page):
    page = browser_page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    page.get_by_role("link", name="註冊").first.click()
    page.get_by_label("顯示名稱").fill("陳志願")
    page.get_by_label("電子郵件地址").fill("chen@example.org")
    page.get_by_label("密碼", exact=True).fill("keying all night long")
    page.get_by_label("再次輸入密碼").fill("keying all night long")
    page.get_by_role("button", name="註冊").click()
    expect(page.get_by_text("歡迎，陳志願")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail address").fill("chen@example.org")
    page.get_by_label("Password").fill("keying all night long")
    page.keyboard.press("Enter")
    expect(page.locator(".who")).to_have_text("陳志願")
    # The choice was remembered on the account too.
    expect(page.locator("html")).to_have_attribute("lang", "en")
