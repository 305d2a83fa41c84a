"""The export's cell rules (export_cells.py) as PostgreSQL expressions, cheap to evaluate.

A cell is evaluated for every row of a catalog, so each expression first looks at the
first character's code point (ascii(), one look-up in a hashed list of constants) and runs
the slow functions (btrim over every Unicode space, regular expressions) only for the few
texts that may need them. Expressions used more than once in a cell are evaluated more than
once: callers pass cheap ones (a column, a JSON member), not nested expressions.
"""
from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from crowdcat.models import Item
from crowdcat.services.export import cells

Text = ColumnElement[str]

# export_cells.neutralize() and neutralize_integer() as PostgreSQL regular expressions.
FORMULA = "^'*[-=+@\t\r]"
PLAIN_INTEGER = "^-?[0-9]+$"
# First characters of the cells that get a closer look: empty, risky, and a space, which
# makes nine: PostgreSQL looks a list of nine or more constants up in a hash table.
CHECKED_FIRST = sorted({0, ord(" "), *(ord(c) for c in cells.RISKY_FIRST)})


# What str.strip() strips: every code point for which str.isspace() is true (the Unicode
# White_Space characters with bidirectional type WS, B or S, or in category Zs). Written out:
# finding them among all 1.1 million code points took half a second of every export's start.
# tests/services/export/test_postgres_cells.py checks the list against Python's Unicode data.
WHITESPACE = "".join(map(chr, (
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
    *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)))


def whitespace() -> str:
    """What str.strip() strips (WHITESPACE)."""
    return WHITESPACE


@cache
def space_codes() -> list[int]:
    """The code points of whitespace(), and 0 (ascii() of an empty text)."""
    return [0, *sorted(ord(c) for c in whitespace())]


def _one_of(code: ColumnElement[int], codes: list[int]) -> ColumnElement[bool]:
    """code = ANY('{...}'::int[]): one constant for the whole list (an IN list is a node per
    value to build and compile); PostgreSQL looks nine or more up in a hash table either way."""
    return code == sa.any_(sa.literal_column(f"'{{{','.join(map(str, codes))}}}'::int[]"))


def _space_first(text: Text) -> ColumnElement[bool]:
    """Whether text is empty or starts with white space."""
    return _one_of(sa.func.ascii(text), space_codes())


def strip(text: Text) -> Text:
    """str.strip() in SQL."""
    return sa.func.btrim(text, sa.literal(whitespace()))


def blank(text: Text) -> ColumnElement[bool]:
    """Whether text.strip() == "" (btrim runs only when the first character is a space)."""
    return sa.and_(_space_first(text), strip(text) == "")


def trimmed(text: Text) -> ColumnElement[bool]:
    """Whether text is not blank and text.strip() == text (no space at either end)."""
    return sa.and_(~_space_first(text), ~_space_first(sa.func.right(text, 1)))


def cell(text: Text, *, raw: bool, integer: bool = False,
         first: ColumnElement[int] | None = None) -> Text:
    """The COPY cell of a text: NULL when empty, neutralized as export_cells does it.

    Decided on the first character's code point (`first`, when the caller knows a cheaper
    way to get it): most cells start with a letter, a digit or CJK and are written as they
    are. `raw`: no neutralizing (the export's raw mode).
    """
    if raw:
        return sa.func.nullif(text, "")
    closer: list[tuple[ColumnElement[bool], Any]] = [(text == "", sa.null())]
    if integer:  # whole numbers stay numbers, "-12" too
        closer.append((text.regexp_match(PLAIN_INTEGER), text))
    closer.append((text.regexp_match(FORMULA), sa.literal("'") + text))
    code = first if first is not None else sa.func.ascii(text)
    return sa.case((_one_of(code, CHECKED_FIRST), sa.case(*closer, else_=text)), else_=text)


def prefill_fallback(key: str, value: Text) -> Text:
    """A final value; when it is blank, the page's prefill (as str() of the JSON value)."""
    prefill = Item.prefill[key]
    kind = sa.func.jsonb_typeof(prefill)
    filled = sa.case(
        (kind.in_(("string", "number")), sa.cast(prefill.as_string(), sa.Text)),
        (kind == "boolean", sa.case((prefill.as_string() == "true", "True"), else_="False")),
        else_=value,
    )
    return sa.case((blank(value), filled), else_=value)
