"""API v1 for keying: same services and rules as the HTML screens."""
from __future__ import annotations

from flask import Response, abort, current_app, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crowdcat.api import body as request_body
from crowdcat.api import bp
from crowdcat.api.auth import (
    api_user,
    api_user_id,
    bearer_token,
    error,
    service_error,
    token_required,
    unauthorized,
    use_token_of,
)
from crowdcat.api.openapi import SPEC
from crowdcat.extensions import db
from crowdcat.models import OPEN_TO_CROWD, Image, Item, Project
from crowdcat.services import access
from crowdcat.services.keying import assignment
from crowdcat.services.keying import next_by_token as token_claim
from crowdcat.services.keying import submission as submissions
from crowdcat.services.keying.validation import MAX_ROWS, InvalidValues
from crowdcat.services.projects import snapshot
from crowdcat.services.projects.snapshot import ProjectSnapshot
from crowdcat.unit_of_work import unit_of_work


def _reserved_json(project: ProjectSnapshot, reserved: assignment.Reserved,
                   images: tuple[token_claim.ItemImage, ...], fields: bool = True) -> dict:
    """A reserved item: what a client needs to show and key it (nobody else's values).

    `images`: the item's images in order, each by the API's authorized image route.
    `image_url` (the first image) is kept for clients written when an item was one image.
    """
    prefill = {k: v for k, v in reserved.prefill.items() if v is not None and str(v).strip()}
    base = _image_base()
    shown = [{"url": f"{base}{image.id}", "width": image.width, "height": image.height}
             for image in images]
    described = {
        "item_id": reserved.item_id, "sequence": reserved.sequence, "project": project.slug,
        "images": shown,
        "image_url": shown[0]["url"] if shown else None,
        "prefill": prefill,
        "reserved_until": reserved.expires_at.isoformat(),
    }
    if fields:
        described["fields"] = project.fields_json(reserved.prefill)
    return described


# The image route's address up to its id, per host the API is reached by (url_for with
# _external costs as much as the rest of building the answer; the address never changes).
_IMAGE_BASES: dict[tuple[str, str, str], str] = {}


def _image_base() -> str:
    """The absolute address of api.image without the image id, e.g. https://h/api/v1/images/."""
    environ = request.environ
    host = (environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""))
    base = _IMAGE_BASES.get(host)
    if base is None:
        if len(_IMAGE_BASES) > 64:  # hosts sent by clients: bounded
            _IMAGE_BASES.clear()
        base = _IMAGE_BASES[host] = url_for("api.image", image_id=0,
                                            _external=True).removesuffix("0")
    return base


def _check_open(item_id: int) -> None:
    """404 unless the item is open to the crowd in an active project (one Core query)."""
    if not access.page_is_open(db.session, item_id):
        abort(404)


def _open_item(item_id: int) -> Item:
    """An item open to the crowd in an active project, else 404 (restricted items do not
    exist)."""
    item = db.session.get(Item, item_id)
    if item is None or not access.open_to_crowd(item):
        abort(404)
    return item


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(SPEC)


@bp.route("/projects")
@unit_of_work  # the token's use
@token_required
def projects():
    """Active projects."""
    rows = db.session.scalars(
        select(Project).where(OPEN_TO_CROWD.project_sql(Project.status)).order_by(Project.title)
    ).all()
    return jsonify(projects=[
        {"slug": p.slug, "title": p.title, "description": p.description,
         "instructions": p.instructions, "reservation_minutes": p.reservation_minutes}
        for p in rows
    ])


@bp.route("/projects/<slug>/next", methods=["POST"])
@unit_of_work  # commits only what the session holds: the claim commits on its own connection
def next_page(slug: str):
    """Reserve and return the next page, or 204 when nothing is left for this volunteer."""
    # The token is checked by the same statement that claims the page (token_claim).
    found = token_claim.next_page(db.session, token=bearer_token(), slug=slug)
    if found.user_id is None:
        return unauthorized()
    reserved = found.reserved
    if reserved is None:
        use_token_of(found.user_id)  # messages in the volunteer's language
        if found.project is None:
            return error(404, _("There is no such project."))
        if found.error is not None:
            return service_error(found.error)
    if reserved is None:
        return "", 204
    return _reserved_response(found.project, reserved, found.images)


def _reserved_response(project: ProjectSnapshot, reserved: assignment.Reserved,
                       images: tuple[token_claim.ItemImage, ...]) -> Response:
    """_reserved_json() as a response, the project's field list spliced in as serialized once
    per project version (projects.snapshot): the same object, without encoding 3 kB per request."""
    described = _reserved_json(project, reserved, images, fields=False)
    body = current_app.json.dumps(described)
    body = f'{body[:-1]},"fields":{project.fields_json_text(reserved.prefill)}}}\n'
    return current_app.response_class(body, mimetype="application/json")


@bp.route("/items/<int:item_id>/submissions", methods=["POST"])
@unit_of_work
@token_required
def submit(item_id: int):
    """Store {"values": {...}}, {"values": {...}, "rows": [...]} (a list item) or
    {"skip": reason}; 201, 422, 409 or 404."""
    try:
        body = request_body.json_object()
    except request_body.BodyRefused as exc:
        _check_open(item_id)  # 404 before 400
        return error(400, exc.message, code=exc.code)
    if "rows" in body:  # only a body with rows pays for what follows
        return _submit_rows(item_id, body)
    if ("values" in body) == ("skip" in body):
        _check_open(item_id)  # 404 before 400
        return error(400, _('Send a JSON object with either "values" or "skip".'))
    # A refusal goes to crowdcat.errors: 404 (closed or restricted: the same answer as any
    # unknown address), 409, 422 with the fields' messages.
    try:
        submission = submissions.submit(
            db.session, page=item_id, user=api_user_id(), values=body.get("values"),
            skip_reason=body.get("skip"),
        )
    except InvalidValues as exc:
        if "rows" in exc.errors:  # an item of a list project, sent without its rows
            raise InvalidValues(exc.errors | {"rows": _l(
                'This item is keyed as a list: send its rows as "rows": [{field: value, '
                '...}, ...] (at least one, at most %(max)d) with the header\'s "values".',
                max=MAX_ROWS)}) from exc
        raise
    return jsonify(submissions.to_dict(submission)), 201


def _submit_rows(item_id: int, body: dict) -> tuple[Response, int] | Response:
    """A body with "rows": a list item's header values and rows (refused for other items)."""
    if "skip" in body:
        _check_open(item_id)  # 404 before 400
        return error(400, _('A skip has no "rows": send "values" and "rows", or "skip" '
                            'alone.'))
    project_id = db.session.scalar(select(Item.project_id).where(Item.id == item_id))
    project = (snapshot.load(db.session, project_id=project_id)
               if project_id is not None else None)
    if project is None or not project.list_mode:
        _check_open(item_id)  # 404 before 422: a restricted item is not described
        message = _('This item is not keyed as a list: send its "values" without "rows".')
        return error(422, message, code="not_a_list", fields={"rows": message})
    submission = submissions.submit(
        db.session, page=item_id, user=api_user_id(), values=body.get("values"),
        rows=body["rows"],
    )
    return jsonify(submissions.to_dict(submission)), 201


@bp.route("/items/<int:item_id>/reservation", methods=["POST"])
@unit_of_work
@token_required
def renew(item_id: int):
    """Extend the hold on an item being keyed; 409 when it can no longer be held."""
    item = _open_item(item_id)
    until = assignment.renew(db.session, page=item, user=api_user())
    if until is None:
        return error(409, _("This page is no longer held for you."), code="not_held")
    return jsonify(reserved_until=until.isoformat())


@bp.route("/images/<int:image_id>")
@unit_of_work  # the token's use
@token_required
def image(image_id: int):
    """One image of an item, for token-authenticated clients (the site's access rule: a
    volunteer gets the images of an item given to them or keyed by them, never of a
    restricted item)."""
    found = db.session.get(Image, image_id)
    if found is None or not access.open_to_crowd(found.item):
        abort(404)
    return current_app.view_functions["scans.image"](image_id=image_id)


# The addresses of API clients written when an item was one image (/pages/<id>, the item's
# id): 308 keeps the method and the body. Undocumented in the OpenAPI file.
@bp.route("/pages/<int:item_id>/submissions", methods=["POST"])
@unit_of_work  # nothing to commit: a POST view all the same
def submit_moved(item_id: int):
    """308 to /items/<item_id>/submissions."""
    return redirect(url_for(".submit", item_id=item_id), 308)


@bp.route("/pages/<int:item_id>/reservation", methods=["POST"])
@unit_of_work  # nothing to commit: a POST view all the same
def renew_moved(item_id: int):
    """308 to /items/<item_id>/reservation."""
    return redirect(url_for(".renew", item_id=item_id), 308)


@bp.route("/pages/<int:item_id>/image")
@unit_of_work  # the token's use
@token_required
def page_image_moved(item_id: int):
    """308 to the item's first image, for whoever may see the item (else 404, as before)."""
    item = _open_item(item_id)
    if not item.images or not access.can_view_scan(db.session, api_user(), item):
        abort(404)
    return redirect(url_for(".image", image_id=item.images[0].id), 308)
