"""List pages: align several volunteers' rows, then reconcile each aligned row (pure).

A list page (卷內文件目錄, a register) yields many entries; each volunteer keys its rows. Before
rows can be voted on, the rows that describe the same file must be found in every submission:

1. **By sequence number** when every volunteer keyed ``sequence_key`` (順序號) in every row and
   no volunteer used a number twice: rows with equal normalized numbers form one group, groups
   in natural order of their numbers (2 before 10, 5 before 5a).
2. **Otherwise by content**, tolerant of a skipped or an added row. Each row gets a signature
   (its normalized title, or all its values when the title is blank) and rows are compared
   with rapidfuzz's ``ratio``. If every volunteer keyed as many rows and the rows at each
   position are alike (similarity >= ``_ALIKE``), rows align by position. Otherwise a centre
   is chosen, the submission with the best total Needleman–Wunsch score against the others,
   and each other submission is aligned to it (match: similarity - 0.5, gap: -0.3, so two
   unlike rows at the same position still pair, but a skipped row does not shift the rest).
   Rows that fall between the same two centre rows are aligned among themselves the same way.

The centre and every tie are chosen by content, never by the order the submissions come in,
so reordering the volunteers only reorders the columns of the alignment.

A group of rows becomes a row of the list when at least ``agree`` volunteers keyed it and more
keyed it than did not; it is *set aside* (``ListResult.set_aside``: one volunteer's extra row)
when at least ``agree`` volunteers did not key it and they outnumber those who did; anything
else is undecided and keeps the page open. The row count is agreed when at least ``agree``
volunteers keyed the same number of rows, more than keyed any other number, that number is
the number of rows kept, and no row is undecided. The page is ``done`` when its header, every
row and the row count are decided; otherwise ``needs_more`` below ``maximum`` submissions and
``conflict`` at it (like ``PageResult``).

The rows given here are already resolved (``ditto.resolve``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from crowdcat.services.reconciliation.results import PageResult, Verdict
from crowdcat.services.reconciliation.voting import Rules, Vote, reconcile

__all__ = ["ListResult", "align", "reconcile_list"]

Normalize = Callable[[str], str]
Rows = Sequence[Mapping[str, str]]
Alignment = list[list[int | None]]

_ALIKE = 60.0  # ratio (0-100) above which rows at the same position count as the same row
_MATCH_OFFSET = 0.5  # a pair scores similarity (0-1) minus this
_GAP = -0.3  # each unpaired row
_DIGITS = re.compile(r"(\d+)")


def align(
    submissions: Sequence[Rows],
    *,
    sequence_key: str | None,
    title_key: str | None,
    normalize: Normalize,
) -> Alignment:
    """Aligned row groups: for each group, each volunteer's row index in it, or None."""
    return _align(submissions, sequence_key, title_key, normalize, normalize)


def _align(
    submissions: Sequence[Rows],
    sequence_key: str | None,
    title_key: str | None,
    sequence_normalize: Normalize,
    title_normalize: Normalize,
) -> Alignment:
    """``align`` with one normalizer for sequence numbers and one for titles."""
    if sequence_key is not None:
        groups = _by_sequence(submissions, sequence_key, sequence_normalize)
        if groups is not None:
            return groups
    signatures = [
        [_signature(row, title_key, title_normalize) for row in rows] for rows in submissions
    ]
    return _tolerant(signatures)


def _natural(value: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts 2 before 10 and 5 before 5a."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _DIGITS.split(value) if part
    )


def _by_sequence(submissions: Sequence[Rows], key: str, normalize: Normalize) -> Alignment | None:
    """Groups by sequence number, or None when a number is missing or repeated in one list."""
    count = len(submissions)
    groups: dict[str, list[int | None]] = {}
    for volunteer, rows in enumerate(submissions):
        for index, row in enumerate(rows):
            raw = (row.get(key) or "").strip()
            number = normalize(raw) if raw else ""
            if not number:
                return None
            group = groups.get(number)
            if group is None:
                group = groups[number] = [None] * count
            elif group[volunteer] is not None:
                return None
            group[volunteer] = index
    return [groups[number] for number in sorted(groups, key=_natural)]


def _signature(row: Mapping[str, str], title_key: str | None, normalize: Normalize) -> str:
    """What a row is compared by: its normalized title, else all its values."""
    if title_key is not None:
        title = (row.get(title_key) or "").strip()
        if title:
            return normalize(title)
    return "\x1f".join(
        normalize(value.strip()) for _, value in sorted(row.items()) if value and value.strip()
    )


def _similarity(a: str, b: str) -> float:
    """0-100; equal strings 100 without calling rapidfuzz."""
    return 100.0 if a == b else fuzz.ratio(a, b)


def _tolerant(signatures: list[list[str]]) -> Alignment:
    """Align rows by their signatures: by position when alike, else to a centre (docstring)."""
    count = len(signatures)
    present = [v for v in range(count) if signatures[v]]
    if not present:
        return []
    lengths = {len(signatures[v]) for v in present}
    if len(present) == count and len(lengths) == 1 and _alike_by_position(signatures):
        return [[index] * count for index in range(len(signatures[0]))]
    if len(present) == 1:
        (only,) = present
        return [_one(count, only, index) for index in range(len(signatures[only]))]
    scores = {v: [] for v in present}
    for position, a in enumerate(present):
        for b in present[position + 1:]:
            score = _needleman_wunsch(signatures[a], signatures[b])[0]
            scores[a].append(score)
            scores[b].append(score)
    centre = max(
        present, key=lambda v: (math.fsum(scores[v]), len(signatures[v]), signatures[v])
    )
    centre_rows = signatures[centre]
    groups = [_one(count, centre, index) for index in range(len(centre_rows))]
    # gaps[g][v]: volunteer v's unpaired rows between centre rows g-1 and g.
    gaps: list[dict[int, list[int]]] = [{} for _ in range(len(centre_rows) + 1)]
    for volunteer in present:
        if volunteer == centre:
            continue
        _, pairs = _needleman_wunsch(centre_rows, signatures[volunteer])
        paired = dict(pairs)
        after = 0  # the gap an unpaired row falls in: after the last paired centre row
        by_row = {index: c for c, index in paired.items()}
        for index in range(len(signatures[volunteer])):
            c = by_row.get(index)
            if c is None:
                gaps[after].setdefault(volunteer, []).append(index)
            else:
                groups[c][volunteer] = index
                after = c + 1
    result: Alignment = []
    for position, gap in enumerate(gaps):
        if gap:
            sub = [[signatures[v][i] for i in gap.get(v, [])] for v in range(count)]
            for group in _tolerant(sub):
                result.append([
                    None if i is None else gap[v][i] for v, i in enumerate(group)
                ])
        if position < len(groups):
            result.append(groups[position])
    return result


def _one(count: int, volunteer: int, index: int) -> list[int | None]:
    """A group holding only one volunteer's row."""
    group: list[int | None] = [None] * count
    group[volunteer] = index
    return group


def _alike_by_position(signatures: list[list[str]]) -> bool:
    """Tell whether the rows at each position are alike for every pair of volunteers."""
    for rows in zip(*signatures, strict=True):
        first = rows[0]
        if all(row == first for row in rows):
            continue
        for position, a in enumerate(rows):
            for b in rows[position + 1:]:
                if _similarity(a, b) < _ALIKE:
                    return False
    return True


def _needleman_wunsch(a: list[str], b: list[str]) -> tuple[float, list[tuple[int, int]]]:
    """Best global alignment of two row lists: its score and the paired (i, j) indices."""
    rows, cols = len(a), len(b)
    score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        score[i][0] = i * _GAP
    for j in range(1, cols + 1):
        score[0][j] = j * _GAP
    for i in range(1, rows + 1):
        previous, current, left = score[i - 1], score[i], a[i - 1]
        for j in range(1, cols + 1):
            pair = previous[j - 1] + _similarity(left, b[j - 1]) / 100.0 - _MATCH_OFFSET
            current[j] = max(pair, previous[j] + _GAP, current[j - 1] + _GAP)
    pairs: list[tuple[int, int]] = []
    i, j = rows, cols
    while i and j:
        pair = score[i - 1][j - 1] + _similarity(a[i - 1], b[j - 1]) / 100.0 - _MATCH_OFFSET
        if math.isclose(score[i][j], pair, abs_tol=1e-9):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif math.isclose(score[i][j], score[i - 1][j] + _GAP, abs_tol=1e-9):
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return score[rows][cols], pairs


@dataclass(slots=True)
class ListResult:
    """The outcome for a list page: its header, its rows, and whether the row count is agreed.

    ``rows`` are the kept and the undecided rows in list order (``row_voters``: who keyed
    each); ``set_aside`` the rows a minority keyed (an extra row), for review to show;
    ``row_counts`` the number of rows each volunteer keyed, in the order the submissions came.
    """

    verdict: Verdict
    header: PageResult
    rows: list[PageResult] = field(default_factory=list)
    row_counts: list[int] = field(default_factory=list)
    row_count_agreed: bool = False
    row_voters: list[tuple[str, ...]] = field(default_factory=list)
    set_aside: list[PageResult] = field(default_factory=list)
    submissions: int = 0

    @property
    def rows_decided(self) -> bool:
        """Tell whether every row and the row count are decided."""
        return self.row_count_agreed and all(row.verdict == "done" for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serializable dict."""
        return {
            "verdict": self.verdict,
            "submissions": self.submissions,
            "header": self.header.to_dict(),
            "rows": [row.to_dict() for row in self.rows],
            "row_counts": list(self.row_counts),
            "row_count_agreed": self.row_count_agreed,
            "row_voters": [list(voters) for voters in self.row_voters],
            "set_aside": [row.to_dict() for row in self.set_aside],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ListResult:
        """Rebuild a list result from ``to_dict`` output."""
        return cls(
            verdict=data["verdict"],
            header=PageResult.from_dict(data["header"]),
            rows=[PageResult.from_dict(row) for row in data["rows"]],
            row_counts=list(data["row_counts"]),
            row_count_agreed=data["row_count_agreed"],
            row_voters=[tuple(voters) for voters in data["row_voters"]],
            set_aside=[PageResult.from_dict(row) for row in data.get("set_aside", [])],
            submissions=data["submissions"],
        )


@lru_cache(maxsize=64)
def _split_rules(rules: Rules, row_keys: frozenset[str]) -> tuple[Rules, Rules]:
    """The header rules and the row rules of a project's rules (cached: built per page)."""
    header = tuple(rule for rule in rules.fields if rule.key not in row_keys)
    row = tuple(rule for rule in rules.fields if rule.key in row_keys)
    return Rules(header, rules.agree, rules.maximum), Rules(row, rules.agree, rules.maximum)


def _normalizer(rules: Rules, key: str | None) -> Normalize:
    """The equality key of a field's values (stripped text for a field without a rule)."""
    for rule in rules.fields:
        if rule.key == key:
            normalizer = rule.normalizer
            return lambda value: normalizer(value)[0]
    return str.strip


def reconcile_list(
    rules: Rules,
    header_votes: Sequence[Vote],
    row_votes: Sequence[tuple[str, Rows, float]],
    *,
    sequence_key: str | None,
    title_key: str | None,
    row_keys: Collection[str] | None = None,
) -> ListResult:
    """Reconcile a list page: its header once, then each aligned row with the same rules.

    ``row_votes`` holds (voter, resolved rows, weight) per volunteer. ``row_keys`` names the
    row fields of ``rules`` (the others are header fields); when None, the keys found in the
    rows (and ``sequence_key``/``title_key``) are taken.
    """
    if row_keys is None:
        found = {key for _, rows, _ in row_votes for row in rows for key in row}
        row_keys = found | {key for key in (sequence_key, title_key) if key is not None}
    header_rules, row_rules = _split_rules(rules, frozenset(row_keys))
    header = reconcile(header_rules, header_votes)
    submissions = [rows for _, rows, _ in row_votes]
    groups = _align(
        submissions, sequence_key, title_key,
        _normalizer(row_rules, sequence_key), _normalizer(row_rules, title_key),
    )
    count, agree = len(row_votes), rules.agree
    open_verdict: Verdict = "needs_more" if count < rules.maximum else "conflict"
    result = ListResult("done", header, row_counts=[len(rows) for rows in submissions],
                        submissions=max(count, len(header_votes)))
    undecided = 0
    for group in groups:
        votes = [
            Vote(row_votes[v][0], submissions[v][index], row_votes[v][2])
            for v, index in enumerate(group) if index is not None
        ]
        keyed, missed = len(votes), count - len(votes)
        row = reconcile(row_rules, votes)
        if missed >= agree and missed > keyed:
            row.verdict = open_verdict if row.verdict != "done" else row.verdict
            result.set_aside.append(row)
            continue
        if not (keyed >= agree and keyed > missed):
            undecided += 1
            row.verdict = open_verdict
        elif row.verdict != "done":
            row.verdict = open_verdict
        result.rows.append(row)
        result.row_voters.append(tuple(sorted(vote.voter for vote in votes)))
    result.row_count_agreed = not undecided and _count_agreed(
        result.row_counts, agree, len(result.rows)
    )
    if not (header.verdict == "done" and result.rows_decided):
        result.verdict = open_verdict
    return result


def _count_agreed(counts: list[int], agree: int, kept: int) -> bool:
    """Tell whether enough volunteers keyed the same number of rows, and it is the kept one."""
    ranked = Counter(counts).most_common()
    if not ranked:
        return False
    number, votes = ranked[0]
    clear = len(ranked) == 1 or votes > ranked[1][1]
    return clear and votes >= agree and number == kept
