"""The keying screen: next page, submit, skip, keep the reservation alive."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crowdcat.extensions import db
from crowdcat.models import Item, SkipReason, utcnow
from crowdcat.services import access
from crowdcat.services.errors import Conflict, NotFound, ServiceError
from crowdcat.services.keying import assignment, prefill
from crowdcat.services.keying import submission as submissions
from crowdcat.services.keying.validation import InvalidValues
from crowdcat.services.reconciliation.normalization import parse_date
from crowdcat.transcribe import bp
from crowdcat.transcribe.projects import active_project
from crowdcat.unit_of_work import refused, unit_of_work

FIELD_PREFIX = "f_"
SKIP_LABELS = {
    SkipReason.ILLEGIBLE.value: _l("The page cannot be read"),
    SkipReason.BLANK.value: _l("The page is blank"),
    SkipReason.NOT_CATALOG.value: _l("This is not a catalog page"),
    SkipReason.OTHER.value: _l("Another reason"),
}


def _page_of(project, item_id: int) -> Item:  # noqa: ANN001
    """A page of the project open to the crowd, or 404 (restricted pages do not exist)."""
    page = db.session.get(Item, item_id)
    if page is None or page.project_id != project.id or not access.open_to_crowd(page):
        abort(404)
    return page


def _started() -> datetime | None:
    """When the keying screen was opened (hidden field), if it reads as a time."""
    try:
        value = datetime.fromisoformat(request.form.get("started", ""))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _screen(project, page, *, values=None, errors=None, message=None, kind="error",  # noqa: ANN001
            status=200, reserved_until=None):
    """Render the keying screen (blind: only this volunteer's own typed values)."""
    specs = submissions.keyed_specs(page)
    values = values or {}
    # Editable starting values (頁數 from the number of images); typed values come first.
    suggested = prefill.suggested_values(specs, len(page.images))
    hints = {s.key: parse_date(values.get(s.key, "")) for s in specs if s.kind.value == "date"}
    return render_template(
        "transcribe/keying.html", project=project, page=page, specs=specs,
        values=values, suggested=suggested, errors=errors or {}, message=message,
        message_kind=kind,
        hints=hints, reserved_until=reserved_until, started=utcnow().isoformat(),
        from_server=bool(values), skip_reasons=SKIP_LABELS, prefix=FIELD_PREFIX,
        clear_draft=request.args.get("done", type=int),
    ), status


@bp.route("/projects/<slug>/key")
@unit_of_work
@login_required
def key(slug: str):
    """Reserve (or resume) the volunteer's next page and open it."""
    project = active_project(slug)
    done = request.args.get("done", type=int)
    page = assignment.next_page(db.session, project=project, user=current_user)
    if page is None:
        return render_template("transcribe/finished.html", project=project, clear_draft=done)
    return redirect(url_for(".page", slug=slug, item_id=page.id, done=done))


@bp.route("/projects/<slug>/pages/<int:item_id>", methods=["GET"])
@unit_of_work
@login_required
def page(slug: str, item_id: int):
    """The keying screen of a page the volunteer holds; otherwise on to their next page."""
    project = active_project(slug)
    found = _page_of(project, item_id)
    until = assignment.renew(db.session, page=found, user=current_user)
    if until is None:
        return redirect(url_for(".key", slug=slug))
    return _screen(project, found, reserved_until=until)


@bp.route("/projects/<slug>/pages/<int:item_id>", methods=["POST"])
@unit_of_work
@login_required
def submit(slug: str, item_id: int):
    """Save the typed values; on to the next page, or back to the form with messages.

    A refusal keeps the typed values on the form (422, 409) and saves nothing (the unit of
    work rolls back); a page that is not open to the crowd is a 404 (crowdcat.errors).
    """
    project = active_project(slug)
    found = _page_of(project, item_id)
    values = {s.key: request.form.get(FIELD_PREFIX + s.key, "")
              for s in submissions.keyed_specs(found)}
    try:
        submissions.submit(db.session, page=found, user=current_user, values=values,
                           started_at=_started())
    except submissions.AlreadySubmitted:
        flash(_("This page was already saved; here is your next page."), "info")
        return refused(redirect(url_for(".key", slug=slug, done=item_id), 303))
    except submissions.NotAssigned:
        raise  # crowdcat.errors answers 409 and shows nothing of an item not given
    except InvalidValues as exc:
        return _screen(project, found, values=values, errors=exc.errors, status=422,
                       message=_("Some values need attention; nothing was saved yet."))
    except Conflict as exc:
        return _screen(project, found, values=values, message=str(exc), kind="warning",
                       status=409)
    flash(_("Thank you! Your entry was saved."), "success")
    return redirect(url_for(".key", slug=slug, done=item_id), 303)


@bp.route("/projects/<slug>/pages/<int:item_id>/skip", methods=["POST"])
@unit_of_work
@login_required
def skip(slug: str, item_id: int):
    """Skip a page with a reason."""
    project = active_project(slug)
    found = _page_of(project, item_id)
    try:
        submissions.submit(db.session, page=found, user=current_user,
                           skip_reason=request.form.get("reason") or "")
    except submissions.AlreadySubmitted:
        return refused(redirect(url_for(".key", slug=slug, done=item_id), 303))
    except InvalidValues:
        return _screen(project, found, status=422,
                       message=_("Please choose why you skip this page."))
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise  # crowdcat.errors answers 404
        flash(str(exc), "warning")
        return refused(redirect(url_for(".key", slug=slug), 303))
    flash(_("Page skipped. Here is another one."), "info")
    return redirect(url_for(".key", slug=slug, done=item_id), 303)


@bp.route("/projects/<slug>/pages/<int:item_id>/renew", methods=["POST"])
@unit_of_work
@login_required
def renew(slug: str, item_id: int):
    """Keep the reservation alive while the volunteer works (called by keying.js)."""
    project = active_project(slug)
    found = _page_of(project, item_id)
    until = assignment.renew(db.session, page=found, user=current_user)
    if until is None:
        return jsonify(reserved_until=None), 409
    return jsonify(reserved_until=until.isoformat())
