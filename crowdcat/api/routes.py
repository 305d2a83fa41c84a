"""API v1 for keying: same services and rules as the HTML screens."""
from __future__ import annotations

from flask import Response, abort, current_app, jsonify, url_for
from flask_babel import gettext as _
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
from crowdcat.models import OPEN_TO_CROWD, Item, Project
from crowdcat.services import access
from crowdcat.services.keying import assignment
from crowdcat.services.keying import next_by_token as token_claim
from crowdcat.services.keying import submission as submissions
from crowdcat.services.projects.snapshot import ProjectSnapshot
from crowdcat.unit_of_work import unit_of_work


def _reserved_json(project: ProjectSnapshot, reserved: assignment.Reserved,
                   fields: bool = True) -> dict:
    """A reserved page: what a client needs to show and key it (nobody else's values)."""
    prefill = {k: v for k, v in reserved.prefill.items() if v is not None and str(v).strip()}
    described = {
        "item_id": reserved.item_id, "sequence": reserved.sequence, "project": project.slug,
        "image_url": url_for("api.page_image", item_id=reserved.item_id, _external=True),
        "prefill": prefill,
        "reserved_until": reserved.expires_at.isoformat(),
    }
    if fields:
        described["fields"] = project.fields_json(reserved.prefill)
    return described


def _check_open(item_id: int) -> None:
    """404 unless the page is open to the crowd in an active project (one Core query)."""
    if not access.page_is_open(db.session, item_id):
        abort(404)


def _open_page(item_id: int) -> Item:
    """A page open to the crowd in an active project, else 404 (restricted pages do not exist)."""
    page = db.session.get(Item, item_id)
    if page is None or not access.open_to_crowd(page):
        abort(404)
    return page


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
    return _reserved_response(found.project, reserved)


def _reserved_response(project: ProjectSnapshot, reserved: assignment.Reserved) -> Response:
    """_reserved_json() as a response, the project's field list spliced in as serialized once
    per project version (projects.snapshot): the same object, without encoding 3 kB per request."""
    described = _reserved_json(project, reserved, fields=False)
    body = current_app.json.dumps(described)
    body = f'{body[:-1]},"fields":{project.fields_json_text(reserved.prefill)}}}\n'
    return current_app.response_class(body, mimetype="application/json")


@bp.route("/pages/<int:item_id>/submissions", methods=["POST"])
@unit_of_work
@token_required
def submit(item_id: int):
    """Store {"values": {...}} or {"skip": reason}; 201, 422, 409 or 404."""
    try:
        body = request_body.json_object()
    except request_body.BodyRefused as exc:
        _check_open(item_id)  # 404 before 400
        return error(400, exc.message, code=exc.code)
    if ("values" in body) == ("skip" in body):
        _check_open(item_id)  # 404 before 400
        return error(400, _('Send a JSON object with either "values" or "skip".'))
    # A refusal goes to crowdcat.errors: 404 (closed or restricted: the same answer as any
    # unknown address), 409, 422 with the fields' messages.
    submission = submissions.submit(
        db.session, page=item_id, user=api_user_id(), values=body.get("values"),
        skip_reason=body.get("skip"),
    )
    return jsonify(submissions.to_dict(submission)), 201


@bp.route("/pages/<int:item_id>/reservation", methods=["POST"])
@unit_of_work
@token_required
def renew(item_id: int):
    """Extend the hold on a page being keyed; 409 when it can no longer be held."""
    page = _open_page(item_id)
    until = assignment.renew(db.session, page=page, user=api_user())
    if until is None:
        return error(409, _("This page is no longer held for you."), code="not_held")
    return jsonify(reserved_until=until.isoformat())


@bp.route("/pages/<int:item_id>/image")
@unit_of_work  # the token's use
@token_required
def page_image(item_id: int):
    """The page's scan, for token-authenticated clients (same access rule as the site)."""
    _open_page(item_id)
    return current_app.view_functions["scans.image"](item_id=item_id)
