"""What reconciliation returns: groups of equal values, a field's outcome, a page's outcome.

Results are plain slotted dataclasses (cheap to build, which matters at 10^5 pages): treat them
as read-only, and store them with ``to_dict``.

Each field result says *how* it was reached (``FieldResult.how``), as one of ``HOW`` followed by
the agreeing count, e.g. ``normalized 3/3`` or ``contained 2/3``:

===============  ===========================================================================
exact            the agreeing votes were typed identically
normalized       equal after normalization (width, punctuation marks, 民國 dates, numerals)
loose            equal once punctuation, spaces and list joiners are ignored
fuzzy            near-equal long text with the same numbers (a similarity group)
contained        one reading is a truncation of another; the most complete one is proposed
weighted         the group won only through the volunteers' weights (a tie in votes)
blank_words      decided blank, and some volunteers typed a word meaning "nothing" (無, n/a)
undecided        no value won (yet): the count is the largest group's
===============  ===========================================================================

Entries reconciled before ``how`` existed have none: ``FieldResult.from_dict`` reads it as None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["unanimous", "majority", "conflict", "blank"]
Verdict = Literal["done", "needs_more", "conflict"]
HOW = (
    "exact", "normalized", "loose", "fuzzy", "contained", "weighted", "blank_words", "undecided"
)
# The equality levels: a group formed at one of these may be unanimous.
EQUAL = frozenset(("exact", "normalized", "loose"))

_LABELS: dict[tuple[str, int, int], str] = {}


def how_label(how: str, agreeing: int, submissions: int) -> str:
    """``normalized 3/3``: the method and the agreeing count (memoized, built per field)."""
    label = _LABELS.get((how, agreeing, submissions))
    if label is None:
        label = _LABELS[(how, agreeing, submissions)] = f"{how} {agreeing}/{submissions}"
    return label


def split_how(label: str | None) -> tuple[str, str] | None:
    """``("normalized", "3/3")`` from a stored label, None for a record without one."""
    if not label or " " not in label:
        return None
    method, count = label.split(" ", 1)
    return (method, count) if method in HOW else None


@dataclass(slots=True)
class Group:
    """Values that count as equal, with who typed them and how (``spellings``: shown first)."""

    value: str
    normalized: str
    votes: int
    weight: float
    voters: tuple[str, ...]
    spellings: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serializable dict."""
        return {
            "value": self.value,
            "normalized": self.normalized,
            "votes": self.votes,
            "weight": self.weight,
            "voters": list(self.voters),
            "spellings": dict(self.spellings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Group:
        """Rebuild a group from ``to_dict`` output."""
        voters, spellings = tuple(data["voters"]), dict(data["spellings"])
        return cls(
            data["value"], data["normalized"], data["votes"], data["weight"], voters, spellings
        )


@dataclass(slots=True)
class FieldResult:
    """The outcome for one field: the decided value (original spelling) and the alternatives."""

    key: str
    value: str | None
    status: Status
    normalized: str | None
    precision: str | None
    flagged: bool
    groups: tuple[Group, ...]
    how: str | None = None  # e.g. "normalized 3/3"; None in records stored before it existed

    @property
    def decided(self) -> bool:
        """Tell whether the field needs no more votes."""
        return self.status != "conflict"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serializable dict."""
        return {
            "key": self.key,
            "value": self.value,
            "status": self.status,
            "normalized": self.normalized,
            "precision": self.precision,
            "flagged": self.flagged,
            "groups": [group.to_dict() for group in self.groups],
            "how": self.how,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldResult:
        """Rebuild a field result from ``to_dict`` output (older records have no ``how``)."""
        groups = tuple(Group.from_dict(group) for group in data["groups"])
        status, precision, flagged = data["status"], data["precision"], data["flagged"]
        return cls(
            data["key"], data["value"], status, data["normalized"], precision, flagged, groups,
            data.get("how"),
        )


@dataclass(slots=True)
class PageResult:
    """The outcome for a page: its verdict and each field's result, in the project's field order."""

    verdict: Verdict
    fields: dict[str, FieldResult] = field(default_factory=dict)
    submissions: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serializable dict (stored in the page's JSON column)."""
        return {
            "verdict": self.verdict,
            "submissions": self.submissions,
            "fields": {key: result.to_dict() for key, result in self.fields.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageResult:
        """Rebuild a page result from ``to_dict`` output."""
        return cls(
            verdict=data["verdict"],
            submissions=data["submissions"],
            fields={key: FieldResult.from_dict(value) for key, value in data["fields"].items()},
        )
