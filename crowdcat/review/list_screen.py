"""The review screen of a list item: header fields once, then its aligned rows in a table.

Each row entry (rows 1..n, services/reconciliation/entries.py) is a line of the table with
the row fields as columns; each cell has its badge and the volunteers' alternatives (the
groups of its reconciliation). The form posts the header as on the normal screen
(``value-<key>``, ``take-<key>``), each cell as ``r<n>_<key>`` (a taken alternative as
``t<n>_<key>``) and each row entry's version as ``version-<n>``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from crowdcat.extensions import db
from crowdcat.models import Entry, EntryStatus, Item, Submission, User
from crowdcat.review.forms import SendBackForm
from crowdcat.review.labels import ENTRY_STATUS_LABELS, FIELD_STATUS_LABELS
from crowdcat.review.screen import FieldRow, field_rows, voter_names
from crowdcat.services.projects.snapshot import is_row_field
from crowdcat.services.review import decisions as review
from crowdcat.services.review.lists import item_entries
from crowdcat.services.review.queue import WAITING
from crowdcat.services.review.values import field_results


@dataclass(slots=True)
class ListRow:
    """One aligned row: its entry and a cell per row field."""

    number: int
    entry: Entry
    cells: list[FieldRow]
    voters: int  # volunteers who keyed this row


@dataclass(slots=True)
class RowCount:
    """How many rows one volunteer keyed."""

    name: str
    rows: int


@dataclass(slots=True)
class Errors:
    """A refused approval: header messages by key, cell messages by (row, key), all named."""

    header: dict[str, Any] = field(default_factory=dict)
    cells: dict[tuple[int, str], Any] = field(default_factory=dict)
    named: list[str] = field(default_factory=list)


def split_errors(errors: Mapping[str, Any], item: Item, locale: str) -> Errors:
    """approve_list's "rows.<n>.<key>" refusals, a header refusal once, each naming its place."""
    specs = {spec.key: spec for spec in item.project.keyed_fields}
    out = Errors()
    for name, message in errors.items():
        _rows, number, key = (name.split(".", 2) + ["", ""])[:3]
        spec = specs.get(key)
        if spec is None or not number.isdigit():
            out.named.append(str(message))
        elif not is_row_field(spec):
            if key not in out.header:
                out.header[key] = message
                out.named.append(f"{spec.label(locale)}: {message}")
        else:
            out.cells[(int(number), key)] = message
            out.named.append(_("Row %(row)d, %(column)s: %(message)s", row=int(number),
                               column=spec.label(locale), message=message))
    return out


def read_list(form: MultiDict, entries: list[Entry], item: Item
              ) -> tuple[dict[str, str], dict[int, dict[str, str]], dict[str, int]]:
    """(header values, cell values by row, taken alternative by form name) from the form."""
    header: dict[str, str] = {}
    cells: dict[int, dict[str, str]] = {}
    taken: dict[str, int] = {}
    specs = item.project.keyed_fields
    for entry in entries:
        results = field_results(entry)
        for spec in specs:
            row_field = is_row_field(spec)
            if not row_field and entry is not entries[0]:
                continue
            take_name = f"t{entry.row}_{spec.key}" if row_field else f"take-{spec.key}"
            value_name = f"r{entry.row}_{spec.key}" if row_field else f"value-{spec.key}"
            target = cells.setdefault(entry.row, {}) if row_field else header
            groups = (results.get(spec.key) or {}).get("groups") or []
            take = form.get(take_name, "")
            if take.isdigit() and int(take) < len(groups):
                group = groups[int(take)]
                taken[take_name] = int(take)
                target[spec.key] = "" if group.get("normalized") == "" else group.get("value") or ""
            elif value_name in form:  # a cell the form did not send keeps its proposal
                target[spec.key] = form[value_name]
    return header, cells, taken


def _keyed_by(item: Item) -> list[str]:
    """Rows keyed per volunteer, in submission order (as reconciled["list"]["row_counts"])."""
    names = db.session.execute(
        sa.select(User.display_name).join(Submission, Submission.user_id == User.id)
        .where(Submission.item_id == item.id, Submission.skip_reason.is_(None))
        .order_by(Submission.id)).scalars().all()
    return list(names)


def set_aside_values(result: Mapping[str, Any], key: str) -> str:
    """What a set-aside row (a PageResult dict) holds in a column."""
    found = (result.get("fields") or {}).get(key) or {}
    groups = found.get("groups") or []
    return found.get("value") or (groups[0].get("value") if groups else "") or ""


def render_list(item: Item, code: int = 200, *, status: EntryStatus | None = None,
                field_key: str | None = None, header: Mapping[str, str] | None = None,
                cells: Mapping[int, Mapping[str, str]] | None = None,
                taken: Mapping[str, int] | None = None, errors: Errors | None = None,
                **context: Any):
    """The list item's review screen; submitted values, errors and forms in the arguments."""
    project = item.project
    reviewer = current_user._get_current_object()
    entries = item_entries(db.session, item)
    first = entries[0]
    names: dict[str, str] = {}
    for entry in entries:
        names |= voter_names(db.session, entry, reviewer)
    errors = errors or Errors()
    taken = taken or {}
    header_taken = {key.removeprefix("take-"): v for key, v in taken.items()
                    if key.startswith("take-")}
    header_rows = [row for row in field_rows(first, project, names, header, header_taken,
                                             errors.header) if not is_row_field(row.spec)]
    rows = []
    for entry in entries:
        mine = {key.split("_", 1)[1]: v for key, v in taken.items()
                if key.startswith(f"t{entry.row}_")}
        cell_errors = {key: message for (n, key), message in errors.cells.items()
                       if n == entry.row}
        row_cells = [row for row in field_rows(entry, project, names, (cells or {}).get(entry.row),
                                               mine, cell_errors) if is_row_field(row.spec)]
        voters = len(((entry.reconciled or {}).get("list") or {}).get("row_voters") or ())
        rows.append(ListRow(entry.row, entry, row_cells, voters))
    listing = (first.reconciled or {}).get("list") or {}
    counts = listing.get("row_counts") or []
    keyed_by = _keyed_by(item)
    row_counts = [RowCount(keyed_by[i] if i < len(keyed_by) else "?", n)
                  for i, n in enumerate(counts)]
    context.setdefault("send_back_form", SendBackForm(prefix="send"))
    return render_template(
        "review/list_entry.html", item=item, page=item, project=project, entry=first,
        entries=entries, header_rows=header_rows, rows=rows,
        row_specs=[spec for spec in project.keyed_fields if is_row_field(spec)],
        listing=listing, row_counts=row_counts, set_aside=listing.get("set_aside") or [],
        waiting=first.status in WAITING, may_decide=review.may_decide(db.session, first, reviewer),
        status=status, field_key=field_key, status_labels=ENTRY_STATUS_LABELS,
        field_status_labels=FIELD_STATUS_LABELS, error_list=errors.named,
        set_aside_value=set_aside_values, **context,
    ), code
