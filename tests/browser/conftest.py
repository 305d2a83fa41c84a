"""Browser tests: the real app served on a local port, driven by Debian's Chromium."""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def _playwright_browser():  # noqa: ANN202
    """One Chromium for the session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.fail("Chromium is not installed: run `make browser-deps` (Debian chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free local port; yields its base URL."""
    app.config["WTF_CSRF_ENABLED"] = True  # the browser sends real tokens
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def browser_page(_playwright_browser, live_server: str):  # noqa: ANN001, ANN201
    """A fresh browser tab (own cookies and storage) pointed at the live server."""
    context = _playwright_browser.new_context(base_url=live_server, locale="zh-TW",
                                              viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
