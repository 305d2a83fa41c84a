"""Looser comparisons of text values: the loose key, numbers, containment, similarity (pure).

These run only when a field's votes differ after normalization (``normalization``), so they
favour clarity over speed. Every function takes equality keys or typed text and returns plain
values; nothing here knows about votes.

- ``loose_key``: punctuation- and space-insensitive, with list joiners (``& and with ; , 、
  及 暨`` and a new line) read as one separator. ``J. K. Smith`` = ``J K Smith`` =
  ``J.K. Smith``; ``A. Li, B. Wu`` = ``A. Li & B. Wu`` = ``A. Li and B. Wu``; between Chinese
  characters a joiner is no separator at all, as a space is not: ``辦理戶口普查、登記的呈`` =
  ``辦理戶口普查 登記的呈`` = ``辦理戶口普查登記的呈``.
  Brackets ``[]`` (a title the cataloguer supplied) and book-title marks ``《》〈〉`` are kept,
  and digits stay apart: ``12-3`` and ``123`` keep different keys.
- ``numbers``: the sequence of numbers a value contains (Arabic, full-width or Chinese
  numerals). Two values whose numbers differ are never merged by similarity or containment.
- ``contains``: whether a shorter reading is a truncation of a longer one (its units, words or
  CJK characters, appear in order in the longer value with at most three gaps).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from crowdcat.services.reconciliation.normalization import normalize_text, parse_integer

# Read as one separator between list items (after normalize_text: 、 is "," and ； is ";").
_JOINER = re.compile(r"\s*(?:[&;,\n]|\band\b|\bwith\b|及|暨)\s*")
# Between two digits, any run of marks or spaces is kept as one boundary: 12-3 is not 123.
_DIGIT_GAP = re.compile(r"(?<=\d)[^\w\[\]《》〈〉]+(?=\d)")
_DROP = re.compile(r"[^\w\[\]《》〈〉#]+|_")
_CHINESE_NUMERAL = (
    "〇零○一壹弌二貳贰弍兩两三參叁参叄弎四肆五伍六陸陆七柒八捌九玖"
    "十拾百佰千仟廿卄卅卌萬万億亿"
)
_NUMBER = re.compile(f"[0-9]+|[{_CHINESE_NUMERAL}]+")
# A containment unit: a run of digits, a Latin word, or one other letter (a CJK character).
_UNIT = re.compile(r"[0-9]+|[a-z\u00c0-\u024f]+|[^\W\d_]")
_CJK_UNIT = re.compile(r"[^\W\d_a-z\u00c0-\u024f]")
# Chinese is written without spaces: a joiner between two CJK characters is no separator at all
# (張三、李四 = 張三，李四 = 張三 李四), while Latin items keep one (a li|b wu).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_SEPARATOR = re.compile(f"(?<=[{_CJK}])\\|(?=[{_CJK}])")
MIN_CONTAINED = 12  # the shorter value's length: 12 Latin characters, or 4 CJK (3 each)
MAX_GAPS = 3


# Small caches: these run only for fields whose votes differ, where values rarely repeat; they
# help the Hypothesis-sized repeats and keep memory flat over hundreds of thousands of pages.
@lru_cache(maxsize=4096)
def loose_key(typed: str, fold_variants: bool = False, fold_forms: bool = False) -> str:
    """Return the loose equality key of a typed text value ("" when it is blank)."""
    text = normalize_text(
        typed.replace("\n", ";"), fold_variants=fold_variants, fold_forms=fold_forms
    )
    items = []
    for item in _JOINER.split(text):
        item = _DROP.sub("", _DIGIT_GAP.sub("#", item))
        if item:
            items.append(item)
    joined = "|".join(items)
    return _CJK_SEPARATOR.sub("", joined) if "|" in joined else joined


@lru_cache(maxsize=4096)
def numbers(key: str) -> tuple[str, ...]:
    """Return the numbers in a normalized key, in order (Chinese numerals read as numbers)."""
    found = []
    for run in _NUMBER.findall(key):
        if run.isascii():
            found.append(str(int(run)))
        else:
            number = parse_integer(run)
            found.append(run if number is None else str(number))
    return tuple(found)


@lru_cache(maxsize=4096)
def units(key: str) -> tuple[str, ...]:
    """Return the containment units of a normalized key: numbers, Latin words, CJK characters."""
    return tuple(_UNIT.findall(key))


def weighted_length(parts: tuple[str, ...]) -> int:
    """Length in Latin-character equivalents: a CJK character counts as three."""
    return sum(3 if _CJK_UNIT.fullmatch(part) else len(part) for part in parts)


def _slice_of(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether ``short`` appears as a contiguous run inside ``long``."""
    if not short:
        return True
    width = len(short)
    return any(long[i : i + width] == short for i in range(len(long) - width + 1))


def contains(longer: str, shorter: str) -> bool:
    """Whether the normalized key ``shorter`` is a truncated reading of ``longer``.

    The shorter value must be long enough (``MIN_CONTAINED``), have fewer units, find its units
    in order in the longer one with at most ``MAX_GAPS`` runs of skipped units, and its numbers
    must be a contiguous run of the longer value's numbers: ``R 4`` is not contained in ``R 42``.
    """
    short_units, long_units = units(shorter), units(longer)
    if len(short_units) >= len(long_units) or weighted_length(short_units) < MIN_CONTAINED:
        return False
    if not _slice_of(numbers(shorter), numbers(longer)):
        return False
    gaps, position, skipping = 0, 0, False
    for unit in long_units:
        if position < len(short_units) and unit == short_units[position]:
            position += 1
            skipping = False
        elif not skipping:
            gaps, skipping = gaps + 1, True
    return position == len(short_units) and gaps <= MAX_GAPS


def similar(a: str, b: str, threshold: int) -> bool:
    """Whether two normalized keys are near-equal text with the very same numbers."""
    return numbers(a) == numbers(b) and bool(fuzz.ratio(a, b, score_cutoff=threshold))


# Similarity of two strings, 0-100 (the medoid tie-break of a group's shown spelling); the
# rapidfuzz function itself, as it runs for most pages (dates typed in different ways).
similarity = fuzz.ratio
