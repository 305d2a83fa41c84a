"""What the export says of an item's images: its first and last file names and their count.

Read per exported row by correlated look-ups on the (item_id, position) key of images:
the first and the last image by position, and the count (positions may have gaps after a
reviewer moved a page, so the count is counted). An item without images has empty names
and 0.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from crowdcat.models import Image, Item

KINDS = ("first_image", "last_image", "image_count")


def image_cell(kind: str) -> ColumnElement[str]:
    """The text of one image column of the current row's item ("" for no image)."""
    image = aliased(Image)
    if kind == "image_count":
        return sa.cast(sa.select(sa.func.count()).select_from(image)
                       .where(image.item_id == Item.id).scalar_subquery(), sa.Text)
    order = image.position if kind == "first_image" else image.position.desc()
    name = (sa.select(image.original_name).where(image.item_id == Item.id)
            .order_by(order).limit(1).scalar_subquery())
    return sa.func.coalesce(name, "")



class ItemImages:
    """PostgreSQL: the three image columns of every item of a project, joined as tables.

    Correlated look-ups (a sub-select, a LATERAL join) are parallel-restricted in
    PostgreSQL: the cells of every row would be worked out by the leader alone, above the
    sort. Joins of plain tables are not: each item's count and first and last positions
    come from one aggregate over the project's images, and the two names from the images
    at those positions.
    """

    def __init__(self, project_id: int) -> None:
        image = aliased(Image)
        self.summary = (sa.select(image.item_id, sa.func.count().label("image_count"),
                                  sa.func.min(image.position).label("first"),
                                  sa.func.max(image.position).label("last"))
                        .where(image.project_id == project_id)
                        .group_by(image.item_id).subquery("item_images"))
        self.first, self.last = aliased(Image, name="first_image"), aliased(
            Image, name="last_image")

    def join(self, stmt: sa.Select) -> sa.Select:
        """`stmt` (which joins Item) with each item's images (items without any kept)."""
        summary = self.summary.c
        return (stmt.outerjoin(self.summary, summary.item_id == Item.id)
                .outerjoin(self.first, sa.and_(self.first.item_id == Item.id,
                                               self.first.position == summary.first))
                .outerjoin(self.last, sa.and_(self.last.item_id == Item.id,
                                              self.last.position == summary.last)))

    def cell(self, kind: str) -> ColumnElement[str]:
        """One image column as text ("" or "0" for an item without images)."""
        if kind == "image_count":
            return sa.cast(sa.func.coalesce(self.summary.c.image_count, 0), sa.Text)
        image = self.first if kind == "first_image" else self.last
        return sa.func.coalesce(image.original_name, "")
