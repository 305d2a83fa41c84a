"""Render the demo's 卷內文件目錄 pages: a printed ruled form, values printed or hand-written."""
from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from typing import Any

from PIL import Image

from crowdcat.demo.lists import CLERKS, HEADER_KEYS, LABELS, LIST_RECORDS, ROW_KEYS
from crowdcat.demo.paper import HEIGHT, WIDTH, Sheet, font

JPEG_QUALITY = 80
# Column widths of the form, in ROW_KEYS order (順序號 … 備註).
_WIDTHS: dict[str, int] = {"item_no": 84, "doc_no": 176, "creator": 180, "title": 340,
                           "date": 212, "pages": 64, "notes": 104}
_CENTRED = ("item_no", "pages")
_LEFT, _TOP, _HEAD_H, _BOTTOM = 40.0, 300.0, 70.0, HEIGHT - 170.0


def _wrap(text: str, kind: str, size: int, width: float) -> list[str]:
    """Break text into lines that fit a width (a run of digits is never broken)."""
    face, lines, line = font(kind, size), [], ""
    for token in re.findall(r"[0-9A-Za-z]+|.", text):
        if line and face.getlength(line + token) > width:
            lines.append(line)
            line = ""
        line += token
    return lines + [line] if line else lines


def _fit(text: str, kind: str, size: int, width: float, height: float) -> tuple[int, list[str]]:
    """A size (a little below `size` if that saves a line) at which the whole text fits."""
    for smaller in range(size, 13, -1):
        lines = _wrap(text, kind, smaller, width)
        if len(lines) * smaller * 1.15 > height:
            continue
        slightly = _wrap(text, kind, smaller - 4, width)
        if len(slightly) < len(lines):
            return smaller - 4, slightly
        return smaller, lines
    return 14, _wrap(text, kind, 14, width)


def _cell(sheet: Sheet, text: str, box: tuple[float, float, float, float], kind: str,
          size: int, *, centred: bool) -> None:
    """Write a value into its cell, every character of it, wrapped and centred vertically."""
    left, top, right, bottom = box
    size, lines = _fit(text, kind, size, right - left - 14, bottom - top - 6)
    pitch = size * 1.15
    y = top + (bottom - top - len(lines) * pitch) / 2 + pitch / 2
    for line in lines:
        if centred:
            sheet.text(((left + right) / 2, y), line, size, kind=kind, anchor="mm")
        else:
            sheet.text((left + 7, y), line, size, kind=kind, anchor="lm")
        y += pitch


def _form(sheet: Sheet, ruled: int) -> tuple[list[float], float]:
    """Print the empty form: heading, header labels and the ruled table; (column x, row height)."""
    sheet.text((WIDTH / 2, 140), "卷 內 文 件 目 錄", 60, anchor="mm", stroke=1)
    row_h = (_BOTTOM - _TOP - _HEAD_H) / ruled
    right = _LEFT + sum(_WIDTHS.values())
    sheet.rect((_LEFT, _TOP, right, _BOTTOM), width=4)
    for r in range(ruled):
        y = _TOP + _HEAD_H + r * row_h
        sheet.line([(_LEFT, y), (right, y)], width=3 if r == 0 else 1)
    xs = [_LEFT]
    for key in ROW_KEYS:
        x = xs[-1]
        sheet.text((x + _WIDTHS[key] / 2, _TOP + _HEAD_H / 2), LABELS[key], 24, anchor="mm")
        xs.append(x + _WIDTHS[key])
        if xs[-1] < right:
            sheet.line([(xs[-1], _TOP), (xs[-1], _BOTTOM)], width=2)
    return xs, row_h


def render_list_with_text(record: dict[str, Any], index: int) -> tuple[Image.Image, list[str]]:
    """Render one list page; also return the strings drawn on it."""
    rng = random.Random(f"crowdcat-demo-list-{index}")
    hand = bool(record["hand"])
    kind = "kai" if hand else "song"
    sheet = Sheet(rng, hand=hand)
    rows = record["rows"]
    ruled = 20 if len(rows) > 14 else 14
    xs, row_h = _form(sheet, ruled)
    x = 80.0
    for key in HEADER_KEYS:
        x = sheet.text((x, 240), LABELS[key] + "：", 30, anchor="lm")
        x = sheet.text((x + 6, 240), record[key], 34, kind=kind, anchor="lm") + 60
    size = 24 if ruled == 20 else 27
    for r, row in enumerate(rows):
        top = _TOP + _HEAD_H + r * row_h
        for c, key in enumerate(ROW_KEYS):
            if row[key]:
                _cell(sheet, row[key], (xs[c], top, xs[c + 1], top + row_h), kind, size,
                      centred=key in _CENTRED)
    for i, label in enumerate(("立卷人", "檢查人")):
        x = sheet.text((120 + i * 560, HEIGHT - 110), label + "：", 30, anchor="lm")
        sheet.text((x + 10, HEIGHT - 112), CLERKS[(index + 3 * i) % len(CLERKS)], 34,
                   kind="kai", anchor="lm")
    faint = rng.random() < 0.2
    angle = rng.choice((-1, 1)) * rng.uniform(0.5, 2.5) if rng.random() < 0.4 else 0.0
    return sheet.finish(faint=faint, angle=angle), sheet.drawn


def render_list(record: dict[str, Any], index: int) -> Image.Image:
    """Render one list page image (deterministic for a given record and index)."""
    return render_list_with_text(record, index)[0]


def render_lists() -> Iterator[tuple[str, str, bytes]]:
    """Yield (item reference, file name, JPEG bytes) for every list page, in record order."""
    for index, record in enumerate(LIST_RECORDS):
        buffer = io.BytesIO()
        render_list(record, index).save(buffer, "JPEG", quality=JPEG_QUALITY)
        yield record["reference"], f"{record['reference']}.jpg", buffer.getvalue()
