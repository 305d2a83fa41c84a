"""Frozen copy of the engine before issue 18 (git show 9ba0278, crowdcat/services/reconciliation),
kept only to compare old and new rules in benchmarks/reconcile_judged.py. Do not edit.

Field-by-field reconciliation of independent submissions for one page (pure, no database).

How a field is decided:

1. Every vote's value is normalized for its field kind (``normalize.normalize_value``); values
   with equal keys form one group. Blank (empty, missing, or one of the field's blank words)
   is a group of its own, with key "".
2. Long text is grouped by similarity as well: the distinct non-blank keys are sorted by
   (number of votes descending, key ascending); walking that order, a key joins the first
   existing group whose *leader* (its first key) has ``rapidfuzz.fuzz.ratio >= fuzzy_threshold``
   with it, otherwise it leads a new group. The order depends only on the multiset of values,
   so submission order never changes the groups.
3. A group wins when it has at least ``agree`` votes and strictly more weight than every other
   group. With the default weight 1.0 this is plain counting: 2 of 3 wins, 2 against 2 does
   not. Weights (``weights_from_history``) can break such ties but can never let one trusted
   volunteer decide alone, because the vote count must still reach ``agree``.
4. Status: ``blank`` if the blank group wins, ``unanimous`` if every vote is in the winning
   group, ``majority`` if it wins otherwise, ``conflict`` if nothing wins (yet).

The page verdict is ``done`` when every field is decided, otherwise ``needs_more`` while fewer
than ``maximum`` submissions exist and ``conflict`` once the maximum is reached.

Groups are listed by weight (= votes when unweighted) descending, then votes, then key. A group
shows its commonest original spelling (ties: the smallest in code-point order); voters are
sorted. Results are plain slotted dataclasses (cheap to build, which matters at 10^5 pages):
treat them as read-only, and store them with ``to_dict``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz import fuzz

from benchmarks.reconcile_old.normalization import make_normalizer, precision_of

KINDS = ("text", "long_text", "integer", "date", "select", "reference")
Status = Literal["unanimous", "majority", "conflict", "blank"]
Verdict = Literal["done", "needs_more", "conflict"]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one catalog field is compared: its kind and the options stored on its FieldSpec."""

    key: str
    kind: str
    fold_variants: bool = False
    fuzzy_threshold: int = 90
    blank_values: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    # value -> (key, flagged), cached per rule; built from the settings above.
    normalizer: Callable[[str], tuple[str, bool]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Reject a rule that could only give wrong answers, and build its normalizer."""
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown field kind {self.kind!r} (expected one of {', '.join(KINDS)})"
            )
        if not 0 <= self.fuzzy_threshold <= 100:
            raise ValueError(f"fuzzy_threshold must be 0-100, got {self.fuzzy_threshold}")
        normalizer = make_normalizer(
            self.kind, self.fold_variants, tuple(self.blank_values), tuple(self.choices)
        )
        object.__setattr__(self, "normalizer", normalizer)  # frozen: set once, here

    @classmethod
    def from_options(cls, key: str, kind: str, options: Mapping[str, Any]) -> FieldRule:
        """Build a rule from a FieldSpec/FIELDS.json options dict (unknown options are ignored)."""
        threshold = options.get("fuzzy_threshold", 90)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ValueError(f"field {key!r}: fuzzy_threshold must be a number")
        fold = options.get("fold_variants", False)
        if not isinstance(fold, bool):
            raise ValueError(f"field {key!r}: fold_variants must be true or false")
        return cls(
            key=key,
            kind=kind,
            fold_variants=fold,
            fuzzy_threshold=int(threshold),
            blank_values=_strings(key, "blank_values", options.get("blank_values", ())),
            choices=_strings(key, "choices", options.get("choices", ())),
        )


def _strings(key: str, name: str, value: Any) -> tuple[str, ...]:
    """Check that an option is a list of strings and return it as a tuple."""
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"field {key!r}: {name} must be a list of strings")
    return tuple(value)


@dataclass(frozen=True, slots=True)
class Rules:
    """A project's reconciliation settings: its fields and its redundancy rule."""

    fields: tuple[FieldRule, ...]
    agree: int = 2
    maximum: int = 5

    def __post_init__(self) -> None:
        """Reject redundancy settings under which no page could ever finish."""
        if self.agree < 1:
            raise ValueError(f"agree must be at least 1, got {self.agree}")
        if self.maximum < self.agree:
            raise ValueError(f"maximum ({self.maximum}) must be at least agree ({self.agree})")
        keys = [rule.key for rule in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"field keys must be unique: {', '.join(keys)}")


@dataclass(frozen=True, slots=True)
class Vote:
    """One volunteer's submission for a page; a missing field counts as blank."""

    voter: str
    values: Mapping[str, str | None]
    weight: float = 1.0

    def __post_init__(self) -> None:
        """Reject weights that would let a vote count against its own value."""
        if not (self.weight > 0 and math.isfinite(self.weight)):
            raise ValueError(f"vote weight must be positive and finite, got {self.weight}")


@dataclass(slots=True)
class Group:
    """Values that count as equal, with who typed them and how."""

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
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldResult:
        """Rebuild a field result from ``to_dict`` output."""
        groups = tuple(Group.from_dict(group) for group in data["groups"])
        status, precision, flagged = data["status"], data["precision"], data["flagged"]
        return cls(
            data["key"], data["value"], status, data["normalized"], precision, flagged, groups
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


def weights_from_history(
    agreed: int, total: int, prior_agreed: float = 4.0, prior_total: float = 5.0
) -> float:
    """Weight a volunteer by how often their values matched decided values (1.0 = no history).

    The agreement rate is estimated with a Beta prior worth ``prior_total`` values of which
    ``prior_agreed`` agreed, ``(agreed + a) / (total + a + b)``, and divided by the prior mean
    ``a / (a + b)`` so that a newcomer weighs exactly 1.0. With the defaults a weight lies in
    (0, 1.25]: a perfect record approaches 1.25, a poor one approaches 0 but never reaches it.
    """
    if not 0 <= agreed <= total:
        raise ValueError(f"need 0 <= agreed <= total, got agreed={agreed}, total={total}")
    if not 0 < prior_agreed < prior_total:
        raise ValueError("need 0 < prior_agreed < prior_total")
    return ((agreed + prior_agreed) / (total + prior_total)) / (prior_agreed / prior_total)


def _count_spellings(typed: list[str]) -> dict[str, int]:
    """Count spellings, commonest first, ties in text order (so the first is the shown value)."""
    counts: dict[str, int] = {}
    for spelling in typed:
        counts[spelling] = counts.get(spelling, 0) + 1
    if len(counts) == 1:
        return counts
    if len(counts) == len(typed):  # all different (the usual case for dates): text order
        return dict.fromkeys(sorted(typed), 1)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _fuzzy_merge(members: dict[str, list[int]], threshold: int) -> dict[str, list[int]]:
    """Merge near-equal long-text groups by leader clustering in a submission-independent order."""
    blank = members.pop("", None)
    merged: dict[str, list[int]] = {}
    for key, indices in sorted(members.items(), key=lambda item: (-len(item[1]), item[0])):
        for leader, leader_indices in merged.items():
            if fuzz.ratio(leader, key, score_cutoff=threshold):
                leader_indices += indices
                break
        else:
            merged[key] = list(indices)
    if blank is not None:
        merged[""] = blank
    return merged


def _single_group(
    rule: FieldRule, raws: list[str], everyone: tuple[str, ...], weight: float, agree: int
) -> FieldResult | tuple[list[str], list[tuple[str, bool]]]:
    """Decide a field whose values are all equal; otherwise return (spellings, keys) to vote on."""
    typed = [raw.strip() for raw in raws]
    normalize = rule.normalizer
    keys = [normalize(spelling) for spelling in typed]
    count = len(keys)
    if keys.count(keys[0]) != count:
        return typed, keys
    # Different spellings of one value (民國37年 / 1948): one group, no vote needed.
    normalized, flagged = keys[0]
    spellings = _count_spellings(typed)
    value = next(iter(spellings))
    group = Group(value, normalized, count, weight, everyone, spellings)
    if count < agree:
        return FieldResult(rule.key, None, "conflict", None, None, flagged, (group,))
    if not normalized:
        return FieldResult(rule.key, None, "blank", None, None, False, (group,))
    precision = precision_of(normalized) if rule.kind == "date" and not flagged else None
    return FieldResult(rule.key, value, "unanimous", normalized, precision, flagged, (group,))


def _vote(
    rule: FieldRule,
    votes: Sequence[Vote],
    typed: list[str],
    keys: list[tuple[str, bool]],
    agree: int,
) -> FieldResult:
    """Group votes whose values differ, merge near-equal long text, and apply the vote rule."""
    members: dict[str, list[int]] = {}
    for index, (normalized, _) in enumerate(keys):
        members.setdefault(normalized, []).append(index)
    if rule.kind == "long_text" and len(members) > 1:
        members = _fuzzy_merge(members, rule.fuzzy_threshold)
    groups = []
    for normalized, indices in members.items():
        spellings = _count_spellings([typed[i] for i in indices])
        group = Group(
            next(iter(spellings)),
            normalized,
            len(indices),
            # fsum is exactly rounded, hence independent of the order of the votes.
            math.fsum(votes[i].weight for i in indices),
            tuple(sorted(votes[i].voter for i in indices)),
            spellings,
        )
        groups.append((group, any(keys[i][1] for i in indices)))
    # Heaviest first (= most votes when unweighted), then most votes, then key: deterministic.
    groups.sort(key=lambda pair: (-pair[0].weight, -pair[0].votes, pair[0].normalized))
    return _decide(rule, groups, len(votes), agree)


def _decide(
    rule: FieldRule, groups: list[tuple[Group, bool]], submissions: int, agree: int
) -> FieldResult:
    """Apply the vote rule to (group, flagged) pairs, heaviest first."""
    alternatives = tuple(group for group, _ in groups)
    top = alternatives[0] if alternatives else None
    wins = top is not None and top.votes >= agree
    if wins and len(groups) > 1:
        runner_up = alternatives[1].weight
        # Weights are floats: a margin below rounding noise is a tie, not a win.
        wins = top.weight - runner_up > 1e-9 * max(1.0, top.weight)
    if not wins or top is None:
        flagged = any(flag for _, flag in groups)
        return FieldResult(rule.key, None, "conflict", None, None, flagged, alternatives)
    if top.normalized == "":
        return FieldResult(rule.key, None, "blank", None, None, False, alternatives)
    status: Status = "unanimous" if top.votes == submissions else "majority"
    flagged = groups[0][1]
    precision = precision_of(top.normalized) if rule.kind == "date" and not flagged else None
    return FieldResult(
        rule.key, top.value, status, top.normalized, precision, flagged, alternatives
    )


def reconcile(rules: Rules, votes: Sequence[Vote]) -> PageResult:
    """Reconcile one page's submissions field by field and give the page its verdict."""
    count, agree = len(votes), rules.agree
    everyone = tuple(sorted([vote.voter for vote in votes]))
    weight = math.fsum([vote.weight for vote in votes])
    getters = [vote.values.get for vote in votes]
    fields: dict[str, FieldResult] = {}
    decided = 0
    # This loop runs for every field of every page: it is written for speed (a page is
    # reconciled on every submission, and offline runs reach hundreds of thousands of pages).
    for rule in rules.fields:
        key = rule.key
        raws = [get(key) or "" for get in getters]
        if count and raws.count(raws[0]) == count:
            # Fast path, the common case: everyone typed exactly the same thing (or nothing).
            value = raws[0].strip()
            normalized, flagged = rule.normalizer(value)
            group = (Group(value, normalized, count, weight, everyone, {value: count}),)
            if count < agree:
                result = FieldResult(key, None, "conflict", None, None, flagged, group)
            elif not normalized:
                result = FieldResult(key, None, "blank", None, None, False, group)
                decided += 1
            else:
                precision = None
                if rule.kind == "date" and not flagged:
                    precision = precision_of(normalized)
                result = FieldResult(key, value, "unanimous", normalized, precision, flagged, group)
                decided += 1
        elif count:
            single = _single_group(rule, raws, everyone, weight, agree)
            if not isinstance(single, FieldResult):
                single = _vote(rule, votes, *single, agree)
            result = single
            decided += result.status != "conflict"
        else:
            result = FieldResult(key, None, "conflict", None, None, False, ())
        fields[key] = result
    if decided == len(fields):
        verdict: Verdict = "done"
    elif count < rules.maximum:
        verdict = "needs_more"
    else:
        verdict = "conflict"
    return PageResult(verdict, fields, count)
