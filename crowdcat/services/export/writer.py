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
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.orm import Session

from crowdcat.data import is_postgres
from crowdcat.data.copy import copy_batches
from crowdcat.models import Entry, EntryStatus, Item, Project, User
from crowdcat.services.export import cells
from crowdcat.services.export import postgres as server
from crowdcat.services.export.images import KINDS as IMAGE_KINDS
from crowdcat.services.export.images import image_cell
from crowdcat.services.export.plan import (
    Column,
    ExportOptions,
    ExportPlan,
    make_plan,
    order_keys,
)
from crowdcat.services.export.rows import LEFT_TO_PYTHON, Rows

BATCH_SIZE = 2_000
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
        "sequence": sa.cast(Item.sequence, sa.Text),
        "row": sa.cast(Entry.row, sa.Text),
        **{name: image_cell(name) for name in IMAGE_KINDS},
        "submissions": sa.cast(Entry.submission_count, sa.Text),
        "reviewer": sa.func.coalesce(User.display_name, ""),
        # Read as stored (no type conversion per row): used as the keyset too.
        "approved_at": sa.type_coerce(Entry.reviewed_at, sa.String),
    }
    if kind in ("status", "how"):
        return _text(Entry.reconciled, "fields", column.field or "", kind)
    return simple[kind]


def _statement(
    plan: ExportPlan, project: Project, options: ExportOptions, copy: bool = False,
    unpack: bool = False,
) -> sa.Select:
    """The query of one batch (without the keyset condition and limit).

    Its columns are the export's columns in order (with `unpack`, those of LEFT_TO_PYTHON
    left out), then the page's prefill (as JSON text), with `unpack` the final values (as
    JSON text) and, for provenance, a JSON array of the statuses, then the keyset
    (order_keys()) unless it is read whole by COPY.
    """
    keyset = () if copy else order_keys(plan, read=True)
    documents: list[sa.ColumnElement[Any]] = [sa.type_coerce(Entry.values, sa.Text)]
    statuses = [(c.field or "", c.kind) for c in plan.columns if c.kind in ("status", "how")]
    if statuses:  # one parse of the (large) record in SQLite, an array of the statuses out
        paths = [f'$.fields."{key}".{kind}' for key, kind in statuses]
        picked = (sa.func.json_extract(Entry.reconciled, *paths) if len(paths) > 1
                  else sa.func.json_array(sa.func.json_extract(Entry.reconciled, *paths)))
        documents.append(sa.type_coerce(picked, sa.Text))
    stmt = sa.select(
        *[_column(plan, c, copy) for c in plan.columns
          if not (unpack and c.kind in LEFT_TO_PYTHON)],
        sa.func.coalesce(sa.cast(Item.prefill, sa.Text), "") if copy
        else sa.cast(Item.prefill, sa.Text), *(documents if unpack else ()), *keyset,
    ).join(Item, Item.id == Entry.item_id)
    if options.provenance:
        stmt = stmt.outerjoin(User, User.id == Entry.reviewer_id)
    return stmt.where(*_approved(project, options)).order_by(*order_keys(plan))



def _batches(
    connection: Connection, stmt: sa.Select, size: int, keys: Sequence[sa.ColumnElement[Any]],
    copy: bool = False,
) -> Iterator[Sequence[Any]]:
    """Batches of rows of `stmt`: streamed by one COPY (PostgreSQL) or read by keyset pages."""
    if copy:
        return copy_batches(connection, stmt, size)
    return _keyset_batches(connection, stmt, size, keys)


def _keyset_batches(connection: Connection, stmt: sa.Select, size: int,
                    keys: Sequence[sa.ColumnElement[Any]]) -> Iterator[Sequence[Any]]:
    """Batches of rows in the order of `keys` (order_keys()), each read with a keyset
    condition on the last row's two keys (its last two columns).

    reviewed_at is compared as stored (text on SQLite, timestamptz on PostgreSQL). On
    SQLite, where every column read is text or an integer, the rows are the driver's own
    tuples: SQLAlchemy's row objects were a twentieth of the export's time.
    """
    plain = not is_postgres(connection)
    after: Row | None = None
    while True:
        page = stmt
        if after is not None:
            page = stmt.where(sa.tuple_(*keys)
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


def _open(engine: Engine) -> Connection:
    """A connection whose batches all see one snapshot of the database."""
    connection = engine.connect()
    if is_postgres(engine):
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
        copy = is_postgres(engine)
    plan = make_plan(project, options)  # reads the project now, not when the stream is consumed
    head = plan.header(options) if options.format == "csv" else None
    if copy and head is not None and server.supported(plan) and _server_ready(engine, options):
        csv_export = server.ServerCsv(plan, _approved(project, options), options, project.id)
        return _server_chunks(engine, csv_export, head, options, progress, batch_size)
    unpack = not is_postgres(engine)
    rows = Rows(plan, options, unpack)
    stmt = _statement(plan, project, options, copy, unpack)
    return _chunks(engine, stmt, rows, options, head, progress, batch_size, copy,
                   order_keys(plan))


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
    engine: Engine, stmt: sa.Select, rows: Rows, options: ExportOptions,
    head: list[str] | None, progress: Progress | None, batch_size: int, copy: bool,
    keys: Sequence[sa.ColumnElement[Any]],
) -> Generator[bytes, None, None]:
    """Read batches, write them, encode them."""
    encoder = codecs.getincrementalencoder(options.charset)()
    buffer = io.StringIO()
    if head is not None:
        buffer.write(_header(head, options))
        writer = csv.writer(buffer, lineterminator="\r\n")
    with _open(engine) as connection:
        for batch in _batches(connection, stmt, batch_size, keys, copy):
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

