"""Decisions on a list item posted from its review screen: every row approved, or sent back.

Each commits once or changes nothing: a stale row version (409) or a refused cell (422,
named by row and column) rolls every row back, and the screen shows the item as it is.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from crowdcat.auth.login import role_required
from crowdcat.errors import status_of
from crowdcat.extensions import db
from crowdcat.models import Entry, Item, Role
from crowdcat.review import bp
from crowdcat.review.forms import SendBackForm
from crowdcat.review.list_screen import read_list, render_list, split_errors
from crowdcat.review.routes import queue_filters
from crowdcat.services.errors import ServiceError
from crowdcat.services.projects.snapshot import is_list_mode
from crowdcat.services.review import decisions as review
from crowdcat.services.review import lists
from crowdcat.services.review.queue import next_entry
from crowdcat.services.review.values import InvalidValues
from crowdcat.unit_of_work import end, unit_of_work


def _begin(item_id: int) -> tuple[Item, list[Entry], dict[int, int]]:
    """The write transaction, the list item, its row entries and the versions the form had."""
    review.begin(db.session)  # SQLite: the write lock first (see actions._begin)
    item = db.session.get(Item, item_id) or abort(404)
    versions: dict[int, int] = {}
    for name, value in request.form.items():
        if name.startswith("version-"):
            row = name.removeprefix("version-")
            if not (row.isdigit() and value.isdigit()):
                abort(400)
            versions[int(row)] = int(value)
    if not versions:
        abort(400)
    if not is_list_mode(item.project):
        abort(404)
    entries = lists.item_entries(db.session, item)
    if not entries:
        abort(404)
    return item, entries, versions


def _refused(item_id: int, exc: ServiceError, **context):  # noqa: ANN003
    """Roll back now and show the item as it is (another reviewer's change included)."""
    end(commit=False)
    item = db.session.get(Item, item_id) or abort(404)
    status, field_key = queue_filters(item.project)
    return render_list(item, status_of(exc), status=status, field_key=field_key,
                       message=str(exc), **context)


def _screen(item: Item):
    """Redirect to the item's review screen (its row 1), keeping the queue filters."""
    status, field_key = queue_filters(item.project)
    first = lists.item_entries(db.session, item)[0]
    return redirect(url_for("review.entry", entry_id=first.id, status=status or None,
                            field=field_key), 303)


@bp.route("/items/<int:item_id>/approve-list", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def approve_list(item_id: int):
    """Approve every row of a list item with the corrected cells; "next" opens the next item."""
    item, entries, versions = _begin(item_id)
    header, cells, taken = read_list(request.form, entries, item)
    reviewer = current_user._get_current_object()
    kept = {"header": header, "cells": cells, "taken": taken}
    try:
        lists.approve_list(db.session, item, reviewer, versions, header=header, cells=cells,
                           reason=request.form.get("reason", ""))
    except InvalidValues as exc:
        errors = split_errors(exc.errors, item, str(get_locale()))
        return _refused(item_id, exc, errors=errors, **kept)
    except ServiceError as exc:
        return _refused(item_id, exc, **kept)
    flash(ngettext("Item %(n)d approved: %(num)d entry.", "Item %(n)d approved: %(num)d entries.",
                   len(entries), n=item.sequence), "success")
    if request.form.get("action") != "next":
        return _screen(item)
    status, field_key = queue_filters(item.project)
    following = next_entry(db.session, item.project, reviewer, status=status,
                           field_key=field_key)
    if following is None:
        flash(_("No more entries are waiting for you in this project."), "info")
        return redirect(url_for("review.project_queue", slug=item.project.slug), 303)
    return redirect(url_for("review.entry", entry_id=following.id, status=status or None,
                            field=field_key), 303)


@bp.route("/items/<int:item_id>/send-back-list", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def send_back_list(item_id: int):
    """Send the whole list item back for more keying, with a reason."""
    item, _entries, versions = _begin(item_id)
    form = SendBackForm(prefix="send")
    if not form.validate():
        status, field_key = queue_filters(item.project)
        return render_list(item, 422, status=status, field_key=field_key, send_back_form=form,
                           open_panel="send")
    try:
        lists.send_back_list(db.session, item, current_user._get_current_object(),
                             form.reason.data, versions, extra=form.extra.data)
    except ServiceError as exc:
        return _refused(item_id, exc, send_back_form=form, open_panel="send")
    flash(_("Sent back: the page is open for more keying."), "success")
    return redirect(url_for("review.project_queue", slug=item.project.slug), 303)
