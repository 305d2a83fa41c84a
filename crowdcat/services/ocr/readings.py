"""What the keying and review screens may show of a page's machine reading.

Only the routes that serve a reading read this table: next page and submit never do. Who
may see a reading is who may see the scan (services.access.can_view_scan): staff, or the
volunteer the page was given to; a restricted page's reading never reaches a volunteer.
"""
from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from crowdcat.models import Image, ImageText
from crowdcat.services.ocr.engines import DEFAULT_ENGINE


def latest(session: Session, image_id: int) -> ImageText | None:
    """The image's reading: the default engine's if there is one, else the newest."""
    return session.scalars(
        select(ImageText).where(ImageText.image_id == image_id)
        .order_by(case((ImageText.engine == DEFAULT_ENGINE, 0), else_=1),
                  ImageText.created_at.desc()).limit(1)).first()


def as_json(page: Image, reading: ImageText | None) -> dict[str, Any]:
    """The reading as the screens' scripts take it (lines in reading order, boxes in pixels)."""
    base: dict[str, Any] = {"image_id": page.id, "width": page.width, "height": page.height}
    if reading is None:
        return base | {"status": "missing", "lines": []}
    lines = [{"text": line["text"], "confidence": line["confidence"], "box": line["box"],
              "vertical": line.get("vertical", False)} for line in reading.lines]
    status = "unreadable" if reading.error else "ready"
    return base | {"status": status, "engine": reading.engine,
                   "model_version": reading.model_version, "vertical": reading.vertical,
                   "created_at": reading.created_at.isoformat(), "lines": lines}


def _plain(text: str) -> str:
    """NFKC, white space dropped: how a keyed value is looked for in the machine's lines."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def hints(reading: ImageText | None, values: dict[str, str]) -> dict[str, str]:
    """For each value found in the reading, the line it was found in (the review's hint).

    A value of one character is looked for only as a whole line (a lone digit is in every page).
    """
    if reading is None or not reading.lines:
        return {}
    lines = [(line["text"], _plain(line["text"])) for line in reading.lines]
    found = {}
    for key, value in values.items():
        wanted = _plain(value or "")
        if not wanted:
            continue
        for text, plain in lines:
            if plain == wanted or (len(wanted) > 1 and wanted in plain):
                found[key] = text
                break
    return found
