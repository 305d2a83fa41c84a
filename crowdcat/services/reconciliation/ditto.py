"""Ditto marks in list pages: a cell keyed 同上 takes the value of the cell above (pure).

The marks (``DITTO_MARKS``), compared with the cell's value stripped of spaces (full-width too):

=====  ===========================================================================
同上    "same as above", the usual form in printed and hand-written lists
仝上    the same, with the old variant 仝 of 同
同前    "same as before", found in registers and ledgers
〃     U+3003 DITTO MARK, the hand-written mark
″      U+2033 DOUBLE PRIME, how the mark is often typed (and how OCR reads it)
＂     U+FF02 FULLWIDTH QUOTATION MARK, what a Chinese input method gives for "
=====  ===========================================================================

Left out on purpose: the plain ASCII ``"`` (CSV files and spreadsheets quote with it, so a
lone ``"`` is more often debris of a broken quote than a ditto) and 又 ("again", which is also
a character of names and titles).

A mark only ever repeats the row directly above. It stays as typed when there is nothing to
repeat: in the first row, under a blank cell, or under a mark that itself stayed as typed;
validation then refuses it with a message (``unresolved`` lists those cells).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["DITTO_MARKS", "is_ditto", "resolve", "unresolved"]

DITTO_MARKS: tuple[str, ...] = ("同上", "仝上", "同前", "〃", "″", "＂")
_MARKS = frozenset(DITTO_MARKS)


def is_ditto(value: str | None) -> bool:
    """Tell whether a typed cell is a ditto mark (spaces around it ignored)."""
    return bool(value) and value.strip() in _MARKS  # type: ignore[union-attr]


def resolve(rows: Sequence[Mapping[str, str | None]]) -> list[dict[str, str]]:
    """Replace each ditto mark by the resolved value of the same column in the row above.

    Returns new dicts (the input is not changed); None values become "". Idempotent:
    resolving a resolved list changes nothing, because a resolved cell is never a mark and a
    mark left as typed has, on the second pass, still nothing to repeat.
    """
    resolved: list[dict[str, str]] = []
    above: dict[str, str] = {}
    for row in rows:
        current = {key: value or "" for key, value in row.items()}
        for key, value in current.items():
            if value and value.strip() in _MARKS:
                repeated = above.get(key, "")
                if repeated.strip() and repeated.strip() not in _MARKS:
                    current[key] = repeated
        resolved.append(current)
        above = current
    return resolved


def unresolved(rows: Sequence[Mapping[str, str | None]]) -> list[tuple[int, str]]:
    """The cells of resolved rows still holding a mark: (row number 1-based, column key)."""
    return [
        (number, key)
        for number, row in enumerate(rows, start=1)
        for key, value in row.items()
        if is_ditto(value)
    ]
