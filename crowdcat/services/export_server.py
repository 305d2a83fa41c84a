"""PostgreSQL: the CSV export written by the server, `COPY (SELECT ...) TO STDOUT (FORMAT csv)`.

Everything the generic path does to a row in Python is done by the query instead: the
fallback of blank reference parts to the page's prefill, the composed 檔號, the ISO dates,
spreadsheet neutralizing and the approval time in the export's time zone. Python adds the
header, turns COPY's LF row ends into RFC 4180's CRLF and encodes; the rows are never parsed.

ISO dates: the export's distinct typed dates are read first and parsed once each in Python by
the same parser as everywhere else (normalize.parse_date), put into a temporary table, and
looked up per row. Both statements run in one REPEATABLE READ transaction: one snapshot.

The output is byte-identical to the generic path (tests/services/test_export_copy.py):
empty cells are NULL (COPY writes NULL unquoted, as Python's csv module writes ""), and
PostgreSQL quotes exactly what Python's minimal quoting quotes (comma, quote, CR, LF).
A reference format with format specs or conversions ("{item_no:>4}") is left to Python:
supported() says so.
"""
from __future__ import annotations

import string
import sys
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from crowdcat.models import Entry, Page, User
from crowdcat.services import export_cells as cells
from crowdcat.services.export_plan import ExportOptions, ExportPlan

# What str.strip() strips: the reference parts are compared and composed stripped.
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
# export_cells.neutralize() and neutralize_integer() as PostgreSQL regular expressions.
FORMULA = "^'*[-=+@\t\r]"
PLAIN_INTEGER = "^-?[0-9]+$"
RISKY_CODES = sorted(ord(c) for c in cells.RISKY_FIRST)
DATES_TABLE = "crowdcat_export_dates"
VALUE_KINDS = ("value", "integer", "date")


def supported(plan: ExportPlan) -> bool:
    """Whether the server can compose the plan's reference (plain {name} fields only)."""
    return all(name is None or (name and not spec and not conversion)
               for _text, name, spec, conversion in string.Formatter().parse(plan.reference.fmt))


def _text(value: ColumnElement[Any]) -> ColumnElement[str]:
    """A JSON member as text, "" when absent."""
    return sa.func.coalesce(sa.cast(value.as_string(), sa.Text), "")


def _stripped(value: ColumnElement[str]) -> ColumnElement[str]:
    """str.strip() in SQL."""
    return sa.func.btrim(value, sa.literal(WHITESPACE))


def _with_fallback(key: str) -> ColumnElement[str]:
    """A final value; when it is blank, the page's prefill (as str() of the JSON value)."""
    value = _text(Entry.values[key])
    prefill = Page.prefill[key]
    kind = sa.func.jsonb_typeof(prefill)
    blank = _stripped(value) == ""
    return sa.case(
        (sa.and_(blank, kind.in_(("string", "number"))), sa.cast(prefill.as_string(), sa.Text)),
        (sa.and_(blank, kind == "boolean"),
         sa.case((prefill.as_string() == "true", "True"), else_="False")),
        else_=value,
    )


class ServerCsv:
    """The COPY statement of one CSV export and the date look-up it needs."""

    def __init__(self, plan: ExportPlan, where: list[ColumnElement[bool]],
                 options: ExportOptions) -> None:
        self.plan, self.options = plan, options
        columns = plan.columns
        sources: list[ColumnElement[Any]] = []
        for i, column in enumerate(columns):
            if column.kind in VALUE_KINDS:
                value = (_with_fallback(column.field or "") if column.field in plan.prefilled
                         else _text(Entry.values[column.field or ""]))
                sources.append(value.label(f"c{i}"))
            elif column.kind == "status":
                sources.append(_text(Entry.reconciled["fields", column.field or "", "status"])
                               .label(f"c{i}"))
        sources += [sa.cast(Page.sequence, sa.Text).label("sequence"),
                    Page.original_name.label("file"),
                    sa.cast(Entry.submission_count, sa.Text).label("submissions"),
                    Entry.reviewed_at.label("reviewed_at"), Entry.id.label("entry_id")]
        if options.provenance:
            sources.append(sa.func.coalesce(User.display_name, "").label("reviewer"))
        stmt = sa.select(*sources).join(Page, Page.id == Entry.page_id)
        if options.provenance:
            stmt = stmt.outerjoin(User, User.id == Entry.reviewer_id)
        # OFFSET 0 keeps the subquery whole, so that each value is read from the JSON once
        # however many cells use it (the reference uses its parts twice).
        self.rows = stmt.where(*where).order_by(Entry.reviewed_at, Entry.id).offset(0).subquery("r")
        self.dates = [f"c{i - 1}" for i, c in enumerate(columns) if c.kind == "date_iso"]
        # For the distinct dates: no order, and no page unless a date falls back to its prefill.
        typed = [next(s for s in sources if s.name == name) for name in self.dates]
        dated = sa.select(*typed).select_from(Entry)
        if {columns[int(name[1:])].field for name in self.dates} & plan.prefilled:
            dated = dated.join(Page, Page.id == Entry.page_id)
        self.unordered = dated.where(*where).subquery("d")

    def distinct_dates(self) -> sa.Select | None:
        """The distinct typed dates of the export's date columns (None: it has none)."""
        if not self.dates:
            return None
        d = self.unordered.c
        if len(self.dates) == 1:
            return sa.select(d[self.dates[0]].label("typed")).distinct()
        typed = sa.func.unnest(postgresql.array([d[name] for name in self.dates]))
        return sa.select(typed.label("typed")).distinct()

    def _neutral(self, cell: ColumnElement[str], integer: bool = False) -> ColumnElement[str]:
        """Spreadsheet neutralizing as export_cells does it (none in raw mode).

        The first character's code point is tested first: cheap, and false for nearly every
        cell, so the regular expressions (which copy the whole text) rarely run.
        """
        if self.options.raw:
            return cell
        tests = [sa.func.ascii(cell).in_(RISKY_CODES)]
        if integer:  # whole numbers stay numbers, "-12" too
            tests.append(~cell.regexp_match(PLAIN_INTEGER))
        tests.append(cell.regexp_match(FORMULA))
        return sa.case((sa.and_(*tests), sa.literal("'") + cell), else_=cell)

    def _reference(self) -> ColumnElement[str]:
        """The composed 檔號: "" when a part is blank or no column of the export."""
        at = {c.field: f"c{i}" for i, c in enumerate(self.plan.columns) if c.kind in VALUE_KINDS}
        fmt = self.plan.reference.fmt
        names = self.plan.reference.names
        if not all(name in at for name in names):
            return sa.literal("")
        parts = {name: _stripped(self.rows.c[at[name]]) for name in names}
        pieces: list[ColumnElement[str]] = []
        for text, name, _spec, _conversion in string.Formatter().parse(fmt):
            if text:
                pieces.append(sa.literal(text))
            if name:
                pieces.append(parts[name])
        composed = sa.func.concat(*pieces) if pieces else sa.literal("")
        if not names:
            return composed
        return sa.case((sa.and_(*(part != "" for part in parts.values())), composed), else_="")

    @staticmethod
    def _approved_at(reviewed_at: ColumnElement[Any]) -> ColumnElement[str]:
        """The approval time as isoformat(timespec="seconds") in the session's time zone."""
        return sa.func.to_char(reviewed_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')

    def copy_sql(self, connection: Connection) -> str:
        """The COPY statement (literal SQL: COPY takes no parameters)."""
        rows = self.rows
        if any(c.kind == "reference" for c in self.plan.columns):
            # The 檔號 once per row, in a layer of its own: neutralizing reads it twice.
            rows = sa.select(rows, self._reference().label("reference")).offset(0).subquery("q")
        r = rows.c
        dates = sa.table(DATES_TABLE, sa.column("typed"), sa.column("iso"))
        out: list[ColumnElement[Any]] = []
        for i, column in enumerate(self.plan.columns):
            kind = column.kind
            if kind in ("value", "date", "status"):
                cell = self._neutral(r[f"c{i}"])
            elif kind == "integer":
                cell = self._neutral(r[f"c{i}"], integer=True)
            elif kind == "date_iso":
                cell = (sa.select(dates.c.iso).where(dates.c.typed == r[f"c{i - 1}"])
                        .scalar_subquery())
            elif kind == "reference":
                cell = self._neutral(r.reference)
            elif kind == "file":
                cell = self._neutral(r.file)
            elif kind == "reviewer":
                cell = self._neutral(r.reviewer)
            elif kind == "approved_at":
                cell = self._approved_at(r.reviewed_at)
            else:  # sequence, submissions: numbers as text
                cell = r[kind]
            out.append(sa.func.nullif(cell, "").label(f"o{i}"))
        # In the order of the innermost query: the layers above it only compute, and an ORDER
        # BY here would sort every row again (PostgreSQL does not see that they are in order).
        stmt = sa.select(*out)
        sql = stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        return f"COPY ({sql}) TO STDOUT (FORMAT csv)"


def zone_known(connection: Connection, zone: str) -> bool:
    """Whether PostgreSQL knows the time zone (its tz database is not Python's)."""
    return bool(connection.scalar(sa.select(sa.exists().where(
        sa.column("name") == zone).select_from(sa.func.pg_timezone_names()))))


def _fill_dates(connection: Connection, csv_export: ServerCsv) -> None:
    """The temporary table of the export's typed dates and their ISO forms."""
    query = csv_export.distinct_dates()
    if query is None:
        return
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {DATES_TABLE} (typed text PRIMARY KEY, iso text NOT NULL)"
        " ON COMMIT DROP")
    pairs = []
    for (typed,) in connection.execute(query):
        iso = cells.date_iso(typed)
        if iso:
            pairs.append((typed, iso))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {DATES_TABLE} (typed, iso) FROM STDIN") as copy:
        for pair in pairs:
            copy.write_row(pair)


def server_csv_rows(connection: Connection, csv_export: ServerCsv,
                    size: int) -> Iterator[tuple[int, bytes]]:
    """Batches of (row count, UTF-8 CSV rows ending in CRLF), in the export's order.

    `connection` must be in a REPEATABLE READ transaction (export._open), so that the date
    table and the rows come from one snapshot.
    """
    # The rows are sorted in memory, not in temporary files (this transaction only).
    connection.execute(sa.select(sa.func.set_config("work_mem", "64MB", True)))
    _fill_dates(connection, csv_export)
    if any(c.kind == "approved_at" for c in csv_export.plan.columns):
        connection.execute(sa.select(sa.func.set_config(
            "TimeZone", csv_export.options.timezone, True)))
    sql = csv_export.copy_sql(connection)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        lines: list[bytes] = []
        for data in copy:  # one message per row, ending in LF
            lines.append(bytes(data)[:-1])
            if len(lines) >= size:
                yield len(lines), b"\r\n".join(lines) + b"\r\n"
                lines = []
        if lines:
            yield len(lines), b"\r\n".join(lines) + b"\r\n"
