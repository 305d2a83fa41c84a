"""Recognised lines as stored: boxes, which way the page reads, and reading order.

Republic-era documents are mostly written in vertical columns read right to left, with a
few horizontal lines (the archive's stamp, a heading) above them; lists and covers are
ruled tables read in rows. A page is vertical when its vertical lines carry most of its
characters. Vertical pages: the horizontal lines above the columns first, then the columns
right to left, each top to bottom. Horizontal pages: rows top to bottom, each left to right.
"""
from __future__ import annotations

from typing import Any

from crowdcat.services.ocr.base import RawLine


def line_record(raw: RawLine, scale: float = 1.0) -> dict[str, Any]:
    """One line as stored: text, confidence, box [x, y, w, h], polygon, in image pixels."""
    points = [[round(x / scale), round(y / scale)] for x, y in raw.polygon]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    box = [min(xs), min(ys), max(1, max(xs) - min(xs)), max(1, max(ys) - min(ys))]
    vertical = len(raw.text) > 1 and box[3] > 1.5 * box[2]
    return {"text": raw.text, "confidence": round(raw.confidence, 4), "box": box,
            "polygon": points, "vertical": vertical}


def is_vertical(lines: list[dict[str, Any]]) -> bool:
    """Whether vertical lines carry more characters than horizontal ones."""
    down = sum(len(line["text"]) for line in lines if line["vertical"])
    across = sum(len(line["text"]) for line in lines if not line["vertical"])
    return down > across


def _groups(lines: list[dict[str, Any]], axis: int) -> list[list[dict[str, Any]]]:
    """Lines grouped into rows (axis 1: y) or columns (axis 0: x).

    A line joins the first group whose first line's extent holds its centre; groups do not
    grow, so the two lines of one table cell stay two rows rather than chaining a band.
    """
    groups: list[tuple[float, float, list[dict[str, Any]]]] = []
    for line in sorted(lines, key=lambda item: item["box"][axis]):
        start, size = line["box"][axis], line["box"][axis + 2]
        centre = start + size / 2
        for low, high, members in groups:
            if low <= centre <= high:
                members.append(line)
                break
        else:
            groups.append((start, start + size, [line]))
    return [members for _low, _high, members in groups]


def reading_order(lines: list[dict[str, Any]], vertical: bool) -> list[dict[str, Any]]:
    """The lines in the order a person reads the page."""
    if not vertical:
        rows = sorted(_groups(lines, 1), key=lambda g: min(line["box"][1] for line in g))
        return [line for row in rows for line in sorted(row, key=lambda item: item["box"][0])]
    columns = [line for line in lines if line["vertical"]]
    top = min((line["box"][1] for line in columns), default=0)
    heading = [line for line in lines if not line["vertical"]
               and line["box"][1] + line["box"][3] / 2 < top]
    rest = [line for line in lines if line not in heading]
    ordered = reading_order(heading, vertical=False)
    groups = sorted(_groups(rest, 0), key=lambda g: -max(li["box"][0] + li["box"][2] for li in g))
    for group in groups:
        ordered.extend(sorted(group, key=lambda item: item["box"][1]))
    return ordered


def arrange(raw_lines: list[RawLine], scale: float = 1.0) -> tuple[list[dict[str, Any]], bool]:
    """Stored lines in reading order (empty texts dropped), and whether the page is vertical."""
    lines = [line_record(raw, scale) for raw in raw_lines if raw.text.strip()]
    vertical = is_vertical(lines)
    return reading_order(lines, vertical), vertical
