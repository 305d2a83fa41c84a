"""Regrouping pages when scanning grouped them wrongly: move a page, split an item, merge two.

The rules, as an archivist would expect them:

- Staff only (reviewers and admins). Both items belong to one project and have one access
  level: a page of a restricted item never reaches the crowd by being regrouped (give the
  items the same access first).
- An item whose entry is decided (approved, or marked as not a catalog entry) keeps its
  pages: reopen the entry first.
- Keying work is kept, and looked at again: an item whose pages change keeps its
  submissions, but they described the old grouping, so when it has an entry the entry waits
  for a reviewer as a conflict, the item stops keying (the reviewer may send it back for
  more keying with its new pages), and an `entry.regroup` event in the entry's history
  names the pages before and after.
- Volunteers' holds on a changed item are released: what they were keying changed.
- An item left without pages is deleted with its holds, unless it has been keyed (it has
  submissions or an entry): then the operation is refused, since they would be lost.
  Merging therefore needs a second item that has not been keyed.
- A split-off item is new: at the end of the project's order, same access, keyed from
  scratch (no submissions, no prefilled values: those named the old item), named by its
  first page's file name.
- Pages are numbered 1..n without gaps in every item after every operation.
- Every operation is one audit event on the item (`item.move_image`, `item.split`,
  `item.merge`) whose before and after list each item touched: its id, number and images
  (image id and position).

Bad input (an unknown item number, another project's item, a split at page 1 or beyond the
last page, an item merged with itself) is refused with a message in the user's language and
changes nothing. Services flush; the caller commits.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crowdcat.data.connection import immediate_transaction, refresh
from crowdcat.models import (
    Entry,
    EntryStatus,
    Image,
    Item,
    ItemStatus,
    Project,
    Reservation,
    Role,
    Submission,
    User,
)
from crowdcat.services import audit
from crowdcat.services.errors import Conflict, Forbidden, NotFound, ServiceError

Layout = dict[int, list[int]]  # item id -> its image ids in order


def begin(session: Session) -> None:
    """Start the write transaction before the first read (SQLite: serializes regroups)."""
    immediate_transaction(session)


def item_by_number(session: Session, project: Project, number: Any) -> Item:
    """The project's item of this number (its sequence); refused when there is none."""
    text = str(number if number is not None else "").strip()
    if not text.isdigit():
        raise ServiceError(_l("Type the number of an item of this project."), field="number")
    item = session.scalar(sa.select(Item).where(Item.project_id == project.id,
                                                Item.sequence == int(text)))
    if item is None:
        raise ServiceError(_l("There is no item %(n)s in this project.", n=text),
                           field="number")
    return item


def next_item(session: Session, item: Item) -> Item:
    """The item after this one in the project's order; refused for the last one."""
    following = session.scalar(
        sa.select(Item).where(Item.project_id == item.project_id, Item.sequence > item.sequence)
        .order_by(Item.sequence).limit(1))
    if following is None:
        raise ServiceError(_l("Item %(n)d is the last item of the project: there is no next "
                              "item to merge with.", n=item.sequence))
    return following


def move_image(session: Session, actor: User, image: Image, target_item: Item,
               position: int | None = None) -> Item | None:
    """Move a page to another item of the project, at `position` (default: after its last).

    Returns the item the page came from, or None when it was left empty and deleted.
    """
    _check_actor(actor)
    source = _lock(session, image.item, target_item)[image.item_id]
    target = target_item
    session.refresh(image)
    if image.item_id != source.id:  # another reviewer moved it meanwhile
        raise Conflict(_l("This page was moved meanwhile; the items are shown as they are now."))
    if target.id == source.id:
        raise ServiceError(_l("This page is already in item %(n)d.", n=source.sequence),
                           field="number")
    _check_pair(session, source, target)
    before = _layout(session, source, target)
    rest = [i for i in before[source.id] if i != image.id]
    size = len(before[target.id])
    if position is None:
        position = size + 1
    if not 1 <= position <= size + 1:
        raise ServiceError(_l("Choose a position from 1 to %(n)d.", n=size + 1),
                           field="position")
    if not rest:
        _check_removable(session, source)
    joined = list(before[target.id])
    joined.insert(position - 1, image.id)
    after = {target.id: joined} | ({source.id: rest} if rest else {})
    _place(session, after, before)
    event = {"image_id": image.id, "from_item": source.id, "to_item": target.id}
    _changed(session, actor, target, before[target.id], joined)
    if rest:
        _changed(session, actor, source, before[source.id], rest)
    _record(session, actor, "item.move_image", source, before, after,
            {source.id: source.sequence, target.id: target.sequence}, event)
    if not rest:
        _delete(session, source)
        return None
    return source


def split_item(session: Session, actor: User, item: Item, at_position: int) -> Item:
    """Make the pages from `at_position` on a new item; returns the new item."""
    _check_actor(actor)
    item = _lock(session, item)[item.id]
    _check_open(session, item)
    before = _layout(session, item)
    pages = before[item.id]
    if len(pages) < 2:
        raise ServiceError(_l("An item of one page cannot be split."), field="position")
    if not 2 <= at_position <= len(pages):
        raise ServiceError(_l("Split at a page from 2 to %(n)d: the new item starts with "
                              "that page.", n=len(pages)), field="position")
    kept, moved = pages[:at_position - 1], pages[at_position - 1:]
    first_page = session.get(Image, moved[0])
    new = Item(project_id=item.project_id, sequence=_next_sequence(session, item.project_id),
               reference=_stem(first_page.original_name), access=item.access,
               wanted=item.project.agree_needed, prefill={}, status=ItemStatus.KEYING)
    session.add(new)
    session.flush()
    after = {item.id: kept, new.id: moved}
    _place(session, after, before)
    _changed(session, actor, item, pages, kept)
    _record(session, actor, "item.split", item, before, after,
            {item.id: item.sequence, new.id: new.sequence},
            {"at_position": at_position, "new_item": new.id})
    return new


def merge_items(session: Session, actor: User, first: Item, second: Item) -> Item:
    """Append the pages of `second` to `first` and remove `second`; returns `first`."""
    _check_actor(actor)
    if first.id == second.id:
        raise ServiceError(_l("An item cannot be merged with itself."), field="number")
    locked = _lock(session, first, second)
    first, second = locked[first.id], locked[second.id]
    _check_pair(session, first, second)
    _check_removable(session, second)
    before = _layout(session, first, second)
    joined = before[first.id] + before[second.id]
    after = {first.id: joined}
    _place(session, after, before)
    _changed(session, actor, first, before[first.id], joined)
    _record(session, actor, "item.merge", first, before, after,
            {first.id: first.sequence, second.id: second.sequence},
            {"removed_item": second.id})
    _delete(session, second)
    return first


def _check_actor(actor: User) -> None:
    """Refuse anyone but staff."""
    if not actor.has_role(Role.REVIEWER):
        raise Forbidden(_l("Only reviewers may regroup pages."))


def _lock(session: Session, *items: Item) -> dict[int, Item]:
    """The items' rows locked (PostgreSQL, in id order) and read afresh, by id."""
    ids = sorted({item.id for item in items})
    rows = session.scalars(sa.select(Item).where(Item.id.in_(ids)).order_by(Item.id)
                           .with_for_update().execution_options(populate_existing=True)).all()
    found = {row.id: row for row in rows}
    if len(found) != len(ids):
        raise NotFound(_l("This item no longer exists."))
    return found


def _check_pair(session: Session, one: Item, other: Item) -> None:
    """Refuse items of two projects or two access levels, and decided ones."""
    if one.project_id != other.project_id:
        raise ServiceError(_l("Pages can only be regrouped between items of one project."),
                           field="number")
    if one.access != other.access:
        raise Conflict(_l("Items %(a)d and %(b)d have different access levels: give them the "
                          "same access first.", a=one.sequence, b=other.sequence))
    _check_open(session, one)
    _check_open(session, other)


def _entries(session: Session, item: Item) -> list[Entry]:
    """The item's entries: none, its one entry, or a list item's row entries in order."""
    return list(session.scalars(sa.select(Entry).where(Entry.item_id == item.id)
                                .order_by(Entry.row)))


def _check_open(session: Session, item: Item) -> None:
    """Refuse an item whose entry (any row entry of a list item) is decided."""
    statuses = {entry.status for entry in _entries(session, item)}
    if EntryStatus.APPROVED in statuses:
        raise Conflict(_l("Item %(n)d is approved: reopen its entry first.", n=item.sequence))
    if EntryStatus.REJECTED in statuses:
        raise Conflict(_l("Item %(n)d is marked as not a catalog entry: reopen its entry "
                          "first.", n=item.sequence))


def _check_removable(session: Session, item: Item) -> None:
    """Refuse to remove an item that has been keyed."""
    keyed = session.scalar(sa.select(sa.exists().where(Submission.item_id == item.id)))
    if keyed or _entries(session, item):
        raise Conflict(_l("Item %(n)d has been keyed, so it cannot be removed or left "
                          "without pages: its submissions would be lost.", n=item.sequence))


def _layout(session: Session, *items: Item) -> Layout:
    """Each item's image ids in page order."""
    ids = [item.id for item in items]
    layout: Layout = {item_id: [] for item_id in ids}
    rows = session.execute(sa.select(Image.item_id, Image.id).where(Image.item_id.in_(ids))
                           .order_by(Image.item_id, Image.position))
    for item_id, image_id in rows:
        layout[item_id].append(image_id)
    return layout


def _place(session: Session, after: Layout, before: Layout) -> None:
    """Give each item of `after` exactly these images at positions 1..n.

    (item_id, position) is unique and checked row by row, so the images first move above
    every position in use, then down to their places.
    """
    session.flush()
    count = sum(len(images) for images in before.values())
    top = session.scalar(sa.select(sa.func.max(Image.position))
                         .where(Image.item_id.in_(list(before)))) or 0
    rows = [(image_id, item_id, position) for item_id, images in after.items()
            for position, image_id in enumerate(images, start=1)]
    table = Image.__table__
    statement = (table.update().where(table.c.id == sa.bindparam("b_id"))
                 .values(item_id=sa.bindparam("b_item"), position=sa.bindparam("b_position")))
    offset = top + count
    session.execute(statement, [{"b_id": i, "b_item": item, "b_position": offset + n}
                                for n, (i, item, _p) in enumerate(rows, start=1)])
    session.execute(statement, [{"b_id": i, "b_item": item, "b_position": p}
                                for i, item, p in rows])
    for image_id, _item, _position in rows:
        refresh(session, Image, image_id)
    for item_id in {*before, *after}:
        refresh(session, Item, item_id)


def _changed(session: Session, actor: User, item: Item, before: list[int],
             after: list[int]) -> None:
    """An item's pages changed: release its holds; its entry (every row entry of a list
    item, each with its event) waits for a reviewer again."""
    session.execute(sa.delete(Reservation).where(Reservation.item_id == item.id))
    entries = _entries(session, item)
    if not entries or before == after:
        return
    for entry in entries:
        was = entry.status.value
        entry.status = EntryStatus.CONFLICT
        audit.record(session, actor=actor, action="entry.regroup", object_type="entry",
                     object_id=entry.id, project_id=entry.project_id,
                     before={"status": was, "images": before},
                     after={"status": entry.status.value, "images": after})
    item.status = ItemStatus.DONE
    session.flush()


def _record(session: Session, actor: User, action: str, item: Item, before: Layout,
            after: Layout, numbers: dict[int, int], extra: dict[str, Any]) -> None:
    """The operation's audit event: each item touched, with its images before and after."""

    def shown(layout: Layout) -> list[dict[str, Any]]:
        return [{"item_id": item_id, "number": numbers[item_id],
                 "images": [{"image_id": image_id, "position": position}
                            for position, image_id in enumerate(images, start=1)]}
                for item_id, images in layout.items()]

    audit.record(session, actor=actor, action=action, object_type="item", object_id=item.id,
                 project_id=item.project_id, before={"items": shown(before)},
                 after={"items": shown(after), **extra})


def _delete(session: Session, item: Item) -> None:
    """Remove an item left without pages, with its holds."""
    session.execute(sa.delete(Reservation).where(Reservation.item_id == item.id))
    session.delete(item)
    session.flush()


def _next_sequence(session: Session, project_id: int) -> int:
    """The number after the project's last item."""
    return (session.scalar(sa.select(sa.func.max(Item.sequence))
                           .where(Item.project_id == project_id)) or 0) + 1


def _stem(name: str) -> str:
    """A file's name without its extension (and a TIFF page's #n/m)."""
    base = name.split("#", 1)[0]
    return (base.rsplit(".", 1)[0] if "." in base else base)[:500]
