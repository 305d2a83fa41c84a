"""The keying screen: next page, submit, skip, keep the reservation alive."""
from __future__ import annotations

import re
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
from crowdcat.services.reconciliation import ditto
from crowdcat.services.reconciliation.normalization import parse_date
from crowdcat.transcribe import bp
from crowdcat.transcribe.projects import active_project
from crowdcat.unit_of_work import refused, unit_of_work

FIELD_PREFIX = "f_"
# List mode: a grid cell is posted as r<row>_<field key>, rows numbered 1.. as shown.
ROW_CELL = re.compile(r"r([1-9][0-9]{0,3})_(.+)")
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


def _is_row_field(spec) -> bool:  # noqa: ANN001
    """A field keyed once per listed row (list mode) rather than once per item."""
    return (spec.options or {}).get("part") == "row"


def _typed_rows(specs: list) -> list[dict[str, str]] | None:
    """The grid's rows as posted (cells r<n>_<key>), in row order, every-blank rows dropped;
    None when the item has no row fields (a normal project)."""
    keys = [spec.key for spec in specs if _is_row_field(spec)]
    if not keys:
        return None
    cells: dict[int, dict[str, str]] = {}
    for name, value in request.form.items():
        match = ROW_CELL.fullmatch(name)
        if match and match.group(2) in keys:
            cells.setdefault(int(match.group(1)), {})[match.group(2)] = value
    rows = [{key: cells[n].get(key, "") for key in keys} for n in sorted(cells)]
    return [row for row in rows if any(value.strip() for value in row.values())]


def _screen(project, page, *, values=None, rows=None, errors=None, message=None,  # noqa: ANN001
            kind="error", status=200, reserved_until=None):
    """Render the keying screen (blind: only this volunteer's own typed values)."""
    specs = submissions.keyed_specs(page)
    row_specs = [s for s in specs if _is_row_field(s)]
    header_specs = [s for s in specs if not _is_row_field(s)]
    values = values or {}
    rows = rows or []
    # Editable starting values (頁數 from the number of images); typed values come first.
    suggested = prefill.suggested_values(header_specs, len(page.images))
    hints = {s.key: parse_date(values.get(s.key, "")) for s in header_specs
             if s.kind.value == "date"}
    return render_template(
        "transcribe/keying.html", project=project, page=page, specs=header_specs,
        row_specs=row_specs, rows=rows, resolved_rows=ditto.resolve(rows) if rows else [],
        ditto_marks=list(ditto.DITTO_MARKS),
        values=values, suggested=suggested, errors=errors or {}, message=message,
        message_kind=kind,
        hints=hints, reserved_until=reserved_until, started=utcnow().isoformat(),
        from_server=bool(values or rows), skip_reasons=SKIP_LABELS, prefix=FIELD_PREFIX,
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
    specs = submissions.keyed_specs(found)
    rows = _typed_rows(specs)
    values = {s.key: request.form.get(FIELD_PREFIX + s.key, "")
              for s in specs if rows is None or not _is_row_field(s)}
    listed = {} if rows is None else {"rows": rows}
    try:
        submissions.submit(db.session, page=found, user=current_user, values=values,
                           started_at=_started(), **listed)
    except submissions.AlreadySubmitted:
        flash(_("This page was already saved; here is your next page."), "info")
        return refused(redirect(url_for(".key", slug=slug, done=item_id), 303))
    except submissions.NotAssigned:
        raise  # crowdcat.errors answers 409 and shows nothing of an item not given
    except InvalidValues as exc:
        return _screen(project, found, values=values, rows=rows, errors=exc.errors,
                       status=422,
                       message=_("Some values need attention; nothing was saved yet."))
    except Conflict as exc:
        return _screen(project, found, values=values, rows=rows, message=str(exc),
                       kind="warning", status=409)
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
