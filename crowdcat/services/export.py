"""Catalog export: the approved entries of a project as CSV or JSON Lines, streamed.

Memory stays constant however large the catalog: rows are read in batches of plain column
tuples (no ORM objects), and each batch is written and encoded before the next one is read.
PostgreSQL unpacks the JSON values itself; SQLite (before 3.45) would parse each document
once per field, so there the final values are read whole and parsed once per row in Python,
and the statuses come out of one json_extract() of the record. On PostgreSQL the rows are
streamed by one COPY statement (export_copy.py); elsewhere they are read with keyset
pagination in one transaction (a WAL snapshot on SQLite). Either way one snapshot is read,
so an entry approved or reopened during a long export is neither lost nor written twice.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import UTC, datetime, time, timedelta
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.orm import Session

from crowdcat.models import Entry, EntryStatus, Page, Project, User
from crowdcat.services import export_cells as cells
from crowdcat.services import export_server as server
from crowdcat.services.export_copy import copy_batches
from crowdcat.services.export_plan import Column, ExportOptions, ExportPlan, make_plan

BATCH_SIZE = 2_000
JSON_KINDS = ("value", "integer", "date", "status")  # columns read from a JSON document
# Columns not read from the database when the JSON is unpacked in Python (_Rows.unpack()).
LEFT_TO_PYTHON = (*JSON_KINDS, "reference", "date_iso")
loads = json.loads
decode = json.JSONDecoder().raw_decode  # JSON as SQLAlchemy stores it: no white space around
DATE_CACHE = 65_536  # distinct typed dates remembered per export (then it starts afresh)
Progress = Callable[[int], None]


def _day_start(day: Any, options: ExportOptions) -> datetime:
    """Midnight of `day` in the export's time zone, in UTC."""
    return datetime.combine(day, time(), tzinfo=options.zone).astimezone(UTC)


def _approved(project: Project, options: ExportOptions) -> list[sa.ColumnElement[bool]]:
    """Conditions: approved entries of the project, within the approval dates (both inclusive)."""
    where = [Entry.project_id == project.id, Entry.status == EntryStatus.APPROVED]
    if options.approved_from:
        where.append(Entry.reviewed_at >= _day_start(options.approved_from, options))
    if options.approved_to:
        where.append(
            Entry.reviewed_at < _day_start(options.approved_to + timedelta(days=1), options)
        )
    return where


def count_entries(session: Session, project: Project, options: ExportOptions) -> int:
    """How many entries an export with these options holds."""
    stmt = sa.select(sa.func.count()).select_from(Entry).where(*_approved(project, options))
    return session.scalar(stmt) or 0


def sqlite_text(value: Any) -> str:
    """A JSON member as SQLite's CAST(json_extract(doc, path) AS TEXT) gives it ("" for null).

    SQLite turns true and false into 1 and 0, writes a real number with 15 significant
    digits and always a decimal point ("%!.15g"), an integer past 64 bits as a real, and an
    array or object as compact JSON.
    """
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return str(value)
    if isinstance(value, int | float):
        mantissa, e, exponent = format(float(value), ".15g").partition("e")
        if "." not in mantissa and mantissa.lstrip("-").isdigit():
            mantissa += ".0"
        return mantissa + e + exponent
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _text(column: Any, *path: str) -> sa.ColumnElement[str]:
    """A JSON member as text (numbers too), "" when absent: every cell is a string."""
    member = sa.cast(column[path if len(path) > 1 else path[0]].as_string(), sa.Text)
    return sa.func.coalesce(member, "")


def _value(plan: ExportPlan, key: str) -> sa.ColumnElement[str]:
    """A final value ("" when absent)."""
    return _text(Entry.values, key)


def _column(plan: ExportPlan, column: Column, copy: bool = False) -> sa.ColumnElement[Any]:
    """The SQL expression that reads one export column (`copy`: as text for PostgreSQL COPY)."""
    kind = column.kind
    if copy and kind == "approved_at":
        # COPY writes text: the UTC time as SQLite stores it, which cells.aware() reads back.
        return sa.func.to_char(sa.func.timezone("UTC", Entry.reviewed_at),
                               'YYYY-MM-DD"T"HH24:MI:SS.US')
    if copy and kind in ("reference", "date_iso"):
        return sa.literal_column("''")  # not NULL: a row without backslashes parses fastest
    if kind in ("value", "integer", "date"):
        return _value(plan, column.field or "")
    simple = {
        "reference": sa.null(),  # composed in Python
        "date_iso": sa.null(),  # converted in Python from the date column before it
        "sequence": sa.cast(Page.sequence, sa.Text),
        "file": Page.original_name,
        "submissions": sa.cast(Entry.submission_count, sa.Text),
        "reviewer": sa.func.coalesce(User.display_name, ""),
        # Read as stored (no type conversion per row): used as the keyset too.
        "approved_at": sa.type_coerce(Entry.reviewed_at, sa.String),
    }
    if kind == "status":
        return _text(Entry.reconciled, "fields", column.field or "", "status")
    return simple[kind]


def _statement(
    plan: ExportPlan, project: Project, options: ExportOptions, copy: bool = False,
    unpack: bool = False,
) -> sa.Select:
    """The query of one batch (without the keyset condition and limit).

    Its columns are the export's columns in order (with `unpack`, those of LEFT_TO_PYTHON
    left out), then the page's prefill (as JSON text), with `unpack` the final values (as
    JSON text) and, for provenance, a JSON array of the statuses, then the keyset
    (reviewed_at, id) unless it is read whole by COPY.
    """
    keyset = () if copy else (sa.type_coerce(Entry.reviewed_at, sa.String), Entry.id)
    documents: list[sa.ColumnElement[Any]] = [sa.type_coerce(Entry.values, sa.Text)]
    statuses = [c.field or "" for c in plan.columns if c.kind == "status"]
    if statuses:  # one parse of the (large) record in SQLite, an array of the statuses out
        paths = [f'$.fields."{key}".status' for key in statuses]
        picked = (sa.func.json_extract(Entry.reconciled, *paths) if len(paths) > 1
                  else sa.func.json_array(sa.func.json_extract(Entry.reconciled, *paths)))
        documents.append(sa.type_coerce(picked, sa.Text))
    stmt = sa.select(
        *[_column(plan, c, copy) for c in plan.columns
          if not (unpack and c.kind in LEFT_TO_PYTHON)],
        sa.func.coalesce(sa.cast(Page.prefill, sa.Text), "") if copy
        else sa.cast(Page.prefill, sa.Text), *(documents if unpack else ()), *keyset,
    ).join(Page, Page.id == Entry.page_id)
    if options.provenance:
        stmt = stmt.outerjoin(User, User.id == Entry.reviewer_id)
    return stmt.where(*_approved(project, options)).order_by(Entry.reviewed_at, Entry.id)


def _batches(
    connection: Connection, stmt: sa.Select, size: int, copy: bool = False,
) -> Iterator[Sequence[Any]]:
    """Batches of rows of `stmt`: streamed by one COPY (PostgreSQL) or read by keyset pages."""
    if copy:
        return copy_batches(connection, stmt, size)
    return _keyset_batches(connection, stmt, size)


def _keyset_batches(connection: Connection, stmt: sa.Select, size: int) -> Iterator[Sequence[Any]]:
    """Batches of rows in (reviewed_at, id) order, each read with a keyset condition.

    reviewed_at is compared as stored (text on SQLite, timestamptz on PostgreSQL). On
    SQLite, where every column read is text or an integer, the rows are the driver's own
    tuples: SQLAlchemy's row objects were a twentieth of the export's time.
    """
    plain = connection.dialect.name == "sqlite"
    after: Row | None = None
    while True:
        page = stmt
        if after is not None:
            page = stmt.where(sa.tuple_(Entry.reviewed_at, Entry.id)
                              > sa.tuple_(sa.literal(after[-2]), sa.literal(after[-1])))
        result = connection.execute(page.limit(size))
        if plain:
            rows = result.cursor.fetchall()
            result.close()
        else:
            rows = result.all()
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = rows[-1]


class _Rows:
    """Completes query rows (reference, ISO dates, times) into CSV cells or JSON objects."""

    def __init__(self, plan: ExportPlan, options: ExportOptions, unpack: bool = False) -> None:
        self.plan, self.options = plan, options
        columns = plan.columns
        self.width = len(columns)
        # unpack: the rows hold the JSON documents, not the members (_statement()).
        values = [(i, c.field or "") for i, c in enumerate(columns)
                  if unpack and c.kind in ("value", "integer", "date")]
        self.value_at, self.value_keys = [i for i, _k in values], [k for _i, k in values]
        # A tuple of the values by key (KeyError when one is missing), and the row's cells
        # in order from the row followed by those values (set at the first row).
        self.take_values = ((lambda d, k=self.value_keys[0]: (d[k],)) if len(values) == 1
                            else itemgetter(*self.value_keys) if values else (lambda _d: ()))
        self.unpacking = unpack
        self.read = [i for i, c in enumerate(columns) if c.kind not in LEFT_TO_PYTHON]
        self.arrange: Callable[[tuple], tuple] | None = None
        self.statuses = [(i, c.field or "") for i, c in enumerate(columns)
                         if unpack and c.kind == "status"]
        self.kinds = tuple(c.kind for c in columns)
        self.dates = [i for i, c in enumerate(columns) if c.kind == "date_iso"]
        self.times = [i for i, c in enumerate(columns) if c.kind == "approved_at"]
        self.references = [i for i, c in enumerate(columns) if c.kind == "reference"]
        at = {c.field: i for i, c in enumerate(columns)
              if c.kind in ("value", "integer", "date")}
        # A part that is no column of the project makes the reference empty, as when missing.
        names = plan.reference.names
        self.parts = [at[n] for n in names] if all(n in at for n in names) else None
        self.fallbacks = [(at[key], key) for key in plan.prefilled if key in at]
        # The fallback columns read together (the trailing 0 makes it a tuple for one too).
        self.fallback_cells = itemgetter(*[i for i, _key in self.fallbacks], 0)
        self.compose = plan.reference.compose_stripped
        self.zone = options.zone
        self.iso: dict[str, str] = {}  # typed date -> ISO, for this export

    def _iso(self, typed: str | None) -> str:
        """cells.date_iso() with a per-export dictionary in front (dates repeat a lot)."""
        iso = self.iso.get(typed)  # type: ignore[arg-type]
        if iso is None:
            iso = cells.date_iso(typed)
            if len(self.iso) >= DATE_CACHE:
                self.iso.clear()
            self.iso[typed] = iso  # type: ignore[index]
        return iso

    def unpack(self, row: Row) -> list[Any]:
        """The row's cells with the final values read from their JSON document in Python.

        SQLite (before 3.45) parses a JSON document again for each json_extract(): 14
        fields were most of an export's time there. Here it is parsed once, the members
        taken at C speed when all are present and text (the rule); otherwise each gets the
        text SQLite's CAST(json_extract(...) AS TEXT) would give it (sqlite_text()).
        """
        values = decode(row[len(self.read) + 1] or "null")[0] or {}
        try:
            got = self.take_values(values)
            "".join(got)  # TypeError unless every one is text
        except (KeyError, TypeError):
            get = values.get if isinstance(values, dict) else (lambda _key: None)
            got = tuple(v if v.__class__ is str else sqlite_text(v)
                        for v in map(get, self.value_keys))
        if self.arrange is None:
            self.arrange = self._arrangement(len(row))
        return list(self.arrange((*row, *got, None)))

    def _arrangement(self, length: int) -> Callable[[tuple], tuple]:
        """Where each cell comes from in (*row, *values, None): the export's columns from
        the row or the values (None for those completed later), then the row's other
        columns (prefill, documents, keyset) as they are."""
        value_at = {i: length + n for n, i in enumerate(self.value_at)}
        read_at = {i: n for n, i in enumerate(self.read)}
        none_at = length + len(self.value_at)
        order = [read_at.get(i, value_at.get(i, none_at)) for i in range(self.width)]
        return itemgetter(*order, *range(len(self.read), length))

    def _statuses(self, cells_: list[Any]) -> None:
        """The per-field agreement: a JSON array of the statuses (_statement())."""
        statuses = loads(cells_[self.width + 2] or "null") or [None] * len(self.statuses)
        for (i, _key), status in zip(self.statuses, statuses, strict=True):
            cells_[i] = sqlite_text(status)

    def complete(self, row: Row) -> list[Any]:
        """The export's cells of one row, before any spreadsheet neutralizing."""
        cells_ = self.unpack(row) if self.unpacking else list(row)
        if self.statuses:
            self._statuses(cells_)
        if self.fallbacks and not all(map(str.strip, self.fallback_cells(cells_)[:-1])):
            self._fall_back(cells_)
        del cells_[self.width:]  # the prefill and the keyset columns
        for i in self.dates:
            cells_[i] = self._iso(cells_[i - 1])
        for i in self.times:
            cells_[i] = cells.timestamp(cells.aware(cells_[i]), self.zone)
        if self.references:
            reference = "" if self.parts is None else self.compose(
                [cells_[i].strip() for i in self.parts])
            for i in self.references:
                cells_[i] = reference
        return cells_

    def _fall_back(self, cells_: list[Any]) -> None:
        """Blank reference parts take the values fixed at import (rare: read JSON only then)."""
        prefill = json.loads(cells_[self.width] or "{}")
        for i, key in self.fallbacks:
            if not cells_[i].strip() and prefill.get(key) is not None:
                cells_[i] = str(prefill[key])

    def csv_rows(self, rows: Sequence[Row]) -> Iterator[list[Any]]:
        """CSV cells of a batch of rows."""
        complete = self.complete
        if self.options.raw:
            yield from map(complete, rows)
            return
        kinds, risky, search, fix = (
            self.kinds, cells.RISKY_FIRST, cells.RISKY_CELL.search, cells.neutralize_cell)
        for row in rows:
            values = complete(row)
            # One search over the joined row is much cheaper than a test per cell, and
            # rows that hold a risky cell are rare; those get the test per cell.
            if search("\0" + "\0".join(values)):
                values = [fix(v, k) if v and v[0] in risky else v
                          for v, k in zip(values, kinds, strict=True)]
            yield values

    def json_object(self, row: Row) -> dict[str, Any]:
        """One entry as a JSON object with real types (see docs/export.md)."""
        fields: dict[str, Any] = {}
        page: dict[str, Any] = {}
        provenance: dict[str, Any] = {}
        status: dict[str, Any] = {}
        for column, value in zip(self.plan.columns, self.complete(row), strict=True):
            kind = column.kind
            if kind in ("value", "reference"):
                fields[column.key] = value
            elif kind == "date":
                fields[column.key] = cells.date_json(value)
            elif kind == "integer":
                fields[column.key] = cells.integer_json(value)
            elif kind == "sequence":
                page["sequence"] = int(value)
            elif kind == "file":
                page["file"] = value
            elif kind == "status":
                status[column.field or ""] = value
            elif kind == "submissions":
                provenance["submissions"] = int(value)
            elif kind in ("reviewer", "approved_at"):
                provenance[kind] = value
        entry = {"fields": fields, "page": page}
        if self.options.provenance:
            entry["provenance"] = {"status": status} | provenance
        return entry


def _open(engine: Engine) -> Connection:
    """A connection whose batches all see one snapshot of the database."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def export_stream(
    engine: Engine,
    project: Project,
    options: ExportOptions,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    copy: bool | None = None,
) -> Generator[bytes, None, None]:
    """The export file as a stream of encoded chunks (one per batch of entries).

    copy: read the rows with one COPY statement (PostgreSQL only; the default there).
    """
    if copy is None:
        copy = engine.dialect.name == "postgresql"
    plan = make_plan(project, options)  # reads the project now, not when the stream is consumed
    head = plan.header(options) if options.format == "csv" else None
    if copy and head is not None and server.supported(plan) and _server_ready(engine, options):
        csv_export = server.ServerCsv(plan, _approved(project, options), options, project.id)
        return _server_chunks(engine, csv_export, head, options, progress, batch_size)
    unpack = engine.dialect.name == "sqlite"
    rows = _Rows(plan, options, unpack)
    stmt = _statement(plan, project, options, copy, unpack)
    return _chunks(engine, stmt, rows, options, head, progress, batch_size, copy)


def _server_ready(engine: Engine, options: ExportOptions) -> bool:
    """Whether PostgreSQL can write this export itself (export_server.server_ready)."""
    with engine.connect() as connection:
        return server.server_ready(connection, options)


def _header(head: list[str], options: ExportOptions) -> str:
    """The CSV header row as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180: CRLF, minimal quoting
    writer.writerow(head if options.raw else [cells.neutralize(h) for h in head])
    return buffer.getvalue()


def _server_chunks(
    engine: Engine, csv_export: server.ServerCsv, head: list[str], options: ExportOptions,
    progress: Progress | None, batch_size: int,
) -> Generator[bytes, None, None]:
    """The CSV written by PostgreSQL: UTF-8 rows passed through, or re-encoded."""
    encoder = codecs.getincrementalencoder(options.charset)()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = options.charset in ("utf-8", "utf-8-sig")
    yield encoder.encode(_header(head, options))  # with the BOM for utf-8-sig
    with _open(engine) as connection:
        for count, data in server.server_csv_rows(connection, csv_export, batch_size):
            yield data if utf8 else encoder.encode(decoder.decode(data))
            if progress:
                progress(count)
    yield encoder.encode(decoder.decode(b"", final=True), final=True)


def _chunks(
    engine: Engine, stmt: sa.Select, rows: _Rows, options: ExportOptions,
    head: list[str] | None, progress: Progress | None, batch_size: int, copy: bool,
) -> Generator[bytes, None, None]:
    """Read batches, write them, encode them."""
    encoder = codecs.getincrementalencoder(options.charset)()
    buffer = io.StringIO()
    if head is not None:
        buffer.write(_header(head, options))
        writer = csv.writer(buffer, lineterminator="\r\n")
    with _open(engine) as connection:
        for batch in _batches(connection, stmt, batch_size, copy):
            if head is not None:
                writer.writerows(rows.csv_rows(batch))
            else:
                dumps = json.dumps
                buffer.write("".join(
                    dumps(rows.json_object(row), ensure_ascii=False) + "\n" for row in batch))
            yield encoder.encode(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(len(batch))
    yield encoder.encode(buffer.getvalue(), final=True)

