"""PostgreSQL: the export's rows read with one COPY (SELECT ...) TO STDOUT and parsed cheaply.

COPY formats the rows in C inside the server and streams them without a round trip per batch;
its text format is split on tabs and newlines here, and only cells that hold a backslash need
unescaping. One statement sees one snapshot, so no keyset and no isolation level are needed.
The rows are the same tuples of text the generic path reads (NULL as None), so everything
after the reading is shared and the output is byte-identical.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# What COPY's text format writes after a backslash (PostgreSQL writes no other escapes).
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_ESCAPED = re.compile(r"\\(.)", re.S)


def _unescape(match: re.Match[str]) -> str:
    """One escape sequence of COPY's text format."""
    return _ESCAPES.get(match[1], match[1])


def _cell(text: str) -> str | None:
    """One cell of COPY's text format (only called for cells that hold a backslash)."""
    if text == "\\N":
        return None
    return _ESCAPED.sub(_unescape, text)


def _rows(lines: list[Any], encoding: str) -> list[list[str | None]]:
    """Parse a batch of COPY rows (each one line ending in a newline)."""
    text = b"".join(lines).decode(encoding)
    return [line.split("\t") if "\\" not in line
            else [c if "\\" not in c else _cell(c) for c in line.split("\t")]
            for line in text.split("\n")[:-1]]


def copy_batches(connection: Connection, stmt: sa.Select, size: int) -> Iterator[list[Any]]:
    """Batches of `size` rows of `stmt`, streamed by COPY in the statement's order."""
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    raw = connection.connection.driver_connection
    encoding = raw.info.encoding
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
        lines: list[Any] = []
        for data in copy:  # one message per row
            lines.append(data)
            if len(lines) >= size:
                yield _rows(lines, encoding)
                lines = []
        if lines:
            yield _rows(lines, encoding)
