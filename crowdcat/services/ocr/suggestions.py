"""Suggestions for fields from an item's machine reading: shown beside a field, never typed in.

Three extractors, each a pure function over the recognised lines in reading order (a line is
a row, or a column of a vertical page); a field names one in options["ocr_suggest"]:

- doc_no: a document number 〔(年份)〕 prefix 字第 number 號, e.g. 府秘字第五八九號,
  (三七)建一字第45號; the number in Arabic, full-width or Chinese numerals. The prefix is at
  most six characters and stops at punctuation, a space or a character that ends a document
  type (令 呈 函 電 批 示), so 浙江省政府訓令府秘字第589號 gives 府秘字第589號.
- date: a date 〔中華民國〕…年…月〔…日〕 (or 1948年5月10日) in the last lines of the reading,
  the lowest first; it must read as a date (reconciliation.normalization.parse_date).
- title: what follows 事由 or 案由 (and a colon) to the end of its line, or the next line when
  the label stands alone; the framing 為…由 is stripped: 事由：為整頓田賦徵收辦法由 gives
  整頓田賦徵收辦法.

Over an item: doc_no and title read its first image, date its last (a Republic-era document
ends with its date and seal). The values come from the machine only, never from a volunteer.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import Item
from crowdcat.services.ocr import readings
from crowdcat.services.reconciliation.normalization import parse_date

# How many lines at the end of the last image are searched for the date.
DATE_LINES = 6
_NUMBER = "0-9０-９〇零○一二三四五六七八九十百千廿卅兩壹貳參叁肆伍陸柒捌玖拾佰仟"
_PREFIX_STOP = "令呈函電批示號号"
_DOC_NUMBER = re.compile(rf"字第[{_NUMBER}]+[號号]")
_YEAR = re.compile(rf"[（(][{_NUMBER}年]{{1,6}}[)）]$")
PREFIX_LENGTH = 6
_DATE = re.compile(
    rf"(?:中華民國|中华民国|民國|民国)?[{_NUMBER}元]{{1,4}}年"
    rf"[{_NUMBER}]{{1,3}}月(?:[{_NUMBER}]{{1,3}}[日號号])?"
)
_TITLE_LABEL = re.compile(r"[事案]由[\s:：　]*")
_FRAMED = re.compile(r"^[為为](?P<inner>.+?)[由]$")
_TRIM = " \t　:：,，。.;；、"


def _compact(text: str) -> str:
    """A line with its white space dropped (OCR often spaces out Chinese characters)."""
    return "".join(text.split())


def _in_prefix(char: str) -> bool:
    """Whether a character can be part of a 文號's prefix (府秘, 建一)."""
    return char.isalnum() and char not in _PREFIX_STOP


def doc_no(lines: Sequence[str]) -> str | None:
    """The first 文號 (…字第…號) in the lines, as written."""
    for line in lines:
        text = _compact(line)
        for match in _DOC_NUMBER.finditer(text):
            start = match.start()
            while start > 0 and match.start() - start < PREFIX_LENGTH \
                    and _in_prefix(text[start - 1]):
                start -= 1
            if start == match.start():
                continue  # 字第…號 with no prefix is not a document number
            year = _YEAR.search(text[:start])
            return (year.group() if year else "") + text[start:match.end()]
    return None


def date(lines: Sequence[str]) -> str | None:
    """The lowest date among the last lines, as written, if it reads as a date."""
    for line in reversed(list(lines)[-DATE_LINES:]):
        found = [m.group() for m in _DATE.finditer(_compact(line))]
        for text in reversed(found):
            if parse_date(text) is not None:
                return text
    return None


def _unframed(text: str) -> str:
    """The title without its 為…由 framing and trailing punctuation."""
    text = text.strip(_TRIM)
    framed = _FRAMED.match(text)
    return (framed["inner"] if framed else text).strip(_TRIM)


def title(lines: Sequence[str]) -> str | None:
    """What follows 事由/案由 to the end of its line (the next line if the label is alone)."""
    lines = [_compact(line) for line in lines]
    for n, line in enumerate(lines):
        label = _TITLE_LABEL.search(line)
        if label is None:
            continue
        rest = line[label.end():]
        if not rest.strip(_TRIM) and n + 1 < len(lines):
            rest = lines[n + 1]
        value = _unframed(rest)
        if value:
            return value
    return None


EXTRACTORS: dict[str, Callable[[Sequence[str]], str | None]] = {
    "doc_no": doc_no, "date": date, "title": title,
}
# Which image of an item each extractor reads: "first" or "last".
READS = {"doc_no": "first", "title": "first", "date": "last"}


def _texts(session: Session, image_id: int) -> list[str]:
    """The recognised lines of an image, in reading order (none when unread or unreadable)."""
    reading = readings.latest(session, image_id)
    if reading is None or reading.error:
        return []
    return [line["text"] for line in reading.lines]


def for_item(session: Session, item: Item) -> dict[str, dict[str, Any]]:
    """For each keyed field with an extractor, the value it proposes and the image it read."""
    images = list(item.images)
    if not images:
        return {}
    cache: dict[int, list[str]] = {}
    found: dict[str, dict[str, Any]] = {}
    for spec in item.project.keyed_fields:
        name = (spec.options or {}).get("ocr_suggest")
        if name not in EXTRACTORS:
            continue
        image = images[0] if READS[name] == "first" else images[-1]
        if image.id not in cache:
            cache[image.id] = _texts(session, image.id)
        value = EXTRACTORS[name](cache[image.id])
        if value:
            found[spec.key] = {"value": value, "extractor": name, "image_id": image.id,
                               "position": image.position}
    return found

