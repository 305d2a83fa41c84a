"""Render the demo project's scanned-looking Republic-era page images."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from typing import Any

from PIL import Image

from crowdcat.demo.content import (
    DEMO_RECORDS,
    LABELS,
    body_text,
    image_count,
    seal_text,
    signer,
    subject,
)
from crowdcat.demo.paper import HEIGHT, WIDTH, Sheet, font

STYLES: tuple[str, ...] = ("typed", "handwritten", "cover", "catalog")
JPEG_QUALITY = 80
_REFS = ("fonds_no", "catalog_no", "volume_no", "item_no")
_ORDERS = ("訓令", "指令", "批")


def style_for(record: dict[str, Any], index: int) -> str:
    """Pick the page style; a supplied [title] only appears on cover or catalog pages."""
    if record["title"].startswith("["):
        return ("cover", "catalog")[index % 2]
    return STYLES[index % len(STYLES)]


def _wrap(text: str, kind: str, size: int, width: float) -> list[str]:
    """Break text into lines that fit a width, character by character."""
    face, lines, line = font(kind, size), [], ""
    for token in re.findall(r"[0-9A-Za-z]+|.", text):
        if line and face.getlength(line + token) > width:
            lines.append(line)
            line = ""
        line += token
    return lines + [line] if line else lines


def _archive_stamp(sheet: Sheet, record: dict[str, Any], x: float, y: float, value_kind: str
                   ) -> None:
    """Draw the red 歸檔章 table with the reference numbers and page count."""
    keys = (*_REFS, "pages")
    cell_w, cell_h = 104, 50
    for i, key in enumerate(keys):
        left = x + i * cell_w
        sheet.rect((left, y, left + cell_w, y + cell_h), layer="red", width=3)
        sheet.rect((left, y + cell_h, left + cell_w, y + 2 * cell_h), layer="red", width=3)
        sheet.text((left + cell_w / 2, y + cell_h / 2), LABELS[key], 24, layer="red",
                   anchor="mm")
        sheet.text((left + cell_w / 2, y + cell_h * 1.5), str(record[key]), 30,
                   kind=value_kind, anchor="mm")


def _document(sheet: Sheet, record: dict[str, Any], index: int, kind: str,
              part: str = "whole") -> None:
    """Lay out a document page in vertical columns, right to left.

    part: "whole" (a one-page document), or of a longer one "first" (head and body, no
    signature), "middle" (the body continued) or "last" (its end: signature, date, seal).
    """
    if part in ("middle", "last"):
        _continued(sheet, record, index, kind, last=part == "last")
        return
    top, bottom, size = 330, HEIGHT - 150, 44
    pitch = size * 1.5
    head_left = WIDTH - 90 - 120.0
    if kind == "kai":
        sheet.rect((90, top - 30, WIDTH - 90, bottom + 30), layer="red", width=4)
        x_line = head_left
        while x_line > 100:
            sheet.line([(x_line, top - 30), (x_line, bottom + 30)], layer="red", width=2)
            x_line -= pitch
    _archive_stamp(sheet, record, WIDTH - 110 - 5 * 104, 70, "kai")
    sheet.text((110, 250), f"{LABELS['title']}：{record['title']}", 28, kind="kai")
    sheet.vtext(WIDTH - 90 - 60, top, record["creator"] + record["doc_type"], 64, kind=kind,
                pitch=1.15)
    x = head_left - pitch / 2
    if record["doc_no"]:
        sheet.vtext(x, top + 520, record["doc_no"], 36, kind=kind)
    x -= pitch
    sheet.vtext(x, top, f"事由：為{subject(record)}由", 38, kind=kind, bottom=bottom)
    x -= pitch
    prefix = "令" if record["doc_type"] in _ORDERS else f"{LABELS['recipient']}："
    sheet.vtext(x, top, prefix + record["recipient"], size, kind=kind)
    x, _ = sheet.vtext(x - pitch, top + size, body_text(record), size, kind=kind,
                       bottom=bottom, column_gap=1.5)
    if part == "first":
        return
    _signature(sheet, record, index, kind, x - pitch)


def _signature(sheet: Sheet, record: dict[str, Any], index: int, kind: str, x: float) -> None:
    """The signing line, the date and the issuing body's seal, from column `x` leftwards."""
    bottom, size = HEIGHT - 150, 44
    pitch = size * 1.5
    line = signer(record, index)
    sheet.vtext(x, bottom - len(line) * size * 1.12, line, size, kind=kind)
    x -= pitch
    y_date = bottom - len(record["date"]) * size * 1.05 - 20
    sheet.vtext(x, y_date, record["date"], size, kind=kind, pitch=1.05)
    sheet.seal((x - 122, y_date + 120 + index % 4 * 30), seal_text(record), 220)


def _continued(sheet: Sheet, record: dict[str, Any], index: int, kind: str, *,
               last: bool) -> None:
    """A following page: the body goes on; the last page ends with the signature."""
    top, bottom, size = 330, HEIGHT - 150, 44
    pitch = size * 1.5
    x = WIDTH - 90 - 60.0
    text = body_text(record) if not last else body_text(record)[-12:]
    x, _ = sheet.vtext(x, top, text, size, kind=kind, bottom=bottom, column_gap=1.5)
    if last:
        _signature(sheet, record, index, kind, x - pitch)


def _cover(sheet: Sheet, record: dict[str, Any], kind: str) -> None:
    """Lay out an archival file cover: printed labels, values filled in."""
    sheet.rect((80, 80, WIDTH - 80, HEIGHT - 80), width=5)
    sheet.rect((96, 96, WIDTH - 96, HEIGHT - 96), width=2)
    sheet.text((WIDTH / 2, 180), "案　卷　封　面", 64, anchor="mm", stroke=1)
    columns = [("全宗名稱", record["creator"], 1), ("案卷題名", record["title"], 2),
               (LABELS["doc_no"], record["doc_no"] or "—", 1),
               (LABELS["recipient"], record["recipient"], 1),
               ("起止日期", record["date"], 1), (LABELS["doc_type"], record["doc_type"], 1),
               (LABELS["classification"], record["classification"], 1),
               (LABELS["pages"], f"共{record['pages']}頁", 1),
               (LABELS["notes"], record["notes"] or "—", 1)]
    unit = (WIDTH - 192) / sum(span for _, _, span in columns)
    top, label_bottom, bottom = 280, 470, 1330
    sheet.line([(96, top), (WIDTH - 96, top)], width=3)
    sheet.line([(96, label_bottom), (WIDTH - 96, label_bottom)])
    sheet.line([(96, bottom), (WIDTH - 96, bottom)], width=3)
    right = WIDTH - 96.0
    for label, value, span in columns:
        left = right - unit * span
        if left > 100:
            sheet.line([(left, top), (left, bottom)])
        sheet.vtext((left + right) / 2, top + 24, label, 34)
        size = 50 if span == 2 else 40
        x = right - unit / 2 if span == 2 else (left + right) / 2
        sheet.vtext(x, label_bottom + 30, value, size, kind=kind, bottom=bottom - 20,
                    column_gap=unit / size)
        right = left
    cell_w = (WIDTH - 192) / 5
    for i, key in enumerate((*_REFS, "")):
        left = 96 + i * cell_w
        sheet.line([(left, bottom), (left, HEIGHT - 96)])
        label = LABELS[key] if key else "保管期限"
        value = str(record[key]) if key else "永久"
        sheet.text((left + cell_w / 2, bottom + 70), label, 36, anchor="mm")
        sheet.text((left + cell_w / 2, bottom + 230), value, 54, kind=kind, anchor="mm")
    sheet.line([(96, bottom + 140), (WIDTH - 96, bottom + 140)])


def _catalog(sheet: Sheet, record: dict[str, Any], kind: str) -> None:
    """Lay out a 卷內文件目錄 sheet whose first row describes the record."""
    sheet.text((WIDTH / 2, 150), "卷 內 文 件 目 錄", 64, anchor="mm", stroke=1)
    x = 110.0
    for key in _REFS[:3]:
        x = sheet.text((x, 250), LABELS[key] + "：", 32, anchor="lm")
        x = sheet.text((x + 6, 250), str(record[key]), 36, kind=kind, anchor="lm") + 50
    heads = [("順序號", 96, "item_no"), (LABELS["doc_no"], 170, "doc_no"),
             (LABELS["creator"], 170, "creator"), (LABELS["title"], 330, "title"),
             (LABELS["date"], 170, "date"), (LABELS["pages"], 74, "pages"),
             (LABELS["notes"], 90, "notes")]
    left, top, head_h, row_h, rows = 90.0, 310, 80, 150, 8
    right = left + sum(w for _, w, _ in heads)
    sheet.rect((left, top, right, top + head_h + rows * row_h), width=4)
    for r in range(rows + 1):
        y = top + head_h + r * row_h
        sheet.line([(left, y), (right, y)], width=3 if r == 0 else 2)
    x = left
    for label, width, key in heads:
        sheet.text((x + width / 2, top + head_h / 2), label, 28, anchor="mm")
        lines = _wrap(str(record[key]), kind, 30, width - 16)
        for i, line in enumerate(lines[:4]):
            sheet.text((x + 8, top + head_h + 14 + i * 38), line, 30, kind=kind)
        x += width
        if x < right:
            sheet.line([(x, top), (x, top + head_h + rows * row_h)])


def render_with_text(record: dict[str, Any], index: int, *, style: str, part: str = "whole",
                     page: int = 1) -> tuple[Image.Image, list[str]]:
    """Render one page (`page` of its document); also return the strings drawn on it."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    seed = f"crowdcat-demo-{index}-{style}" + ("" if part == "whole" else f"-{part}-{page}")
    rng = random.Random(seed)
    hand = style == "handwritten" or (style != "typed" and index % 3 != 0)
    kind = "kai" if hand else "song"
    sheet = Sheet(rng, hand=hand)
    if style in ("typed", "handwritten"):
        _document(sheet, record, index, kind, part)
    elif style == "cover":
        _cover(sheet, record, kind)
    else:
        _catalog(sheet, record, kind)
    if record["classification"] != "普通" and part in ("whole", "first"):
        corner = {"catalog": (WIDTH - 230, 90), "cover": (125, 130)}.get(style, (130, 90))
        sheet.box_stamp(corner, record["classification"], 44)
    faint = rng.random() < 0.2
    angle = rng.choice((-1, 1)) * rng.uniform(1, 4) if rng.random() < 0.35 else 0.0
    return sheet.finish(faint=faint, angle=angle), sheet.drawn


def render_page(record: dict[str, Any], index: int, *, style: str, part: str = "whole",
                page: int = 1) -> Image.Image:
    """Render one demo page image (deterministic for a given record, index and style)."""
    return render_with_text(record, index, style=style, part=part, page=page)[0]


def filename(index: int, page: int = 0) -> str:
    """The image file name of a record (zero-based), e.g. demo-001.jpg; of a multi-page
    record's page (one-based), e.g. demo-002-03.jpg."""
    return f"demo-{index + 1:03d}.jpg" if not page else f"demo-{index + 1:03d}-{page:02d}.jpg"


def _parts(count: int) -> list[str]:
    """The parts of a document of `count` pages, in order."""
    return ["whole"] if count == 1 else ["first", *["middle"] * (count - 2), "last"]


def render_all() -> Iterator[tuple[str, str, bytes]]:
    """Yield (item reference, file name, JPEG bytes) for every demo page, in record order."""
    for index, record in enumerate(DEMO_RECORDS):
        count = image_count(index)
        for page, part in enumerate(_parts(count), start=1):
            image = render_page(record, index, style=style_for(record, index), part=part,
                                page=page)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=JPEG_QUALITY)
            yield filename(index).removesuffix(".jpg"), \
                filename(index, page if count > 1 else 0), buffer.getvalue()
