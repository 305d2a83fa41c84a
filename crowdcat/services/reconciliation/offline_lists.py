"""Offline reconciliation of list pages (a ``row`` column in the submissions CSV).

Input rows with a ``row`` number belong to that row of the volunteer's list (their own
numbering, 1..n as they keyed it); rows with a blank ``row`` are the page's header fields. Each
volunteer's rows are put in order of their numbers, ditto marks resolved (``ditto``), then
aligned and reconciled (``alignment.reconcile_list``).

Output: one line per reconciled row, in list order: ``item_id``, ``row`` (1..n), every field's
``<key>``, ``<key>__status``, ``<key>__votes``, ``<key>__how`` (the header's fields repeated on
each of its rows), then ``row_counts`` (the rows each volunteer keyed, most first: ``15 15 14``),
``row_count`` (``agreed`` or ``disagreed``) and the page's ``verdict``. A page where no row
was kept gets one line with a blank ``row``. Rows only a minority keyed are set aside (counted
in the summary, not written).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from crowdcat.services.reconciliation.alignment import ListResult, reconcile_list
from crowdcat.services.reconciliation.ditto import resolve
from crowdcat.services.reconciliation.voting import FieldRule, PageResult, Rules, Vote

__all__ = ["SEQUENCE_NAMES", "TITLE_NAMES", "list_columns", "list_lines", "reconcile_lists"]

# Field keys taken as the sequence number and the title when no option names them.
SEQUENCE_NAMES = ("順序號", "顺序号", "sequence_no", "seq")
TITLE_NAMES = ("題名", "题名", "title")

# (row number as keyed or "" for the header, field key, value)
Cells = dict[str, dict[tuple[int, str], str]]


def pick_key(row_keys: Iterable[str], names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that is a row field, if any."""
    keys = set(row_keys)
    return next((name for name in names if name in keys), None)


def list_columns(rules: Rules) -> list[str]:
    """The output header of a list run (collisions were checked for the page columns)."""
    columns = ["item_id", "row"]
    for rule in rules.fields:
        columns += [rule.key, f"{rule.key}__status", f"{rule.key}__votes", f"{rule.key}__how"]
    return columns + ["row_counts", "row_count", "verdict"]


def _cells(result: PageResult | None, rules: tuple[FieldRule, ...]) -> dict[str, list[str]]:
    """Each field's four output cells from one (header or row) result."""
    cells: dict[str, list[str]] = {}
    if result is None:
        return cells
    for rule in rules:
        found = result.fields.get(rule.key)
        if found is None:
            continue
        top = found.groups[0].votes if found.groups else 0
        cells[rule.key] = [found.value or "", found.status, f"{top}/{result.submissions}",
                           found.how or ""]
    return cells


def list_lines(page: str, result: ListResult, rules: Rules) -> Iterator[list[str]]:
    """The output lines of one list page: one per row (one with a blank row if none)."""
    header = _cells(result.header, rules.fields)
    counts = " ".join(str(n) for n in sorted(result.row_counts, reverse=True))
    tail = [counts, "agreed" if result.row_count_agreed else "disagreed", result.verdict]
    rows: list[tuple[str, PageResult | None]] = [
        (str(number), row) for number, row in enumerate(result.rows, start=1)
    ] or [("", None)]
    for number, row in rows:
        cells = header | _cells(row, rules.fields)
        line = [page, number]
        for rule in rules.fields:
            line += cells.get(rule.key, ["", "", "", ""])
        yield line + tail


def reconcile_lists(
    rows: Iterable[tuple[int, str, str, str, str, str]],
    last_row: dict[str, int],
    rules: Rules,
    row_keys: frozenset[str],
    on_row: Any = None,
) -> Iterator[tuple[str, ListResult]]:
    """Pass 2 of a list run: gather each page's cells, reconcile it at its last input row.

    ``rows`` yields (line, item_id, volunteer_id, row, field, value); ``on_row(set_aside)`` is
    called per input row (True when it repeats a volunteer's page, row and field). Pages come
    out in the order they end; the caller restores first-appearance order.
    """
    sequence_key, title_key = pick_key(row_keys, SEQUENCE_NAMES), pick_key(row_keys, TITLE_NAMES)
    open_pages: dict[str, Cells] = {}
    for row_number, (_, page, volunteer, number, key, value) in enumerate(rows):
        cells = open_pages.setdefault(page, {}).setdefault(volunteer, {})
        slot = (int(number) if number else 0, key)
        repeated = slot in cells
        if not repeated:
            cells[slot] = value
        if on_row is not None:
            on_row(repeated)
        if last_row[page] != row_number:
            continue
        del last_row[page]
        yield page, _reconcile_page(
            open_pages.pop(page), rules, row_keys, sequence_key, title_key
        )


def _reconcile_page(
    by_volunteer: Cells,
    rules: Rules,
    row_keys: frozenset[str],
    sequence_key: str | None,
    title_key: str | None,
) -> ListResult:
    """Split each volunteer's cells into header and rows, resolve dittos, reconcile."""
    header_votes, row_votes = [], []
    for volunteer, cells in by_volunteer.items():
        header = {key: value for (number, key), value in cells.items() if number == 0}
        numbered: dict[int, dict[str, str]] = {}
        for (number, key), value in cells.items():
            if number:
                numbered.setdefault(number, {})[key] = value
        typed = [numbered[number] for number in sorted(numbered)]
        header_votes.append(Vote(volunteer, header))
        row_votes.append((volunteer, resolve(typed), 1.0))
    return reconcile_list(rules, header_votes, row_votes, sequence_key=sequence_key,
                          title_key=title_key, row_keys=row_keys)
