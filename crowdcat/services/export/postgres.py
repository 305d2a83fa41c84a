"""PostgreSQL: the CSV export written by the server, `COPY (SELECT ...) TO STDOUT (FORMAT csv)`.

Everything the generic path does to a row in Python is done by the query instead: the
fallback of blank reference parts to the page's prefill, the composed 檔號, the ISO dates,
spreadsheet neutralizing and the approval time in the export's time zone. Python adds the
header, turns COPY's LF row ends into RFC 4180's CRLF and encodes; the rows are never parsed.

The query is one flat SELECT, so that PostgreSQL works the cells out in its parallel workers
below the sort (a layer fenced with OFFSET 0, or a look-up in a temporary table, would leave
every cell to the leader alone). It comes in two forms:

- with facts (every approved entry of the project stamped by entry_facts): a row whose final
  values are all plain is a projection, each value read once and written as it is, its ISO
  dates read from final_dates; the few other rows take the full expressions below;
- in full, when some entry lacks current facts: the final values are unpacked once per row
  (jsonb_to_record), and the export's distinct typed dates are read first and parsed once
  each in Python (normalize.parse_date), the map going into the COPY as a JSONB constant.

Both run in one REPEATABLE READ transaction (export._open): one snapshot for the check, the
dates and the rows. The output is byte-identical to the generic path either way
(tests/data/test_copy.py): empty cells are NULL (COPY writes NULL unquoted, as
Python's csv module writes ""), and PostgreSQL quotes exactly what Python's minimal quoting
quotes. A reference format with format specs ("{item_no:>4}") is left to Python: supported().
"""
from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from crowdcat.data.copy import copy_lines
from crowdcat.models import Entry, Item, User
from crowdcat.services.export.images import KINDS as IMAGE_KINDS
from crowdcat.services.export.images import ItemImages
from crowdcat.services.export.plan import ExportOptions, ExportPlan, order_keys
from crowdcat.services.export.postgres_cells import (
    blank,
    cell,
    prefill_fallback,
    strip,
    trimmed,
)
from crowdcat.services.reconciliation import facts as entry_facts

VALUE_KINDS = ("value", "integer", "date")
Text = ColumnElement[str]


def supported(plan: ExportPlan) -> bool:
    """Whether the server can compose the plan's reference (plain {name} fields only)."""
    return all(name is None or (name and not spec and not conversion)
               for _text, name, spec, conversion in string.Formatter().parse(plan.reference.fmt))


def server_ready(connection: Connection, options: ExportOptions) -> bool:
    """Whether this server can write the export: UTF-8 (code points) and the time zone known."""
    if connection.exec_driver_sql("SHOW server_encoding").scalar() != "UTF8":
        return False  # ascii() would not return code points
    if not options.provenance or options.timezone == "UTC":
        return True
    return bool(connection.scalar(sa.select(sa.exists().where(
        sa.column("name") == options.timezone).select_from(sa.func.pg_timezone_names()))))


def _json_text(value: ColumnElement[Any]) -> Text:
    """A JSON member as text, "" when absent."""
    return sa.func.coalesce(sa.cast(value.as_string(), sa.Text), "")


class ServerCsv:
    """The COPY statement of one CSV export, with facts or in full."""

    def __init__(self, plan: ExportPlan, where: list[ColumnElement[bool]],
                 options: ExportOptions, project_id: int) -> None:
        self.plan, self.options, self.where, self.project_id = plan, options, where, project_id
        self.raw = options.raw
        self.fields = {i: c.field or "" for i, c in enumerate(plan.columns)
                       if c.kind in VALUE_KINDS}
        self.date_columns = [i for i, c in enumerate(plan.columns) if c.kind == "date_iso"]
        # final_dates reads final values; a date that may fall back to a prefill needs more.
        dated = {self.fields[i - 1] for i in self.date_columns}
        self.facts_usable = not dated & plan.prefilled
        keys = list(dict.fromkeys(self.fields.values()))
        self.unpacked = (sa.func.jsonb_to_record(Entry.values)
                         .table_valued(*(sa.column(key, sa.Text) for key in keys))
                         .render_derived(with_types=True)) if keys else None
        # Provenance: each field's agreement, from the reconciliation record, unpacked once
        # per row (the record is large and stored compressed: one read, not one per column).
        statused = list(dict.fromkeys(c.field or "" for c in plan.columns
                                      if c.kind in ("status", "how")))
        self.statuses = (sa.func.jsonb_to_record(Entry.reconciled["fields"])
                         .table_valued(*(sa.column(key, postgresql.JSONB) for key in statused))
                         .render_derived(with_types=True)) if statused else None
        self.images = (ItemImages(project_id) if any(c.kind in IMAGE_KINDS for c in plan.columns)
                       else None)

    def _sources(self, value_of: Callable[[str], Text]) -> dict[int, Text]:
        """The text of each field column before neutralizing, by column position."""
        return {i: prefill_fallback(key, value_of(key)) if key in self.plan.prefilled
                else value_of(key) for i, key in self.fields.items()}

    def _from(self, stmt: sa.Select, unpacked: bool, page: bool = True,
              statuses: bool = False, images: bool = False) -> sa.Select:
        """`stmt` over the approved entries (with their items, values and statuses unpacked,
        and the items' images)."""
        if page:
            stmt = stmt.join(Item, Item.id == Entry.item_id)
        if images and self.images is not None:
            stmt = self.images.join(stmt)
        if unpacked and self.unpacked is not None:
            stmt = stmt.join(self.unpacked, sa.true())
        if statuses and self.statuses is not None:
            stmt = stmt.join(self.statuses, sa.true())
        return stmt.where(*self.where)

    def distinct_dates(self) -> sa.Select | None:
        """The distinct typed dates of the export's date columns (None: it has none)."""
        if not self.date_columns:
            return None
        sources = self._sources(lambda key: sa.func.coalesce(self.unpacked.c[key], ""))
        typed = [sources[i - 1] for i in self.date_columns]
        stmt = sa.select(typed[0] if len(typed) == 1
                         else sa.func.unnest(postgresql.array(typed))).select_from(Entry)
        fallback = {self.fields[i - 1] for i in self.date_columns} & self.plan.prefilled
        return self._from(stmt, unpacked=True, page=bool(fallback)).distinct()

    def _reference(self, sources: dict[int, Text], trimmed_first: bool) -> Text:
        """The composed 檔號 cell: "" when a part is blank or no column of the export.

        trimmed_first: parts without a space at either end (nearly all) are joined as they
        are, and the cell's first character is the first part's (or the format's own text):
        no btrim. Not needed when the caller has a faster way (_plain_reference).
        """
        at = {key: i for i, key in self.fields.items()}
        names = self.plan.reference.names
        if not all(name in at for name in names):
            return sa.null()
        raw = {name: sources[at[name]] for name in names}
        stripped = {name: strip(value) for name, value in raw.items()}
        general = cell(sa.case((sa.and_(sa.true(), *(~blank(v) for v in raw.values())),
                                self._compose(stripped)), else_=""), raw=self.raw)
        if not names or not trimmed_first:
            return general
        fast = cell(self._compose(raw), raw=self.raw, first=self._first_code(raw))
        return sa.case((sa.and_(*(trimmed(v) for v in raw.values())), fast), else_=general)

    def _pieces(self) -> list[tuple[str, str | None]]:
        """The reference format as (literal text, field name or None) pairs."""
        return [(text, name) for text, name, _spec, _conversion
                in string.Formatter().parse(self.plan.reference.fmt)]

    def _compose(self, part: dict[str, Text]) -> Text:
        """The reference format filled with `part` values."""
        items: list[Text] = []
        for text, name in self._pieces():
            if text:
                items.append(sa.literal(text))
            if name:
                items.append(part[name])
        return sa.func.concat(*items) if items else sa.literal("")

    def _first_code(self, part: dict[str, Text]) -> ColumnElement[int]:
        """The code point the composed reference starts with (parts not blank)."""
        text, name = next((t, n) for t, n in self._pieces() if t or n)
        return sa.literal(ord(text[0])) if text else sa.func.ascii(part[name])  # type: ignore[index]

    def _plain_reference(self, general: Text) -> Text:
        """With facts: the 檔號 of a plain entry is its parts joined as they are.

        Joined with ||, which gives NULL when a part is empty: such an entry takes `general`
        (its parts may fall back to the page's prefill). A plain value never starts with a
        formula character, so neither does the 檔號 unless the format's own text in front
        does.
        """
        names = self.plan.reference.names
        if not names or not all(name in self.fields.values() for name in names):
            return general
        items: list[Text] = []
        for text, name in self._pieces():
            if text:
                items.append(sa.literal(text))
            if name:
                items.append(sa.func.nullif(sa.cast(Entry.values[name].as_string(), sa.Text), ""))
        joined = items[0]
        for item in items[1:]:
            joined = joined.op("||")(item)
        text, _name = next((t, n) for t, n in self._pieces() if t or n)
        if text:
            joined = cell(joined, raw=self.raw, first=sa.literal(ord(text[0])))
        # `general` once in the SQL: the statement is built and compiled per export.
        return sa.func.coalesce(sa.case((Entry.final_plain, joined)), general)

    def _plain_value(self, key: str, general: Text) -> Text:
        """With facts: a final value of a plain entry, written as it is (NULL when empty)."""
        value = sa.func.nullif(sa.cast(Entry.values[key].as_string(), sa.Text), "")
        if key in self.plan.prefilled:  # an empty part may fall back to the page's prefill
            return sa.func.coalesce(sa.case((Entry.final_plain, value)), general)
        if self.raw:
            return value
        return sa.case((Entry.final_plain, value), else_=general)

    def copy_sql(self, connection: Connection, dates: dict[str, str] | None = None) -> str:
        """The COPY statement (literal SQL: COPY takes no parameters).

        `dates` (typed -> ISO) for the full form; None for the form with facts. Empty cells
        are NULL: cell() says so for texts; the other cells are never empty (a number, an
        approval time, or an ISO date, which is NULL when there is none).
        """
        with_facts = dates is None
        sources = self._sources(
            (lambda key: _json_text(Entry.values[key])) if with_facts
            else (lambda key: sa.func.coalesce(self.unpacked.c[key], "")))
        if not with_facts:
            date_map = sa.cast(sa.literal(json.dumps(dates, ensure_ascii=False)),
                               postgresql.JSONB)
        out: list[ColumnElement[Any]] = []
        for i, column in enumerate(self.plan.columns):
            kind = column.kind
            if kind in VALUE_KINDS:
                value = cell(sources[i], raw=self.raw, integer=kind == "integer")
                if with_facts:
                    value = self._plain_value(self.fields[i], value)
            elif kind == "date_iso":
                value = (Entry.final_dates[(self.fields[i - 1], 0)].as_string() if with_facts
                         else date_map.op("->>")(sources[i - 1]))
            elif kind == "reference":
                value = self._reference(sources, trimmed_first=not with_facts)
                if with_facts:
                    value = self._plain_reference(value)
            elif kind in ("status", "how"):
                value = cell(_json_text(self.statuses.c[column.field or ""][kind]),
                             raw=self.raw)
            elif kind == "sequence":
                value = sa.cast(Item.sequence, sa.Text)
            elif kind == "row":
                value = sa.cast(Entry.row, sa.Text)
            elif kind in ("first_image", "last_image"):
                value = cell(self.images.cell(kind), raw=self.raw)
            elif kind == "image_count":
                value = self.images.cell(kind)
            elif kind == "submissions":
                value = sa.cast(Entry.submission_count, sa.Text)
            elif kind == "reviewer":
                value = cell(sa.func.coalesce(User.display_name, ""), raw=self.raw)
            else:  # approved_at: isoformat(timespec="seconds") in the session's time zone
                value = sa.func.to_char(Entry.reviewed_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')
            out.append(value.label(f"o{i}"))
        stmt = self._from(sa.select(*out).select_from(Entry), unpacked=not with_facts,
                          statuses=True, images=True)
        if self.options.provenance:
            stmt = stmt.outerjoin(User, User.id == Entry.reviewer_id)
        # The generic path's order: approval, or list order.
        stmt = stmt.order_by(*order_keys(self.plan))
        sql = stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        return f"COPY ({sql}) TO STDOUT (FORMAT csv)"


def _read_dates(connection: Connection, csv_export: ServerCsv) -> dict[str, str]:
    """The export's typed dates that read as dates, with their ISO forms."""
    from crowdcat.services.export.cells import date_iso

    query = csv_export.distinct_dates()
    if query is None:
        return {}
    return {typed: iso for (typed,) in connection.execute(query) if (iso := date_iso(typed))}


def server_csv_rows(connection: Connection, csv_export: ServerCsv,
                    size: int) -> Iterator[tuple[int, bytes]]:
    """Batches of (row count, UTF-8 CSV rows ending in CRLF), in the export's order.

    `connection` must be in a REPEATABLE READ transaction (export._open), so that the check
    for facts, the dates and the rows come from one snapshot.
    """
    # The rows are sorted in memory, not in temporary files; the wide SELECT is not worth
    # compiling to machine code (JIT takes seconds for it and saves less). This transaction only.
    connection.execute(sa.select(sa.func.set_config("work_mem", "64MB", True),
                                 sa.func.set_config("jit", "off", True)))
    if csv_export.facts_usable and not entry_facts.has_stale(connection, csv_export.project_id):
        sql = csv_export.copy_sql(connection)
    else:
        sql = csv_export.copy_sql(connection, _read_dates(connection, csv_export))
    if any(c.kind == "approved_at" for c in csv_export.plan.columns):
        connection.execute(sa.select(sa.func.set_config(
            "TimeZone", csv_export.options.timezone, True)))
    for lines in copy_lines(connection.connection.driver_connection, sql, size):
        yield len(lines), b"\r\n".join(lines) + b"\r\n"
