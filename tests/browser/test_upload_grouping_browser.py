"""The upload form previews how files group into items before anything is saved."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crowdcat.models import Item, Role
from tests.browser.test_viewer_browser import _log_in
from tests.factories_scans import scan

pytestmark = pytest.mark.browser


def test_the_preview_shows_items_and_a_missing_page_then_the_upload_groups_them(
        browser_page, factory, session):
    admin = factory.user(Role.ADMIN)
    project = factory.project()
    _log_in(browser_page, admin.email)
    browser_page.goto(f"/admin/projects/{project.slug}/import")
    browser_page.get_by_label("掃描影像（JPEG、PNG、TIFF、WebP）").set_input_files([
        {"name": f"L002-001-0276-0015-{n:04d}.jpg", "mimeType": "image/jpeg",
         "buffer": scan((300, 400), seed=n)} for n in (2, 1, 4)])
    preview = browser_page.locator(".upload-preview")
    expect(preview.locator(".upload-preview-items > li")).to_have_count(1)
    expect(preview).to_contain_text("L002-001-0276-0015")
    expect(preview.locator(".upload-preview-notes")).to_contain_text("缺第 3 頁")
    session.rollback()
    assert session.scalars(select(Item).where(Item.project_id == project.id)).all() == []
    browser_page.get_by_role("button", name="匯入").click()
    expect(browser_page.locator(".upload-summary")).to_contain_text("匯入 3 個")
    session.rollback()
    (item,) = session.scalars(select(Item).where(Item.project_id == project.id)).all()
    assert [i.original_name for i in item.images] == [
        f"L002-001-0276-0015-{n:04d}.jpg" for n in (1, 2, 4)]
