"""Review pages: projects waiting, a project's queue, the review screen, an entry's history."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from crowdcat.auth.login import role_required
from crowdcat.extensions import db
from crowdcat.models import Entry, EntryStatus, Project, Role
from crowdcat.review import bp
from crowdcat.review.forms import RejectForm, ReopenForm, SendBackForm
from crowdcat.review.history import history_rows
from crowdcat.review.labels import ENTRY_STATUS_LABELS, FIELD_STATUS_LABELS, REJECT_LABELS
from crowdcat.review.list_screen import render_list
from crowdcat.review.screen import field_rows, voter_names
from crowdcat.services.export.references import project_reference
from crowdcat.services.ocr import readings
from crowdcat.services.review import decisions as review
from crowdcat.services.review.queue import (
    WAITING,
    queue,
    queue_lines,
    status_counts,
    waiting_projects,
)

PER_PAGE = 50


def queue_filters(project: Project) -> tuple[EntryStatus | None, str | None]:
    """The queue's status and field filters from the query string (400 when unknown)."""
    status_arg = request.values.get("status", "")
    field_arg = request.values.get("field", "")
    try:
        status = EntryStatus(status_arg) if status_arg else None
    except ValueError:
        abort(400)
    if field_arg and field_arg not in {spec.key for spec in project.keyed_fields}:
        abort(400)
    return status, field_arg or None


@bp.route("/")
@role_required(Role.REVIEWER)
def index():
    """Projects with entries waiting for review."""
    return render_template("review/index.html", waiting=waiting_projects(db.session))


@bp.route("/<slug>")
@role_required(Role.REVIEWER)
def project_queue(slug: str):
    """A project's queue: conflicts first, then the longest waiting; filters and counts."""
    project = db.session.scalar(select(Project).where(Project.slug == slug)) or abort(404)
    status, field_key = queue_filters(project)
    page = max(request.args.get("page", 1, type=int), 1)
    entries, total = queue(db.session, project, status=status, field_key=field_key,
                           limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    labels = {spec.key: spec.label(str(get_locale())) for spec in project.fields}
    counts = status_counts(db.session, project)
    return render_template(
        "review/queue.html", project=project, lines=queue_lines(db.session, entries),
        total=total, page=page,
        per_page=PER_PAGE, counts=counts, waiting_count=sum(counts[s] for s in WAITING),
        status=status,
        field_key=field_key, labels=labels,
        status_labels=ENTRY_STATUS_LABELS,
    )


def load_entry(entry_id: int) -> Entry:
    """The entry, or 404."""
    return db.session.get(Entry, entry_id) or abort(404)


def render_screen(entry: Entry, code: int = 200, **context: Any):
    """The review screen of an entry; `context` carries submitted values, errors, forms."""
    project = entry.item.project
    reviewer = current_user._get_current_object()
    status, field_key = queue_filters(project)
    names = voter_names(db.session, entry, reviewer)
    rows = field_rows(entry, project, names, context.pop("submitted", None),
                      context.pop("taken", None), context.pop("errors", None))
    shown = entry.values if entry.values is not None else {r.spec.key: r.value for r in rows}
    # The machine's reading of each of the item's images (a hint only), in page order.
    read = [(n, r) for n, image in enumerate(entry.item.images, 1)
            if (r := readings.latest(db.session, image.id)) is not None]
    keyed = {r.spec.key: r.value for r in rows}
    ocr_hints: dict[str, str] = {}
    for _n, reading in reversed(read):  # a value found on an earlier page wins
        ocr_hints |= readings.hints(reading, keyed)
    context.setdefault("send_back_form", SendBackForm(prefix="send"))
    context.setdefault("reject_form", RejectForm(prefix="reject"))
    context.setdefault("reopen_form", ReopenForm(prefix="reopen"))
    return render_template(
        "review/entry.html", entry=entry, project=project, page=entry.item, rows=rows,
        waiting=entry.status in WAITING, may_decide=review.may_decide(db.session, entry, reviewer),
        reference=project_reference(project, shown), status=status, field_key=field_key,
        status_labels=ENTRY_STATUS_LABELS, field_status_labels=FIELD_STATUS_LABELS,
        reject_labels=REJECT_LABELS, ocr_pages=read, page_total=len(entry.item.images),
        ocr_hints=ocr_hints, **context,
    ), code


@bp.route("/entries/<int:entry_id>")
@role_required(Role.REVIEWER)
def entry(entry_id: int):
    """The review screen: the scan beside each field's proposal and alternatives."""
    entry = load_entry(entry_id)
    if entry.row > 0:  # a row of a list item: the item's rows are reviewed together
        status, field_key = queue_filters(entry.item.project)
        return render_list(entry.item, status=status, field_key=field_key)
    return render_screen(entry)


@bp.route("/entries/<int:entry_id>/history")
@role_required(Role.REVIEWER)
def history(entry_id: int):
    """Every recorded decision on an entry: who, when, what it was before and after."""
    entry = load_entry(entry_id)
    project = entry.item.project
    rows = history_rows(review.history(db.session, entry), project, str(get_locale()))
    return render_template("review/history.html", entry=entry, project=project, rows=rows,
                           status_labels=ENTRY_STATUS_LABELS)
