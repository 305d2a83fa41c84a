"""PostgreSQL: the export's rows read with one COPY (SELECT ...) TO STDOUT and parsed cheaply.

COPY formats the rows in C inside the server and streams them without a round trip per batch;
its text format is split on tabs and newlines here, and only cells that hold a backslash need
unescaping. One statement sees one snapshot, so no keyset and no isolation level are needed.
The rows are the same tuples of text the generic path reads (NULL as None), so everything
after the reading is shared and the output is byte-identical.
"""
from __future__ import annotations

import re
import select
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from psycopg import errors, pq
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
    """Parse a batch of COPY rows (each one line without its newline)."""
    text = b"\n".join(lines).decode(encoding)
    return [line.split("\t") if "\\" not in line
            else [c if "\\" not in c else _cell(c) for c in line.split("\t")]
            for line in text.split("\n")]


def copy_batches(connection: Connection, stmt: sa.Select, size: int) -> Iterator[list[Any]]:
    """Batches of `size` rows of `stmt`, streamed by COPY in the statement's order."""
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    raw = connection.connection.driver_connection
    encoding = raw.info.encoding
    for lines in copy_lines(raw, f"COPY ({sql}) TO STDOUT", size):
        yield _rows(lines, encoding)


def copy_lines(raw: Any, sql: str, size: int) -> Iterator[list[memoryview]]:
    """The rows of a COPY ... TO STDOUT in batches of `size`, each row without its final LF.

    libpq is called directly, once per row: psycopg's own COPY iteration costs several times
    more per row, which was most of an export's time in Python. Waits for data in poll(),
    which releases the GIL. Stopped early (an error, a closed download), psycopg's COPY
    block cancels the statement.
    """
    with raw.cursor() as cursor, cursor.copy(sql):
        pgconn = raw.pgconn
        read = pgconn.get_copy_data
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN)
        lines: list[memoryview] = []
        while True:
            length, data = read(1)
            if length > 0:
                lines.append(data[:-1])
                if len(lines) >= size:
                    yield lines
                    lines = []
            elif length == 0:  # nothing buffered: wait for the socket, then read it
                poller.poll()
                pgconn.consume_input()
            else:
                break
        if lines:
            yield lines
        # The end of the data (or an error): COPY's result says which.
        error = None
        while True:
            while pgconn.is_busy():
                poller.poll()
                pgconn.consume_input()
            if (result := pgconn.get_result()) is None:
                break
            if result.status != pq.ExecStatus.COMMAND_OK and error is None:
                error = errors.error_from_result(result, encoding=raw.info.encoding)
        if error is not None:
            raise error
