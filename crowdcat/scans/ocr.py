"""An image's machine reading (OCR) and an item's field suggestions, as JSON for the screens.

Read only when a screen asks for it (never by next page or submit). Who may read it is
who may see the scan: staff, or the volunteer the page was given to or who keyed it; a
restricted page's reading never reaches a volunteer.
"""
from __future__ import annotations

from flask import Response, abort, jsonify
from flask_login import current_user, login_required

from crowdcat.extensions import db
from crowdcat.models import Image, Item
from crowdcat.scans import bp
from crowdcat.services.access import can_view_scan, open_to_crowd
from crowdcat.services.ocr import readings, suggestions


@bp.route("/scans/<int:image_id>/text")
@login_required
def text(image_id: int):
    """The image's recognised lines (boxes in its pixels, reading order), or status missing."""
    image = db.session.get(Image, image_id)
    if image is None or not can_view_scan(db.session, current_user, image.item):
        abort(404)
    if not current_user.is_staff and not open_to_crowd(image.item):
        abort(404)  # said by can_view_scan already; the text of a restricted item is staff's
    return _private(jsonify(readings.as_json(image, readings.latest(db.session, image.id))))


@bp.route("/items/<int:item_id>/suggestions")
@login_required
def item_suggestions(item_id: int):
    """What the machine reading proposes for the item's fields (when the project shows it)."""
    item = db.session.get(Item, item_id)
    if item is None or not item.project.ocr_suggestions \
            or not can_view_scan(db.session, current_user, item):
        abort(404)
    if not current_user.is_staff and not open_to_crowd(item):
        abort(404)  # a restricted item's text, suggestions included, is staff's
    return _private(jsonify({"item_id": item.id,
                             "suggestions": suggestions.for_item(db.session, item)}))


def _private(response: Response) -> Response:
    """Kept by this browser only, and checked again each time (access can change)."""
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response
