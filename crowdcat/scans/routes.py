"""Scan image routes: every image goes through an access check (volunteers: their items).

Web-size image, thumbnail, the original (staff), and a IIIF Image API level-1 service
for the deep-zoom viewer. Responses are private (access-controlled) but long-cached,
with an ETag naming the content hash and variant, so a revisit costs a 304 at most.
"""
from __future__ import annotations

from flask import Response, abort, current_app, jsonify, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from crowdcat.extensions import db
from crowdcat.models import Image
from crowdcat.scans import bp
from crowdcat.services.access import can_view_scan
from crowdcat.services.scans import derivatives
from crowdcat.services.scans import iiif as iiif_image
from crowdcat.services.scans.derivatives import Derived
from crowdcat.services.scans.images import MIMETYPES
from crowdcat.services.scans.storage import storage_for

ONE_MONTH = 30 * 24 * 3600
SUFFIX_FORMATS = {".jpg": "JPEG", ".png": "PNG", ".tif": "TIFF", ".webp": "WEBP"}


def _visible_image(image_id: int) -> Image:
    """The image, if the current user may see it (404 otherwise: no hint that it exists).

    Staff see every image; a volunteer only the images of items open to the crowd that were
    given to them or that they keyed (services.access.can_view_scan).
    """
    image = db.session.get(Image, image_id)
    if image is None or not can_view_scan(db.session, current_user, image.item):
        abort(404)
    return image


def _cached(response: Response, etag: str) -> Response:
    """Mark a response private, long-cached, and named by `etag`."""
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.max_age = ONE_MONTH
    return response


def _send(derived: Derived) -> Response:
    """A derivative (small: read whole), or 304 when the client already has it."""
    if derived.etag in request.if_none_match:
        return _cached(Response(status=304), derived.etag)
    response = _cached(Response(derived.read(), mimetype="image/jpeg"), derived.etag)
    return response.make_conditional(request)


def _derived(page: Image, variant: str) -> Derived:
    """A page's derivative, made now if the cache lost it (404 if the original is gone)."""
    storage = storage_for(current_app.config)
    try:
        return derivatives.ensure(storage, derivatives.store_for(storage), page.image_key,
                                  page.content_hash, variant)
    except FileNotFoundError:
        abort(404)


@bp.route("/scans/<int:image_id>/image")
@login_required
def image(image_id: int):
    """The web-size JPEG of a page (long side 1,600 px)."""
    derived = _derived(_visible_image(image_id), derivatives.WEB)
    return _send(derived)


@bp.route("/scans/<int:image_id>/thumbnail")
@login_required
def thumbnail(image_id: int):
    """The thumbnail JPEG of a page (long side 240 px)."""
    derived = _derived(_visible_image(image_id), derivatives.THUMB)
    return _send(derived)


@bp.route("/scans/<int:image_id>/original")
@login_required
def original(image_id: int):
    """The stored original, as imported: staff only (volunteers get the viewer's tiles)."""
    page = _visible_image(image_id)
    if not current_user.is_staff:
        abort(404)
    storage = storage_for(current_app.config)
    suffix = "." + page.image_key.rsplit(".", 1)[-1] if "." in page.image_key else ""
    mimetype = MIMETYPES.get(SUFFIX_FORMATS.get(suffix, ""), "application/octet-stream")
    try:
        path = storage.path(page.image_key)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mimetype, etag=page.content_hash, max_age=ONE_MONTH,
                         conditional=True)
    response.cache_control.private = True
    return response


@bp.route("/iiif/<int:image_id>")
@login_required
def iiif_base(image_id: int):
    """The IIIF base URI redirects to info.json, as the Image API asks."""
    _visible_image(image_id)
    return redirect(url_for("scans.iiif_info", image_id=image_id), 303)


@bp.route("/iiif/<int:image_id>/info.json")
@login_required
def iiif_info(image_id: int):
    """The IIIF Image API info.json of a page."""
    page = _visible_image(image_id)
    service_id = url_for("scans.iiif_base", image_id=page.id, _external=True)
    response = jsonify(iiif_image.info(service_id, page.width, page.height))
    response.headers["Content-Type"] = (
        'application/ld+json;profile="http://iiif.io/api/image/3/context.json"')
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    response.set_etag(f"{page.content_hash[:20]}-info")
    return response.make_conditional(request)


@bp.route("/iiif/<int:image_id>/<region>/<size>/<rotation>/<quality_format>")
@login_required
def iiif_tile(image_id: int, region: str, size: str, rotation: str, quality_format: str):
    """One IIIF image request (level 1: region, size, rotation 0, default/color jpg)."""
    page = _visible_image(image_id)
    try:
        req = iiif_image.parse(region, size, rotation, quality_format, page.width, page.height)
    except iiif_image.BadRequest:
        abort(400)
    storage = storage_for(current_app.config)
    store = derivatives.store_for(storage)
    try:
        source = derivatives.tile_source(storage, store, page.image_key, page.content_hash)
        derived = iiif_image.render(store, page.content_hash, source, req,
                                    page.width, page.height)
    except FileNotFoundError:
        abort(404)
    return _send(derived)
