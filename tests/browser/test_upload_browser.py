"""Uploading scans from the browser: one request per file with progress, bad files named."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crowdcat.models import Image, Role
from tests.browser.test_viewer_browser import _log_in
from tests.factories_scans import scan

pytestmark = pytest.mark.browser


def test_upload_several_files_with_progress_and_reasons(browser_page, factory, session):
    admin = factory.user(Role.ADMIN)
    project = factory.project()
    _log_in(browser_page, admin.email)
    browser_page.goto(f"/admin/projects/{project.slug}/import")
    browser_page.get_by_label("掃描影像（JPEG、PNG、TIFF、WebP）").set_input_files([
        {"name": "卷1-2.jpg", "mimeType": "image/jpeg", "buffer": scan((300, 400), seed=1)},
        {"name": "說明.jpg", "mimeType": "image/jpeg", "buffer": "不是影像".encode()},
        {"name": "卷1-10.png", "mimeType": "image/png", "buffer": scan((300, 400), "PNG")},
    ])
    browser_page.get_by_role("button", name="匯入").click()
    expect(browser_page.locator(".upload-summary")).to_have_text(
        "完成：匯入 2 個，略過 0 個，未匯入 1 個。")
    bad = browser_page.locator("tr.result-rejected")
    expect(bad).to_contain_text("說明.jpg")
    expect(bad).to_contain_text("不是可接受格式")
    expect(browser_page.locator("tr.result-imported progress").first).to_have_attribute(
        "value", "100")
    session.rollback()  # end the test's transaction: see what the server committed
    names = session.scalars(select(Image.original_name).where(Image.project_id == project.id)
                            .order_by(Image.id)).all()
    assert names == ["卷1-2.jpg", "卷1-10.png"]
