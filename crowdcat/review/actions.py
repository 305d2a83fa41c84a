"""Review decisions posted from the review screen; each commits once or changes nothing."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crowdcat.auth.login import role_required
from crowdcat.errors import status_of
from crowdcat.extensions import db
from crowdcat.models import Entry, Role
from crowdcat.review import bp
from crowdcat.review.forms import RejectForm, ReopenForm, SendBackForm
from crowdcat.review.routes import load_entry, queue_filters, render_screen
from crowdcat.review.screen import read_decisions
from crowdcat.services.errors import Conflict, ServiceError
from crowdcat.services.review import decisions as review
from crowdcat.services.review.queue import next_entry
from crowdcat.services.review.values import InvalidValues
from crowdcat.unit_of_work import end, unit_of_work


def _begin(entry_id: int) -> tuple[Entry, int]:
    """Start a write transaction, then load the entry and the version the form was rendered with."""
    # SQLite: take the write lock before reading, so that two decisions are serialized and
    # the second one sees the first one's version instead of failing on a stale snapshot.
    review.begin(db.session)
    entry = load_entry(entry_id)
    version = request.form.get("version", "")
    if not version.isdigit():
        abort(400)
    return entry, int(version)


def _refused(entry_id: int, exc: ServiceError, **context):  # noqa: ANN003
    """Roll back now and show the entry as it is (another reviewer's change included)."""
    end(commit=False)
    entry = load_entry(entry_id)
    return render_screen(entry, status_of(exc), message=str(exc), **context)


def _back(entry: Entry):
    """Redirect to the review screen of an entry, keeping the queue filters."""
    status, field_key = queue_filters(entry.item.project)
    return redirect(url_for("review.entry", entry_id=entry.id, status=status or None,
                            field=field_key), 303)


@bp.route("/entries/<int:entry_id>/approve", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def approve(entry_id: int):
    """Approve with the decided values; "approve and next" opens the next waiting entry."""
    entry, version = _begin(entry_id)
    project = entry.item.project
    values, taken = read_decisions(request.form, entry, project)
    reviewer = current_user._get_current_object()
    try:
        review.approve(db.session, entry, reviewer, values, version,
                       reason=request.form.get("reason", ""))
    except InvalidValues as exc:
        return _refused(entry_id, exc, submitted=values, taken=taken, errors=exc.errors)
    except ServiceError as exc:
        return _refused(entry_id, exc, unsaved=values if isinstance(exc, Conflict) else None)
    flash(_("Entry approved: item %(n)d.", n=entry.item.sequence), "success")
    if request.form.get("action") != "next":
        return _back(entry)
    status, field_key = queue_filters(project)
    following = next_entry(db.session, project, reviewer, exclude=entry.id, status=status,
                           field_key=field_key)
    if following is None:
        flash(_("No more entries are waiting for you in this project."), "info")
        return redirect(url_for("review.project_queue", slug=project.slug), 303)
    return _back(following)


@bp.route("/entries/<int:entry_id>/send-back", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def send_back(entry_id: int):
    """Send the entry back for more keying, with a reason."""
    entry, version = _begin(entry_id)
    form = SendBackForm(prefix="send")
    if not form.validate():
        return render_screen(entry, 422, send_back_form=form, open_panel="send")
    try:
        review.send_back(db.session, entry, current_user._get_current_object(),
                         form.reason.data, version, extra=form.extra.data)
    except ServiceError as exc:
        return _refused(entry_id, exc, send_back_form=form, open_panel="send")
    flash(_("Sent back: the page is open for more keying."), "success")
    return redirect(url_for("review.project_queue", slug=entry.item.project.slug), 303)


@bp.route("/entries/<int:entry_id>/reject", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def reject(entry_id: int):
    """Mark the entry as not a catalog entry (blank or illegible page)."""
    entry, version = _begin(entry_id)
    form = RejectForm(prefix="reject")
    if not form.validate():
        return render_screen(entry, 422, reject_form=form, open_panel="reject")
    try:
        review.reject(db.session, entry, current_user._get_current_object(), form.why.data,
                      version, note=form.note.data or "")
    except ServiceError as exc:
        return _refused(entry_id, exc, reject_form=form, open_panel="reject")
    flash(_("Marked as not a catalog entry."), "success")
    return _back(entry)


@bp.route("/entries/<int:entry_id>/reopen", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def reopen(entry_id: int):
    """Put an approved or rejected entry back into review, with a reason."""
    entry, version = _begin(entry_id)
    form = ReopenForm(prefix="reopen")
    if not form.validate():
        return render_screen(entry, 422, reopen_form=form)
    try:
        review.reopen(db.session, entry, current_user._get_current_object(), form.reason.data,
                      version)
    except ServiceError as exc:
        return _refused(entry_id, exc, reopen_form=form)
    flash(_("The entry is open for review again."), "success")
    return _back(entry)
