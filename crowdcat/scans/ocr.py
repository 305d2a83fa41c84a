"""A page's machine reading (OCR) as JSON, for the keying and review screens' scripts.

Read only when a screen asks for it (never by next page or submit). Who may read it is
who may see the scan: staff, or the volunteer the page was given to or who keyed it; a
restricted page's reading never reaches a volunteer.
"""
from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user, login_required

from crowdcat.extensions import db
from crowdcat.models import Image
from crowdcat.scans import bp
from crowdcat.services.access import can_view_scan, open_to_crowd
from crowdcat.services.ocr import readings


@bp.route("/scans/<int:image_id>/text")
@login_required
def text(image_id: int):
    """The image's recognised lines (boxes in its pixels, reading order), or status missing."""
    image = db.session.get(Image, image_id)
    if image is None or not can_view_scan(db.session, current_user, image.item):
        abort(404)
    if not current_user.is_staff and not open_to_crowd(image.item):
        abort(404)  # said by can_view_scan already; the text of a restricted item is staff's
    response = jsonify(readings.as_json(image, readings.latest(db.session, image.id)))
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response
