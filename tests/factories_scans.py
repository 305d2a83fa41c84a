"""Real scan images for tests, made with Pillow, and pages imported from them."""
from __future__ import annotations

import io
import random
from typing import Any

from flask import current_app
from PIL import Image, ImageDraw

from crowdcat.models import Access, Item, Project
from crowdcat.models import Image as Scan
from crowdcat.services.scans.ingest import Importer, Source
from crowdcat.services.scans.storage import storage_for


def scan(size: tuple[int, int] = (600, 850), fmt: str = "JPEG", mode: str = "RGB",
         seed: int = 0, **save: Any) -> bytes:
    """A page-like image: paper, a few text-like lines, a dark corner (to see orientation)."""
    rng = random.Random(seed)
    paper = {"RGB": (236, 228, 210), "L": 230, "CMYK": (0, 5, 15, 10)}.get(mode, (236, 228, 210))
    image = Image.new("RGB" if mode == "CMYK" else mode, size, paper if mode != "CMYK" else "white")
    draw = ImageDraw.Draw(image)
    ink = 20 if mode == "L" else (30, 30, 40)
    for row in range(60, size[1] - 40, 40):
        draw.rectangle((40, row, rng.randint(size[0] // 2, size[0] - 40), row + 12), fill=ink)
    draw.rectangle((0, 0, size[0] // 10, size[1] // 10), fill=ink)
    if mode == "CMYK":
        image = image.convert("CMYK")
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def import_page(session, project: Project, data: bytes | None = None, name: str = "scan.jpg",
                access: Access = Access.OPEN) -> Item:
    """A page of `project` imported from real image bytes (committed)."""
    importer = Importer(session, project, storage_for(current_app.config), access=access)
    outcome = importer.import_one(Source(name, lambda: data or scan(seed=hash(name) % 1000)))
    assert outcome.status == "imported", outcome.reason
    session.commit()
    return session.get(Item, outcome.item_ids[0])


def import_image(session, project: Project, data: bytes | None = None, name: str = "scan.jpg",
                 access: Access = Access.OPEN) -> Scan:
    """The first image of an item of `project` imported from real image bytes (committed)."""
    return import_page(session, project, data, name, access).images[0]
