"""Cell conversions of the catalog export: spreadsheet safety, dates, integers, the reference.

Pure functions over plain values, used once per cell, so they are kept cheap: dates are
memoized (a catalog repeats the same dates many times), the reference format is parsed once.
"""
from __future__ import annotations

import re
import string
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any

from crowdcat.services.reconciliation.normalization import parse_date, parse_integer

# OWASP "CSV injection": a spreadsheet reads a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Leading apostrophes are looked through so that neutralizing can always be undone:
# "'=x" (typed so) becomes "''=x", and unneutralize() drops exactly one apostrophe.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALIZED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_INTEGER = re.compile(r"-?[0-9]+")


def neutralize(value: str | None) -> str | None:
    """Prefix a formula-looking text with a single quote so spreadsheets show it as text."""
    if value and (value[0] in FORMULA_TRIGGERS or value[0] == "'") and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """Undo neutralize() (for readers of a safe-mode file that want the stored text back)."""
    return value[1:] if _NEUTRALIZED.match(value) else value


# First characters after which a cell needs a closer look (a cheap test per cell).
RISKY_FIRST = frozenset("=+-@\t\r'")
# A cell of a row joined with NUL separators (and one in front) that starts riskily.
RISKY_CELL = re.compile("\0['=+\\-@\t\r]")


def neutralize_cell(value: str, kind: str) -> str:
    """Neutralize one cell of a column of `kind` (integer columns keep their numbers)."""
    return neutralize_integer(value) if kind == "integer" else neutralize(value)  # type: ignore[return-value]


def neutralize_integer(value: str | None) -> str | None:
    """Integer columns: a whole number (negative too) stays a number, anything else is text."""
    if value and _PLAIN_INTEGER.fullmatch(value):
        return value
    return neutralize(value)


@lru_cache(maxsize=65_536)
def date_parts(typed: str) -> tuple[str, str] | None:
    """(ISO 8601 at its precision, precision) of a typed date, or None when it is not a date."""
    parsed = parse_date(typed)
    return (parsed.iso, parsed.precision) if parsed else None


def date_iso(typed: str | None) -> str:
    """The ISO 8601 form of a typed date ("" when blank or unreadable)."""
    if not typed:
        return ""
    parts = date_parts(typed)
    return parts[0] if parts else ""


def date_json(typed: str | None) -> dict[str, Any] | None:
    """A date for JSON: {"value": as typed, "iso": ..., "precision": ...}; None when blank."""
    if not typed:
        return None
    parts = date_parts(typed)
    if parts is None:
        return {"value": typed, "iso": None, "precision": None}
    return {"value": typed, "iso": parts[0], "precision": parts[1]}


def integer_json(text: str | None) -> int | str | None:
    """An integer field for JSON: a number when it reads as one, else the text as stored."""
    if not text:
        return None
    if _PLAIN_INTEGER.fullmatch(text):
        return int(text)
    number = parse_integer(text)
    return text if number is None else number


def timestamp(value: datetime | None, zone: tzinfo) -> str:
    """An aware datetime as ISO 8601 with the UTC offset of `zone`, to the second."""
    return value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def aware(value: datetime | str | None) -> datetime | None:
    """A stored timestamp as read without SQLAlchemy's type (SQLite: naive UTC text)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


class ReferenceFormat:
    """A reference format parsed once; composes like references.compose_reference."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.names = tuple(
            dict.fromkeys(name for _t, name, _s, _c in string.Formatter().parse(fmt) if name)
        )
        # The same format with positional fields ({0}, {1}...) for compose_stripped().
        pieces = []
        for text, name, spec, conversion in string.Formatter().parse(fmt):
            pieces.append(text.replace("{", "{{").replace("}", "}}"))
            if name is not None:
                position = self.names.index(name) if name else 0
                pieces.append(f"{{{position}{'!' + conversion if conversion else ''}"
                              f"{':' + spec if spec else ''}}}")
        self.positional = "".join(pieces)

    def compose_stripped(self, parts: list[str]) -> str:
        """Fill the format from stripped parts in the order of `names`; "" when one is empty."""
        return self.positional.format(*parts) if all(parts) else ""
