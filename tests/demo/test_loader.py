"""The demo as a new user finds it: documents of several pages are items of several images."""
from __future__ import annotations

from sqlalchemy import select

from crowdcat.demo.loader import SLUG
from crowdcat.models import Item, Project


def test_the_demo_has_multi_page_documents_in_their_order(app, session):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    project = session.scalars(select(Project).where(Project.slug == SLUG)).one()
    items = session.scalars(select(Item).where(Item.project_id == project.id)
                            .order_by(Item.sequence)).all()
    counts = {item.reference: len(item.images) for item in items}
    assert counts["demo-002"] == 4 and counts["demo-014"] == 2 and counts["demo-006"] == 1
    four = next(item for item in items if item.reference == "demo-002")
    assert [image.original_name for image in four.images] == [
        f"demo-002-{n:02d}.jpg" for n in range(1, 5)]
    assert [image.position for image in four.images] == [1, 2, 3, 4]
