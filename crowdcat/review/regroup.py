"""Pages of an item: reviewers move a page to another item, split an item or merge two.

The rules (what happens to keying work, empty items, numbering) are the service's:
crowdcat/services/review/regroup.py.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crowdcat.auth.login import role_required
from crowdcat.errors import status_of
from crowdcat.extensions import db
from crowdcat.models import Entry, Image, Item, Role
from crowdcat.review import bp
from crowdcat.review.labels import ENTRY_STATUS_LABELS
from crowdcat.services.errors import ServiceError
from crowdcat.services.review import regroup
from crowdcat.unit_of_work import end, unit_of_work


def _item(item_id: int) -> Item:
    """The item, or 404."""
    return db.session.get(Item, item_id) or abort(404)


def _screen(item: Item, code: int = 200, **context: Any):
    """The "Pages of this item" screen; `context` carries a refusal's message and field."""
    entry = db.session.scalar(select(Entry).where(Entry.item_id == item.id))
    return render_template("review/regroup.html", item=item, project=item.project,
                           images=list(item.images), entry=entry,
                           status_labels=ENTRY_STATUS_LABELS, form=request.form, **context), code


def _refused(item_id: int, exc: ServiceError, **context: Any):
    """Roll back now and show the item as it is, with the refusal."""
    end(commit=False)
    return _screen(_item(item_id), status_of(exc), message=str(exc), error_field=exc.field,
                   **context)


def _position(name: str, *, required: bool) -> int | None:
    """A page position typed in the form (None when left empty and not required)."""
    text = request.form.get(name, "").strip()
    if not text and not required:
        return None
    if not text.isdigit():
        raise ServiceError(_("Type a page number."), field="position")
    return int(text)


def _back(item: Item):
    """Redirect to the pages of an item."""
    return redirect(url_for("review.item_pages", item_id=item.id), 303)


@bp.route("/items/<int:item_id>/pages")
@role_required(Role.REVIEWER)
def item_pages(item_id: int):
    """The item's pages in order, each with what a reviewer may do to its grouping."""
    return _screen(_item(item_id))


@bp.route("/items/<int:item_id>/pages/move", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def move_page(item_id: int):
    """Move one page of this item to another item of the project (by its number)."""
    regroup.begin(db.session)
    item = _item(item_id)
    number = item.sequence
    image_arg = request.form.get("image_id", "")
    image = db.session.get(Image, int(image_arg)) if image_arg.isdigit() else None
    try:
        if image is None or image.item_id != item.id:
            raise ServiceError(_("Choose a page of this item to move."))
        target = regroup.item_by_number(db.session, item.project, request.form.get("number"))
        position = _position("position", required=False)
        source = regroup.move_image(db.session, current_user._get_current_object(), image,
                                    target, position)
    except ServiceError as exc:
        return _refused(item_id, exc, image_id=image.id if image else None)
    flash(_("The page was moved to item %(n)d.", n=target.sequence), "success")
    if source is None:
        flash(_("Item %(n)d had no pages left and was removed.", n=number), "info")
        return _back(target)
    return _back(source)


@bp.route("/items/<int:item_id>/split", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def split_item(item_id: int):
    """Make the pages from the chosen one on a new item."""
    regroup.begin(db.session)
    item = _item(item_id)
    try:
        at = _position("position", required=True)
        new = regroup.split_item(db.session, current_user._get_current_object(), item, at)
    except ServiceError as exc:
        return _refused(item_id, exc)
    flash(_("Split: the pages from page %(p)d on are now item %(n)d.", p=at, n=new.sequence),
          "success")
    return _back(item)


@bp.route("/items/<int:item_id>/merge", methods=["POST"])
@unit_of_work
@role_required(Role.REVIEWER)
def merge_item(item_id: int):
    """Append the pages of the next item, or of the item of the number typed, to this one."""
    regroup.begin(db.session)
    item = _item(item_id)
    try:
        if request.form.get("with") == "next":
            other = regroup.next_item(db.session, item)
        else:
            other = regroup.item_by_number(db.session, item.project, request.form.get("number"))
        number = other.sequence
        regroup.merge_items(db.session, current_user._get_current_object(), item, other)
    except ServiceError as exc:
        return _refused(item_id, exc, merge_error=True)
    flash(_("Item %(n)d was merged into this item and removed.", n=number), "success")
    return _back(item)
