"""Offline reconciliation of long-format submission CSVs exported from other platforms.

Input: ``item_id, volunteer_id, field, value`` (UTF-8, with or without BOM, header required,
extra columns ignored; ``page_id`` is read as ``item_id``) and a FIELDS.json list of
``{"key", "kind", ...options}``. Output: one row per page in order of first appearance, with
``<key>``, ``<key>__status``, ``<key>__votes`` and ``<key>__how`` (the rule that decided, with
the agreeing count: ``normalized 3/3``) per field and the page ``verdict``.

A volunteer counts once per page: the first row for a (page, volunteer, field) is their value,
later rows for the same triple are set aside and counted. A field a volunteer gave no row for
is blank in their submission.

The file is read twice. The first pass validates it and records the row on which each page
ends; the second reconciles a page as soon as its last row is read. Sorted or grouped input
therefore holds one page at a time (plus an index of page ids); unsorted input is still
correct, it just keeps more pages open. Results are written in first-appearance order.

With a ``row`` column the file holds list pages (``offline_lists``): ``item_id, volunteer_id,
row, field, value``, one output line per reconciled row.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crowdcat.services.reconciliation.alignment import ListResult
from crowdcat.services.reconciliation.offline_lists import (
    list_columns,
    list_lines,
    reconcile_lists,
)
from crowdcat.services.reconciliation.voting import (
    KINDS,
    FieldRule,
    PageResult,
    Rules,
    Vote,
    reconcile,
)

REQUIRED_COLUMNS = ("item_id", "volunteer_id", "field", "value")
_PROGRESS_EVERY = 4096  # rows between progress callbacks: frequent enough, cheap enough

Progress = Callable[[int, int], None]


class ReconcileInputError(Exception):
    """Input a user can fix: the message names the file and, where it helps, the line."""


@dataclass
class Summary:
    """What a run did: counts per page verdict and per field status."""

    pages: int = 0
    submissions: int = 0
    rows: int = 0
    rows_set_aside: int = 0
    flagged: int = 0
    list_rows: int | None = None  # list runs: rows written, rows set aside, counts disagreed
    list_rows_set_aside: int = 0
    counts_disagreed: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)

    def add(self, result: PageResult) -> None:
        """Count one reconciled page."""
        self.pages += 1
        self.submissions += result.submissions
        self.verdicts[result.verdict] += 1
        for field_result in result.fields.values():
            self.statuses[field_result.status] += 1
            self.flagged += field_result.flagged

    def add_list(self, result: ListResult) -> None:
        """Count one reconciled list page (its header's and rows' fields)."""
        self.add(PageResult(result.verdict, result.header.fields, result.submissions))
        self.list_rows = (self.list_rows or 0) + len(result.rows)
        self.list_rows_set_aside += len(result.set_aside)
        self.counts_disagreed += not result.row_count_agreed
        for row in result.rows:
            for field_result in row.fields.values():
                self.statuses[field_result.status] += 1
                self.flagged += field_result.flagged

    def lines(self) -> list[str]:
        """Describe the run for a person, one line per fact."""
        verdicts = ", ".join(
            f"{v} {self.verdicts[v]:,}" for v in ("done", "needs_more", "conflict")
        )
        statuses = ", ".join(
            f"{s} {self.statuses[s]:,}" for s in ("unanimous", "majority", "blank", "conflict")
        )
        listed = [] if self.list_rows is None else [
            f"List rows: {self.list_rows:,} written, {self.list_rows_set_aside:,} set aside "
            f"(keyed by a minority); pages whose row count is not agreed: "
            f"{self.counts_disagreed:,}"
        ]
        return [
            f"Pages: {self.pages:,} ({self.submissions:,} submissions, {self.rows:,} rows)",
            *listed,
            f"Verdicts: {verdicts}",
            f"Fields: {statuses}; flagged (unreadable number/date, or not a listed choice): "
            f"{self.flagged:,}",
            f"Rows set aside (repeated volunteer, page and field): {self.rows_set_aside:,}",
        ]


def load_fields(path: str | os.PathLike[str]) -> list[FieldRule]:
    """Read FIELDS.json into field rules, rejecting anything ambiguous with a clear message."""
    name = Path(path).name
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise ReconcileInputError(f"{name}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ReconcileInputError(f"{name}: not valid UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ReconcileInputError(
            f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, list):
        raise ReconcileInputError(f"{name}: expected a list of fields, got {type(data).__name__}")
    rules: list[FieldRule] = []
    seen: set[str] = set()
    for number, item in enumerate(data, start=1):
        where = f"{name}, item {number}"
        if not isinstance(item, dict):
            raise ReconcileInputError(f'{where}: expected an object with "key" and "kind"')
        key, kind = item.get("key"), item.get("kind")
        if not isinstance(key, str) or not key.strip():
            raise ReconcileInputError(f'{where}: "key" must be a non-empty string')
        key = key.strip()
        if key in seen:
            raise ReconcileInputError(f"{where}: duplicate key {key!r}")
        if kind not in KINDS:
            raise ReconcileInputError(
                f"{where}: field {key!r}: unknown kind {kind!r} "
                f"(expected one of {', '.join(KINDS)})"
            )
        try:
            rules.append(FieldRule.from_options(key, kind, item))
        except ValueError as exc:
            raise ReconcileInputError(f"{where}: {exc}") from exc
        seen.add(key)
    return rules


class _Rows:
    """Iterate over (line, item_id, volunteer_id, row, field, value) of a submissions CSV."""

    def __init__(self, path: Path, progress: Callable[[int], None] | None) -> None:
        """Prepare to read ``path``; ``progress`` receives the bytes read so far."""
        self.path = path
        self.progress = progress
        self.fields_seen: dict[str, None] = {}
        self.row_fields: dict[str, None] = {}  # fields given with a row number
        self.has_rows = False

    def __iter__(self) -> Iterator[tuple[int, str, str, str, str, str]]:
        """Yield validated rows; raise ReconcileInputError on malformed input."""
        name = self.path.name
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            try:
                header = next(reader, None)
                if header is None:
                    raise ReconcileInputError(f"{name}: the file is empty (a header is required)")
                columns = self._columns(name, header)
                width = max(columns) + 1
                page_col, volunteer_col, field_col, value_col, row_col = columns
                self.has_rows = row_col >= 0
                for count, row in enumerate(reader, start=1):
                    line = reader.line_num
                    if not row:
                        continue
                    if len(row) < width:
                        raise ReconcileInputError(
                            f"{name}, line {line}: expected {width} columns, found {len(row)}"
                        )
                    page, volunteer, key = (
                        row[page_col].strip(),
                        row[volunteer_col].strip(),
                        row[field_col].strip(),
                    )
                    if not (page and volunteer and key):
                        raise ReconcileInputError(
                            f"{name}, line {line}: "
                            "item_id, volunteer_id and field must not be empty"
                        )
                    self.fields_seen[key] = None
                    number = row[row_col].strip() if row_col >= 0 else ""
                    if number:
                        if not (number.isascii() and number.isdigit() and int(number) > 0):
                            raise ReconcileInputError(
                                f"{name}, line {line}: row must be a whole number from 1 "
                                f"(or blank for the page's header), got {number!r}"
                            )
                        number = str(int(number))
                        self.row_fields[key] = None
                    if self.progress and count % _PROGRESS_EVERY == 0:
                        self.progress(raw.tell())
                    yield line, page, volunteer, number, key, row[value_col]
            except UnicodeDecodeError as exc:
                line = _first_undecodable_line(self.path)
                raise ReconcileInputError(
                    f"{name}, line {line}: not valid UTF-8 ({exc.reason}); save the file as UTF-8"
                ) from exc
            except csv.Error as exc:
                raise ReconcileInputError(f"{name}, line {reader.line_num}: {exc}") from exc
            if self.progress:
                self.progress(raw.tell())

    @staticmethod
    def _columns(name: str, header: list[str]) -> tuple[int, int, int, int, int]:
        """Find the required columns (and the optional ``row``, -1 if absent) in the header."""
        names = [column.strip() for column in header]
        if "item_id" not in names and "page_id" in names:
            names[names.index("page_id")] = "item_id"
        missing = [column for column in REQUIRED_COLUMNS if column not in names]
        if missing:
            raise ReconcileInputError(
                f"{name}, line 1: missing column(s) {', '.join(missing)}; "
                f"the header must name {', '.join(REQUIRED_COLUMNS)}"
            )
        page, volunteer, key, value = (names.index(column) for column in REQUIRED_COLUMNS)
        return page, volunteer, key, value, names.index("row") if "row" in names else -1


def _first_undecodable_line(path: Path) -> int:
    """Find the physical line with the first invalid UTF-8 (the decoder works in large chunks)."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _output_columns(rules: list[FieldRule]) -> list[str]:
    """Name the output columns, refusing field keys that would collide with each other."""
    columns = ["item_id"]
    for rule in rules:
        columns += [rule.key, f"{rule.key}__status", f"{rule.key}__votes", f"{rule.key}__how"]
    columns.append("verdict")
    duplicates = sorted(column for column, n in Counter(columns).items() if n > 1)
    if duplicates:
        raise ReconcileInputError(
            f"field keys collide with output columns: {', '.join(duplicates)}"
        )
    return columns


def _output_row(page: str, result: PageResult) -> list[str]:
    """Flatten one page result into CSV cells."""
    row = [page]
    for field_result in result.fields.values():
        top = field_result.groups[0].votes if field_result.groups else 0
        row += [field_result.value or "", field_result.status, f"{top}/{result.submissions}",
                field_result.how or ""]
    row.append(result.verdict)
    return row


def run(
    submissions_path: str | os.PathLike[str],
    fields_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    agree: int = 2,
    maximum: int = 5,
    progress: Progress | None = None,
) -> Summary:
    """Reconcile a submissions CSV into one result row per page; ``progress(done, total)`` bytes."""
    if agree < 1:
        raise ReconcileInputError(f"--agree must be at least 1, got {agree}")
    if maximum < agree:
        raise ReconcileInputError(f"--max ({maximum}) must be at least --agree ({agree})")
    source = Path(submissions_path)
    rules = load_fields(fields_path)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise ReconcileInputError(f"{source.name}: cannot read: {exc.strerror}") from exc

    def report(offset: int) -> Callable[[int], None] | None:
        """Map one pass's byte position onto the two-pass total."""
        return None if progress is None else (lambda done: progress(offset + done, 2 * size))

    # Pass 1: validate everything and find where each page ends, before writing anything.
    scan = _Rows(source, report(0))
    last_row: dict[str, int] = {}
    for row_number, (_, page, _, _, _, _) in enumerate(scan):
        last_row[page] = row_number
    known = {rule.key for rule in rules}
    rules += [FieldRule(key, "text") for key in scan.fields_seen if key not in known]
    rule_set = Rules(tuple(rules), agree, maximum)
    columns = _output_columns(rules)
    if scan.has_rows:
        columns = list_columns(rule_set)
        taken = sorted(column for column, n in Counter(columns).items() if n > 1)
        if taken:
            raise ReconcileInputError(
                f"field keys collide with output columns: {', '.join(taken)}"
            )

    summary = Summary()
    target = Path(out_path)
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            second = _Rows(source, report(size))
            if scan.has_rows:
                _reconcile_list_rows(
                    second, last_row, rule_set, frozenset(scan.row_fields), writer, summary
                )
            else:
                _reconcile_rows(second, last_row, rule_set, writer, summary)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _reconcile_rows(
    rows: _Rows, last_row: dict[str, int], rules: Rules, writer: Any, summary: Summary
) -> None:
    """Pass 2: gather each page's votes, reconcile it at its last row, write in first-seen order."""
    open_pages: dict[str, dict[str, dict[str, str]]] = {}
    waiting: deque[str] = deque()  # pages in first-appearance order, not yet written
    finished: dict[str, PageResult] = {}
    for row_number, (_, page, volunteer, _, key, value) in enumerate(rows):
        summary.rows += 1
        submissions = open_pages.get(page)
        if submissions is None:
            submissions = open_pages[page] = {}
            waiting.append(page)
        values = submissions.setdefault(volunteer, {})
        if key in values:
            summary.rows_set_aside += 1
        else:
            values[key] = value
        if last_row[page] != row_number:
            continue
        del open_pages[page], last_row[page]
        votes = [Vote(voter, values) for voter, values in submissions.items()]
        finished[page] = result = reconcile(rules, votes)
        summary.add(result)
        while waiting and waiting[0] in finished:
            first = waiting.popleft()
            writer.writerow(_output_row(first, finished.pop(first)))


def _reconcile_list_rows(
    rows: _Rows,
    last_row: dict[str, int],
    rules: Rules,
    row_keys: frozenset[str],
    writer: Any,
    summary: Summary,
) -> None:
    """Pass 2 of a list run: one line per reconciled row, pages in first-seen order."""
    order = {page: n for n, page in enumerate(last_row)}  # insertion order = first appearance
    finished: dict[int, tuple[str, ListResult]] = {}
    written = 0

    def count(repeated: bool) -> None:
        """Count an input row, and a repeated one."""
        summary.rows += 1
        summary.rows_set_aside += repeated

    for page, result in reconcile_lists(rows, last_row, rules, row_keys, count):
        summary.add_list(result)
        finished[order[page]] = (page, result)
        while written in finished:
            done, done_result = finished.pop(written)
            writer.writerows(list_lines(done, done_result, rules))
            written += 1
