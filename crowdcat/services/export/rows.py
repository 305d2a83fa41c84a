"""Export rows completed in Python: the reference, ISO dates and times, CSV cells or JSON objects.

The query (writer.py) reads plain column tuples; a Rows turns each into the cells of a CSV
line or the members of a JSON Lines object, with the cell rules of cells.py.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Row

from crowdcat.services.export import cells
from crowdcat.services.export.plan import ExportOptions, ExportPlan

JSON_KINDS = ("value", "integer", "date", "status", "how")  # columns read from a JSON document
# Columns not read from the database when the JSON is unpacked in Python (Rows.unpack()).
LEFT_TO_PYTHON = (*JSON_KINDS, "reference", "date_iso")
loads = json.loads
decode = json.JSONDecoder().raw_decode  # JSON as SQLAlchemy stores it: no white space around
DATE_CACHE = 65_536  # distinct typed dates remembered per export (then it starts afresh)


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


class Rows:
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
                         if unpack and c.kind in ("status", "how")]
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
        """The per-field agreement: a JSON array of the statuses and hows (_statement())."""
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
        item: dict[str, Any] = {}
        provenance: dict[str, Any] = {}
        status: dict[str, Any] = {}
        how: dict[str, Any] = {}
        for column, value in zip(self.plan.columns, self.complete(row), strict=True):
            kind = column.kind
            if kind in ("value", "reference"):
                fields[column.key] = value
            elif kind == "date":
                fields[column.key] = cells.date_json(value)
            elif kind == "integer":
                fields[column.key] = cells.integer_json(value)
            elif kind == "sequence":
                item["sequence"] = int(value)
            elif kind == "row":
                item["row"] = int(value)
            elif kind in ("first_image", "last_image"):
                item[kind] = value
            elif kind == "image_count":
                item["image_count"] = int(value)
            elif kind == "status":
                status[column.field or ""] = value
            elif kind == "how":
                how[column.field or ""] = value or None
            elif kind == "submissions":
                provenance["submissions"] = int(value)
            elif kind in ("reviewer", "approved_at"):
                provenance[kind] = value
        entry = {"fields": fields, "item": item}
        if self.options.provenance:
            entry["provenance"] = {"status": status, "how": how} | provenance
        return entry
