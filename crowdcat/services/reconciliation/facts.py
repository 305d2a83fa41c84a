"""Facts about an entry's final values that the export would otherwise work out row by row.

Stamped when a reviewer approves an entry (review.approve):

- final_dates: the ISO 8601 reading and precision of every final value that reads as a date,
  {key: [iso, precision]}, whatever the field's kind (a field made a date later needs nothing
  new; DESIGN.md: dates are kept as typed *and* normalized);
- final_plain: whether every final value can go into a spreadsheet as it is: none starts
  with a formula character or an apostrophe, none has white space at either end.

With them the PostgreSQL export writes most rows as a plain projection (export_server.py).
The stamp carries a tag, a fingerprint of the code that computes it (this module, the date
parser, the spreadsheet rules): an approved entry with another tag (or none: stamped by
nothing, or by an older crowdcat) is stale. An export with stale entries works every row
out in full, as before; `crowdcat export` stamps them again first (restamp()).
"""
from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from crowdcat.data import is_postgres
from crowdcat.models import Entry, EntryStatus
from crowdcat.services.export import cells as export_cells
from crowdcat.services.reconciliation import normalization as normalize

RESTAMP_BATCH = 2_000


def _fingerprint() -> str:
    """A short hash of the source of everything that decides the facts."""
    import crowdcat.services.reconciliation.facts as this

    digest = hashlib.sha256()
    for module in (this, normalize, export_cells):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


TAG = _fingerprint()


def facts(values: Mapping[str, Any] | None) -> tuple[dict[str, list[str]], bool] | None:
    """(final_dates, final_plain) of a set of final values; None when one is not text.

    Values the app writes are always text; anything else (written by hand in SQL) is left
    unstamped, so that the export works such entries out in full.
    """
    dates: dict[str, list[str]] = {}
    plain = True
    for key, value in (values or {}).items():
        if value is None:
            continue
        if not isinstance(value, str):
            return None
        if value and (value[0] in export_cells.RISKY_FIRST or value != value.strip()):
            plain = False
        parts = export_cells.date_parts(value) if value else None
        if parts is not None:
            dates[key] = list(parts)
    return dates, plain


def stamp(entry: Entry) -> None:
    """Set the entry's facts from its final values (the caller flushes)."""
    found = facts(entry.values)
    if found is None:
        entry.final_dates, entry.final_plain, entry.facts_tag = None, None, None
    else:
        entry.final_dates, entry.final_plain = found
        entry.facts_tag = TAG


def _stale(project_id: int) -> list[sa.ColumnElement[bool]]:
    """Conditions, each a range of ix_entries_facts, that together find the stale entries."""
    base = [Entry.project_id == project_id, Entry.status == EntryStatus.APPROVED]
    return [sa.and_(*base, Entry.facts_tag.is_(None)), sa.and_(*base, Entry.facts_tag < TAG),
            sa.and_(*base, Entry.facts_tag > TAG)]


def has_stale(connection: Connection | Session, project_id: int) -> bool:
    """Whether an approved entry of the project lacks current facts (three index probes)."""
    probes = [sa.exists().where(condition) for condition in _stale(project_id)]
    return bool(connection.scalar(sa.select(sa.or_(*probes))))


def count_stale(session: Session, project_id: int) -> int:
    """How many approved entries of the project lack current facts (a scan: when there are)."""
    return session.scalar(sa.select(sa.func.count()).select_from(Entry).where(
        Entry.project_id == project_id, Entry.status == EntryStatus.APPROVED,
        sa.or_(Entry.facts_tag.is_(None), Entry.facts_tag != TAG))) or 0


def needs_restamp(session: Session, project_id: int) -> bool:
    """Whether an export of the project would gain by restamp() first.

    Only the PostgreSQL export reads the facts (services.export.postgres); on SQLite they
    are never worth stamping again before an export.
    """
    return is_postgres(session) and has_stale(session, project_id)


@dataclass(frozen=True)
class Restamped:
    """What one restamp_batch() did: entries read and stamped, and the last id read."""

    read: int
    stamped: int
    last_id: int


def restamp_batch(session: Session, project_id: int, after: int = 0) -> Restamped | None:
    """Stamp the next RESTAMP_BATCH stale approved entries with an id above `after`.

    None when there are no more. The caller commits (`crowdcat export` does after each
    batch, so that memory and the transaction stay small). An entry changed meanwhile (its
    version moved on) is left as it is: whoever changed it stamped it. Values that are not
    text stay unstamped.
    """
    table = Entry.__table__
    rows = session.execute(
        sa.select(table.c.id, table.c.version, table.c.final_values)
        # In id order from where the last batch ended: one pass however many are stale.
        .where(table.c.project_id == project_id, table.c.status == EntryStatus.APPROVED,
               table.c.id > after,
               sa.or_(table.c.facts_tag.is_(None), table.c.facts_tag != TAG))
        .order_by(table.c.id).limit(RESTAMP_BATCH)
    ).all()
    if not rows:
        return None
    params = [{"b_id": row.id, "b_version": row.version, "b_dates": found[0],
               "b_plain": found[1]}
              for row in rows if (found := facts(row.final_values)) is not None]
    if params:
        write = (sa.update(table)
                 .where(table.c.id == sa.bindparam("b_id"),
                        table.c.version == sa.bindparam("b_version"))
                 # updated_at stays: the entry did not change, only what is known about it.
                 .values(final_dates=sa.bindparam("b_dates", type_=table.c.final_dates.type),
                         final_plain=sa.bindparam("b_plain"), facts_tag=TAG,
                         updated_at=table.c.updated_at))
        session.execute(write, params)
    return Restamped(read=len(rows), stamped=len(params), last_id=rows[-1].id)


def restamp(session: Session, project_id: int,
            progress: Callable[[int], None] | None = None) -> int:
    """Stamp every stale approved entry of the project, in batches; returns how many.

    In the caller's transaction (the caller commits); `crowdcat export` runs the batches
    itself to commit each one.
    """
    if not has_stale(session, project_id):  # the usual case: three index probes, no scan
        return 0
    done, after = 0, 0
    while (batch := restamp_batch(session, project_id, after)) is not None:
        done, after = done + batch.stamped, batch.last_id
        if progress:
            progress(batch.read)
    return done
