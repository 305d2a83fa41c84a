"""Reconciling a page's submissions into its catalog entry, and moving both to the next status.

Called explicitly by the submission service after every submission, and by
``crowdcat reconcile`` after a rule change; never from an ORM event.

Status rules (entries already approved or rejected by a reviewer are left alone):

- every keyed field decided and the page has all the submissions it wants -> entry REVIEW,
  page DONE (early stop: ``wanted`` starts at the project's ``agree_needed``);
- the maximum reached with a field still undecided -> entry CONFLICT, page DONE;
- as many volunteers as ``agree_needed`` skipped the page -> entry CONFLICT, page DONE
  (a reviewer decides whether it is a catalog page at all);
- otherwise the page keeps keying and wants one more submission than it has.

A list item (a project in list mode, projects.snapshot.is_list_mode) is reconciled by
alignment.reconcile_list into one entry per reconciled row, rows 1..n (at least row 1). Its
entries move together, by the same rules read on the whole list: REVIEW when the header, every
row and the row count are decided and the item has the submissions it wants; CONFLICT when a
row or the row count stays undecided at the maximum (or enough volunteers skipped); KEYING
while more volunteers are wanted. While none of them is approved or rejected, a new
reconciliation removes the rows no longer found and adds the new ones. Each row entry's
``reconciled`` is its row's PageResult dict plus:

- ``"header"``: the header's PageResult dict (prefilled header values fixed, as on a page);
- ``"list"``: ``{"rows_decided": bool, "row_count_agreed": bool, "row_counts": [rows keyed
  per volunteer, in submission order], "row_total": n, "row_voters": [user ids who keyed this
  row], "set_aside": [PageResult dicts of rows a minority keyed]}``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from crowdcat.data import keying as sql
from crowdcat.data import submit as submit_sql
from crowdcat.data.connection import refresh
from crowdcat.models import Entry, EntryStatus, Item, ItemStatus, SkipReason, Submission, utcnow
from crowdcat.services.projects.snapshot import is_row_field, list_keys
from crowdcat.services.reconciliation import agreement, ditto
from crowdcat.services.reconciliation.alignment import ListResult, reconcile_list
from crowdcat.services.reconciliation.normalization import parse_date
from crowdcat.services.reconciliation.rules import ProjectRules, prefilled, rules_for
from crowdcat.services.reconciliation.voting import PageResult, Vote, reconcile

FINAL_STATUSES = (EntryStatus.APPROVED, EntryStatus.REJECTED)


def _fixed_result(key: str, value: str) -> dict[str, Any]:
    """A prefilled value in the shape of FieldResult.to_dict(), marked fixed."""
    parsed = parse_date(value)
    return {"key": key, "value": value, "status": "unanimous", "normalized": value,
            "precision": parsed.precision if parsed else None, "flagged": False,
            "groups": [], "fixed": True}


def _votes(session: Session, page: Item, weighted: bool) -> tuple[list[Vote], Counter]:
    """The page's keyed submissions as votes, and its skips counted by reason."""
    return _tally(session, sql.votes(session, item_id=page.id).all(), weighted)


def _tally(session: Session, rows: Sequence[Any], weighted: bool) -> tuple[list[Vote], Counter]:
    """Submission rows (user_id, values, skip_reason) as votes and skips by reason."""
    weights = (agreement.weights(session, [r.user_id for r in rows if r.values is not None])
               if weighted else {})
    votes = [Vote(str(r.user_id), r.values, weights.get(r.user_id, 1.0))
             for r in rows if r.values is not None]
    skips = Counter(r.skip_reason.value for r in rows if r.skip_reason is not None)
    return votes, skips


def _entry(session: Session, page: Item) -> Entry:
    """The page's entry, created on first need."""
    entry = session.scalar(select(Entry).where(Entry.item_id == page.id))
    if entry is None:
        entry = Entry(item_id=page.id, project_id=page.project_id, status=EntryStatus.KEYING,
                      reconciled={}, submission_count=0)
        session.add(entry)
    return entry


def _move(page: Item, entry: Entry, result: PageResult, skipped: int, rules: ProjectRules) -> None:
    """Apply the status rules of the module docstring."""
    keyed = result.submissions
    if result.verdict == "conflict" or skipped >= rules.agree:
        page.status, entry.status = ItemStatus.DONE, EntryStatus.CONFLICT
    elif result.verdict == "done" and keyed >= page.wanted and keyed > 0:
        page.status, entry.status = ItemStatus.DONE, EntryStatus.REVIEW
    else:
        page.status, entry.status = ItemStatus.KEYING, EntryStatus.KEYING
        if keyed >= page.wanted:
            page.wanted = min(rules.maximum, keyed + 1)


@dataclass
class _State:
    """The mutable columns of a page or entry row, for _move() without ORM objects."""

    id: int
    project_id: int
    status: Any
    wanted: int = 0
    prefill: dict[str, Any] | None = None


def _stored(result: PageResult, page: Any, skips: Counter) -> dict[str, Any]:
    """What the entry stores of a reconciliation: fields, prefilled values, skips."""
    stored = result.to_dict()
    for key, value in prefilled(page).items():
        stored["fields"][key] = _fixed_result(key, value)
    stored["skipped"] = dict(skips)
    return stored


class _Found(NamedTuple):
    """The page's entry as reconcile_row() needs it."""

    id: int
    status: EntryStatus
    version: int


class _Vote(NamedTuple):
    """A submission as _tally() reads it."""

    user_id: int
    values: dict[str, Any] | None
    skip_reason: SkipReason | None


@dataclass(frozen=True)
class Earlier:
    """A page's submissions and entry, read by the statement that stored the newest one."""

    votes: list[_Vote]
    entry: _Found | None

    @classmethod
    def of_json(cls, row: Any) -> Earlier:
        """From submit_sql.store_and_read's row (the votes as JSON [user, values, skip])."""
        votes = [_Vote(user, values, SkipReason(skip) if skip else None)
                 for user, values, skip in row.votes or ()]
        entry = (_Found(row.entry_id, EntryStatus(row.entry_status), row.entry_version)
                 if row.entry_id is not None else None)
        return cls(votes, entry)

    def plus(self, user_id: int, values: dict[str, Any] | None,
             skip_reason: SkipReason | None) -> Earlier:
        """With the newest submission (stored after the ones read) added last."""
        return Earlier([*self.votes, _Vote(user_id, values, skip_reason)], self.entry)


def reconcile_row(session: Session, page_row: Any, rules: ProjectRules,
                  earlier: Earlier | None = None) -> PageResult:
    """reconcile_page() in Core statements, for a page row (the submission hot path).

    Same rules and results; ORM objects the session holds for the page or its entry are
    expired so that they show the new state. `earlier`: the votes and entry, when the
    caller read them already (PostgreSQL, with the insert); PostgreSQL then writes the
    entry and the page in one statement.
    """
    page = _State(page_row.id, page_row.project_id, page_row.status, page_row.wanted,
                  page_row.prefill)
    if earlier is not None:
        rows, found = earlier.votes, earlier.entry
    else:
        rows = sql.votes_and_entry(session, item_id=page.id).all()
        if rows:
            first = rows[0]
            found = (_Found(first.entry_id, first.entry_status, first.entry_version)
                     if first.entry_id is not None else None)
        else:  # no submission at all: the entry is read on its own
            found = sql.entry_of(session, item_id=page.id).first()
    votes, skips = _tally(session, rows, rules.weighted)
    result = reconcile(rules.for_page(page), votes)
    stored = _stored(result, page, skips)
    entry = _State(found.id if found else 0, page.project_id,
                   found.status if found else EntryStatus.KEYING)
    if entry.status not in FINAL_STATUSES:
        _move(page, entry, result, sum(skips.values()), rules)
    counters = {"page_key": page.id, "page_count": len(votes), "page_status": page.status,
                "page_wanted": page.wanted}
    if earlier is not None:
        _write_together(session, page, entry, found, stored, counters)
    else:
        _write(session, page, entry, found, stored, len(votes))
    if found is not None:
        refresh(session, Entry, found.id)
    refresh(session, Item, page.id)
    return result


def _write(session: Session, page: _State, entry: _State, found: _Found | None,
           stored: dict[str, Any], count: int) -> None:
    """The entry (inserted or updated, its version checked) and the page, one by one."""
    if found is None:
        sql.add_entry(session, item_id=page.id, project_id=page.project_id,
                      status=entry.status, reconciled=stored, submission_count=count)
    else:
        updated = sql.set_entry(session, entry_id=found.id, old_version=found.version,
                                status=entry.status, reconciled=stored, submission_count=count)
        if updated.rowcount != 1:  # as the ORM's version check would
            raise StaleDataError(f"entries row {found.id} changed meanwhile")
    sql.set_page(session, page_key=page.id, submission_count=count, status=page.status,
                 wanted=page.wanted)


def _write_together(session: Session, page: _State, entry: _State, found: _Found | None,
                    stored: dict[str, Any], counters: dict[str, Any]) -> None:
    """PostgreSQL: the entry and the page in one statement."""
    now = utcnow()
    if found is None:
        submit_sql.insert_entry(session, project_id=page.project_id, entry_status=entry.status,
                                reconciled=stored, now=now, **counters)
        return
    written = submit_sql.update_entry(session, entry_id=found.id, old_version=found.version,
                                      entry_status=entry.status, reconciled=stored, now=now,
                                      **counters).one()
    if written.entries != 1:  # as the ORM's version check would
        raise StaleDataError(f"entries row {found.id} changed meanwhile")


def reconcile_page(session: Session, page: Item, rules: ProjectRules | None = None) -> PageResult:
    """Reconcile one page, store the result on its entry and move page and entry on."""
    rules = rules or rules_for(page.project)
    if any(is_row_field(spec) for spec in page.project.keyed_fields):
        return reconcile_list_item(session, page, rules).header
    votes, skips = _votes(session, page, rules.weighted)
    result = reconcile(rules.for_page(page), votes)
    entry = _entry(session, page)
    entry.reconciled = _stored(result, page, skips)
    entry.submission_count = len(votes)
    page.submission_count = len(votes)
    if entry.status not in FINAL_STATUSES:
        _move(page, entry, result, sum(skips.values()), rules)
    session.flush()
    return result


def _list_votes(session: Session, item: Item, weighted: bool
                ) -> tuple[list[Vote], list[tuple[str, list[dict[str, str]], float]], Counter]:
    """A list item's header votes, row votes (rows resolved) and skips by reason."""
    submissions = session.scalars(select(Submission).where(Submission.item_id == item.id)
                                  .order_by(Submission.id)).all()
    header, skips = _tally(session, submissions, weighted)
    weights = {vote.voter: vote.weight for vote in header}
    rows = [(str(s.user_id), ditto.resolve(s.typed_rows or []), weights[str(s.user_id)])
            for s in submissions if s.values is not None]
    return header, rows, skips


def _list_status(item: Item, result: ListResult, skipped: int, rules: ProjectRules
                 ) -> EntryStatus:
    """The status of a list item's entries, the item moved on (the module docstring's rules)."""
    keyed = len(result.row_counts)
    if result.verdict == "conflict" or skipped >= rules.agree:
        item.status = ItemStatus.DONE
        return EntryStatus.CONFLICT
    if result.verdict == "done" and keyed >= item.wanted and keyed > 0:
        item.status = ItemStatus.DONE
        return EntryStatus.REVIEW
    item.status = ItemStatus.KEYING
    if keyed >= item.wanted:
        item.wanted = min(rules.maximum, keyed + 1)
    return EntryStatus.KEYING


def _row_stored(result: ListResult, header: dict[str, Any], number: int,
                skips: Counter) -> dict[str, Any]:
    """What row `number` (1-based) of a list item stores (the module docstring's keys)."""
    if number <= len(result.rows):
        stored, voters = result.rows[number - 1].to_dict(), result.row_voters[number - 1]
    else:  # no row reconciled yet (only skips): row 1 holds the header
        stored, voters = {"verdict": result.verdict, "fields": {},
                          "submissions": result.submissions}, ()
    stored["skipped"] = dict(skips)
    stored["header"] = header
    stored["list"] = {"rows_decided": result.rows_decided,
                      "row_count_agreed": result.row_count_agreed,
                      "row_counts": list(result.row_counts), "row_total": len(result.rows),
                      "row_voters": [int(v) for v in voters],
                      "set_aside": [row.to_dict() for row in result.set_aside]}
    return stored


def reconcile_list_item(session: Session, item: Item, rules: ProjectRules) -> ListResult:
    """Reconcile a list item into its row entries and move item and entries on (ORM)."""
    header_votes, row_votes, skips = _list_votes(session, item, rules.weighted)
    sequence_key, title_key = list_keys(item.project)
    row_keys = [spec.key for spec in item.project.keyed_fields if is_row_field(spec)]
    result = reconcile_list(rules.for_page(item), header_votes, row_votes,
                            sequence_key=sequence_key, title_key=title_key, row_keys=row_keys)
    header = _stored(result.header, item, Counter())
    del header["skipped"]
    found = {entry.row: entry for entry in session.scalars(
        select(Entry).where(Entry.item_id == item.id))}
    item.submission_count = len(header_votes)
    if any(entry.status in FINAL_STATUSES for entry in found.values()):
        session.flush()
        return result
    status = _list_status(item, result, sum(skips.values()), rules)
    total = max(1, len(result.rows))
    for number, entry in found.items():
        if number > total or number == 0:
            session.delete(entry)
    for number in range(1, total + 1):
        entry = found.get(number)
        if entry is None:
            entry = Entry(item_id=item.id, project_id=item.project_id, row=number)
            session.add(entry)
        entry.status, entry.submission_count = status, len(header_votes)
        entry.reconciled = _row_stored(result, header, number, skips)
    session.flush()
    return result
