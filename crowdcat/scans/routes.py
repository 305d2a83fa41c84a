"""Scan image routes: every image goes through an access check."""
from __future__ import annotations

from flask import abort, current_app, send_file
from flask_login import current_user, login_required

from crowdcat.extensions import db
from crowdcat.models import Page
from crowdcat.scans import bp
from crowdcat.services.access import can_view_page
from crowdcat.services.storage import storage_for


def _visible_page(page_id: int) -> Page:
    """The page, if the current user may see it (404 otherwise: no hint that it exists)."""
    page = db.session.get(Page, page_id)
    if page is None or not can_view_page(current_user, page):
        abort(404)
    return page


@bp.route("/scans/<int:page_id>/image")
@login_required
def image(page_id: int):
    """The stored scan of a page."""
    page = _visible_page(page_id)
    storage = storage_for(current_app.config)
    try:
        handle = storage.open(page.image_key)
    except FileNotFoundError:
        abort(404)
    response = send_file(handle, mimetype="image/jpeg", etag=page.content_hash,
                         max_age=7 * 24 * 3600, conditional=True)
    response.cache_control.private = True
    return response
