"""Reading page images with an engine and storing the readings (one row per page and engine).

An image that cannot be read (its file is gone or damaged, the engine fails on it) gets a
reading with no lines and the reason, logged; it never raises. Restricted pages are read
only when the project allows it (Project.ocr_restricted).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from PIL import Image
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from crowdcat.models import OPEN_TO_CROWD, ImageText, Item, Project, utcnow
from crowdcat.models import Image as Scan
from crowdcat.services.ocr import layout
from crowdcat.services.ocr.engines import OcrEngine, UnreadableImage
from crowdcat.services.scans import derivatives, images
from crowdcat.services.scans.storage import LocalStorage

log = logging.getLogger(__name__)

# Long side the engines are given (larger scans are reduced; boxes are scaled back).
MAX_SIDE = 2400


@dataclass
class Reading:
    """What an engine made of one image: lines in reading order, or why there are none."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    vertical: bool = False
    error: str | None = None
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """The lines' text, one per line, in reading order."""
        return "\n".join(line["text"] for line in self.lines)


def read_image(engine: OcrEngine, image: Image.Image, scale: float = 1.0) -> Reading:
    """Read one decoded image; `scale` is its size over the page's (boxes are divided by it)."""
    started = time.perf_counter()
    try:
        raw = engine.read(image)
        lines, vertical = layout.arrange(raw, scale)
    except UnreadableImage as exc:
        return Reading(error=str(exc)[:500], seconds=time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - an engine's bug must not stop a run of pages
        log.exception("OCR engine %s failed", engine.name)
        return Reading(error=f"{engine.name} failed: {images.short(exc)}"[:500],
                       seconds=time.perf_counter() - started)
    return Reading(lines=lines, vertical=vertical, seconds=time.perf_counter() - started)


def load_image(storage: LocalStorage, page: Scan) -> tuple[Image.Image, float]:
    """The page's full-size image (as the viewer shows it), reduced to MAX_SIDE, and the scale."""
    source = derivatives.tile_source(storage, derivatives.store_for(storage), page.image_key,
                                     page.content_hash)
    opened = images.open_checked(source.read_bytes(), max_pixels=2**62)  # vetted at import
    draft = images.fitted_size(opened.size, MAX_SIDE)
    frame = images.fit(next(images.decoded_frames(opened, draft_size=draft)).image, MAX_SIDE)
    return frame, frame.size[0] / page.width


def may_read(project: Project, item: Item) -> bool:
    """Open items always; restricted ones only if the project allows OCR of them."""
    return OPEN_TO_CROWD.page_allows(item.access) or project.ocr_restricted


def read_page(session: Session, storage: LocalStorage, page: Scan, engine: OcrEngine
              ) -> ImageText:
    """Read a page and store the reading (replacing this engine's earlier one); flush."""
    try:
        image, scale = load_image(storage, page)
    except FileNotFoundError:
        reading = Reading(error="the scan's file is missing from storage")
    except Exception as exc:  # noqa: BLE001 - a damaged file may upset the decoder in any way
        reading = Reading(error=f"the scan could not be decoded: {images.short(exc)}")
    else:
        reading = read_image(engine, image, scale)
    if reading.error:
        log.warning("OCR of page %d (%s) gave no text: %s", page.id, page.original_name,
                    reading.error)
    return store(session, page, engine, reading)


def store(session: Session, page: Scan, engine: OcrEngine, reading: Reading) -> ImageText:
    """Keep a reading as the image's one reading by this engine; flush."""
    session.execute(delete(ImageText).where(ImageText.image_id == page.id,
                                            ImageText.engine == engine.name))
    row = ImageText(image_id=page.id, engine=engine.name, model_version=engine.model_version,
                   vertical=reading.vertical, lines=reading.lines, text=reading.text,
                   error=reading.error, seconds=round(reading.seconds, 3), created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def pages_to_read(session: Session, project: Project, engine: str, *,
                  only_missing: bool = False) -> list[int]:
    """The ids of the project's images OCR may read, in item and page order.

    only_missing: leave out images that already have a reading with text or no error by this
    engine (a failed reading is tried again).
    """
    query = (select(Scan.id).join(Item, Item.id == Scan.item_id)
             .where(Item.project_id == project.id).order_by(Item.sequence, Scan.position))
    if not project.ocr_restricted:
        query = query.where(OPEN_TO_CROWD.page_sql(Item.access))
    if only_missing:
        query = query.where(~exists().where(ImageText.image_id == Scan.id,
                                            ImageText.engine == engine,
                                            ImageText.error.is_(None)))
    return list(session.scalars(query))
