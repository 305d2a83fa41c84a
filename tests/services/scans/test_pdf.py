"""A PDF of scans is one item whose images are its pages, rendered."""
from __future__ import annotations

import io

from flask import current_app
from PIL import Image
from sqlalchemy import select

from crowdcat.models import Item
from crowdcat.services.scans import derivatives
from crowdcat.services.scans.ingest import Importer, Source
from crowdcat.services.scans.storage import storage_for


def _pdf(count: int) -> bytes:
    pages = [Image.new("RGB", (300, 420), (220 - 50 * i, 215, 200)) for i in range(count)]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=72)
    return out.getvalue()


def _importer(session, project):
    return Importer(session, project, storage_for(current_app.config))


def test_a_pdf_is_one_item_of_its_pages_rendered_at_300_dpi(session, factory):
    project = factory.project()
    data = _pdf(3)
    outcome = _importer(session, project).import_one(Source("呈.pdf", lambda: data))
    session.commit()
    assert outcome.status == "imported" and outcome.pages == 3
    (item,) = session.scalars(select(Item).where(Item.project_id == project.id)).all()
    assert item.reference == "呈"
    assert [i.original_name for i in item.images] == [f"呈.pdf#{n}/3" for n in (1, 2, 3)]
    first = item.images[0]
    # 300 × 420 points at 300 dpi (PDFium rounds the page's edge).
    assert first.width == 1250 and abs(first.height - 1750) <= 1
    storage = storage_for(current_app.config)
    with Image.open(storage.path(first.image_key)) as stored:
        assert stored.format == "JPEG" and stored.size == (first.width, first.height)
        assert stored.convert("RGB").getpixel((10, 10))[0] > 200  # the first page's tone
    assert derivatives.store_for(storage).get(first.content_hash, derivatives.THUMB)

    again = _importer(session, project).import_one(Source("呈-copy.pdf", lambda: data))
    assert again.status == "skipped"


def test_a_damaged_pdf_is_refused_whole_with_the_reason(session, factory):
    project = factory.project()
    data = _pdf(2)
    outcome = _importer(session, project).import_one(
        Source("bad.pdf", lambda: data[: len(data) // 3]))
    assert outcome.status == "rejected" and "PDF" in outcome.reason
    assert session.scalars(select(Item).where(Item.project_id == project.id)).all() == []
