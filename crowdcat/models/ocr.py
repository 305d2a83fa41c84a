"""Machine readings (OCR) of scanned images: a hint for people, never a submission or a vote."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crowdcat.models.base import Base, JSONType, utcnow


class ImageText(Base):
    """One engine's reading of one page image: its lines with boxes, text and confidence.

    `lines` is a JSON list in reading order, each {"text", "confidence", "box": [x, y, w, h],
    "polygon": [[x, y], ...]} in the image's pixels. An image the engine could not read has
    no lines and says why in `error`. Rows live in the database (not in files) so that every
    app server sees the same readings; a rerun of the same engine replaces its row.
    """

    __tablename__ = "image_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(sa.ForeignKey("images.id", ondelete="CASCADE"))
    engine: Mapped[str] = mapped_column(sa.String(40))
    model_version: Mapped[str] = mapped_column(sa.String(200))
    # Whether the page reads in vertical columns, right to left (the lines' order follows it).
    vertical: Mapped[bool] = mapped_column(default=False)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # The lines' text joined in reading order, one line each (for search and hints).
    text: Mapped[str] = mapped_column(sa.Text, default="")
    error: Mapped[str | None] = mapped_column(sa.String(500))
    seconds: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("image_id", "engine"),)
