"""Field-by-field reconciliation of independent submissions for one page (pure, no database).

How a field is decided:

1. Every vote's value is normalized for its field kind (``normalize.normalize_value``); values
   with equal keys form one group. Blank (empty, missing, or one of the field's blank words)
   is a group of its own, with key "". Text fields (``loose``, on by default for text and long
   text) also treat values with equal loose keys as equal: punctuation, spaces and list joiners
   ignored (``keys.loose_key``).
2. Long text is grouped by similarity as well, and fields with ``contain`` (on by default for
   long text) group a truncated reading with the complete one; values whose numbers differ are
   never grouped this way (``grouping``, ``keys``).
3. A group wins when it has at least ``agree`` votes and strictly more weight than every other
   group. With the default weight 1.0 this is plain counting: 2 of 3 wins, 2 against 2 does
   not. Weights (``weights_from_history``) can break such ties but can never let one trusted
   volunteer decide alone, because the vote count must still reach ``agree``.
4. Blank wins only by a margin: against substantive values it needs ``agree`` more votes than
   they have together, so two blanks against one typed ``38620`` ask for another volunteer
   (and a reviewer, at the maximum) instead of losing the number. A blank word counts as blank,
   and so does a select value that is not one of the field's choices.
5. Status: ``blank`` if the blank group wins; ``unanimous`` if every vote is in the winning
   group and the group is one of equal values (exact, normalized or loose); ``majority`` if it
   wins otherwise (a fuzzy or contained group is at most a majority, its members listed in
   ``spellings``); ``conflict`` if nothing wins (yet). ``FieldResult.how`` says which rule
   decided, with the agreeing count (``results``).

The page verdict is ``done`` when every field is decided, otherwise ``needs_more`` while fewer
than ``maximum`` submissions exist and ``conflict`` once the maximum is reached.

Groups are listed by weight (= votes when unweighted) descending, then votes, then key. A group
shows the spelling chosen by ``grouping.shown_spellings`` (most votes, then the medoid; the
most complete reading for a contained group); voters are sorted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crowdcat.services.reconciliation.grouping import Cluster, clusters, shown_spellings
from crowdcat.services.reconciliation.normalization import make_normalizer, precision_of
from crowdcat.services.reconciliation.results import (
    EQUAL,
    FieldResult,
    Group,
    PageResult,
    Status,
    Verdict,
    how_label,
)

__all__ = [
    "KINDS", "FieldResult", "FieldRule", "Group", "PageResult", "Rules", "Status", "Verdict",
    "Vote", "reconcile", "weights_from_history",
]

KINDS = ("text", "long_text", "integer", "date", "select", "reference")
# The kinds the loose key and containment apply to, and those they are on for by default.
TEXT_KINDS = ("text", "long_text")
CONTAIN_BY_DEFAULT = ("long_text",)


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one catalog field is compared: its kind and the options stored on its FieldSpec."""

    key: str
    kind: str
    fold_variants: bool = False
    fuzzy_threshold: int = 90
    blank_values: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    # Text only: None takes the kind's default (loose: text and long text; contain: long text).
    loose: bool | None = None
    contain: bool | None = None
    # Variant forms of one character (爲/為, 綫/線) as equal, from OpenCC's tables (``variants``).
    fold_forms: bool = False
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
            self.kind, self.fold_variants, tuple(self.blank_values), tuple(self.choices),
            self.fold_forms,
        )
        object.__setattr__(self, "normalizer", normalizer)  # frozen: set once, here
        text = self.kind in TEXT_KINDS
        loose = text if self.loose is None else self.loose and text
        contain = self.kind in CONTAIN_BY_DEFAULT if self.contain is None else self.contain
        object.__setattr__(self, "loose", bool(loose))
        object.__setattr__(self, "contain", bool(contain) and text)

    @classmethod
    def from_options(cls, key: str, kind: str, options: Mapping[str, Any]) -> FieldRule:
        """Build a rule from a FieldSpec/FIELDS.json options dict (unknown options are ignored)."""
        threshold = options.get("fuzzy_threshold", 90)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ValueError(f"field {key!r}: fuzzy_threshold must be a number")
        switches = {}
        for name, default in (
            ("fold_variants", False), ("fold_forms", False), ("loose", None), ("contain", None)
        ):
            value = options.get(name, default)
            if value is not default and not isinstance(value, bool):
                raise ValueError(f"field {key!r}: {name} must be true or false")
            switches[name] = value
        return cls(
            key=key,
            kind=kind,
            fold_variants=switches["fold_variants"],
            fuzzy_threshold=int(threshold),
            blank_values=_strings(key, "blank_values", options.get("blank_values", ())),
            choices=_strings(key, "choices", options.get("choices", ())),
            loose=switches["loose"],
            contain=switches["contain"],
            fold_forms=switches["fold_forms"],
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


def _group(
    votes: Sequence[Vote], typed: list[str], keys: list[tuple[str, bool]], cluster: Cluster
) -> tuple[Group, bool]:
    """Build a Group (and whether any of its values is flagged) from a cluster of votes."""
    indices = cluster.indices
    spellings = shown_spellings(typed, keys, indices, cluster.how == "contained")
    value = next(iter(spellings))
    group = Group(
        value,
        keys[typed.index(value)][0],
        len(indices),
        # fsum is exactly rounded, hence independent of the order of the votes.
        math.fsum(votes[i].weight for i in indices),
        tuple(sorted(votes[i].voter for i in indices)),
        spellings,
    )
    return group, any(keys[i][1] for i in indices)


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
    spellings = shown_spellings(typed, keys, range(count), one_key=True)
    value = next(iter(spellings))
    group = Group(value, normalized, count, weight, everyone, spellings)
    if count < agree:
        how = how_label("undecided", count, count)
        return FieldResult(rule.key, None, "conflict", None, None, flagged, (group,), how)
    if not normalized:
        how = how_label("blank_words" if any(typed) else "exact", count, count)
        return FieldResult(rule.key, None, "blank", None, None, False, (group,), how)
    how = how_label("exact" if len(spellings) == 1 else "normalized", count, count)
    precision = precision_of(normalized) if rule.kind == "date" and not flagged else None
    return FieldResult(
        rule.key, value, "unanimous", normalized, precision, flagged, (group,), how
    )


def _vote(
    rule: FieldRule,
    votes: Sequence[Vote],
    typed: list[str],
    keys: list[tuple[str, bool]],
    agree: int,
) -> FieldResult:
    """Group votes whose values differ (``grouping.clusters``) and apply the vote rule."""
    found = clusters(rule, typed, keys)
    groups = [(*_group(votes, typed, keys, cluster), cluster) for cluster in found]
    # Heaviest first (= most votes when unweighted), then most votes, then key: deterministic.
    groups.sort(key=lambda item: (-item[0].weight, -item[0].votes, item[0].normalized))
    return _decide(rule, groups, typed, len(votes), agree)


def _decide(
    rule: FieldRule,
    groups: list[tuple[Group, bool, Cluster]],
    typed: list[str],
    submissions: int,
    agree: int,
) -> FieldResult:
    """Apply the vote rule to (group, flagged, cluster) triples, heaviest first."""
    alternatives = tuple(group for group, _, _ in groups)
    top = alternatives[0]
    wins = top.votes >= agree
    how = groups[0][2].how
    if wins and len(groups) > 1:
        runner_up = alternatives[1]
        # Weights are floats: a margin below rounding noise is a tie, not a win.
        wins = top.weight - runner_up.weight > 1e-9 * max(1.0, top.weight)
        if top.votes <= runner_up.votes:
            how = "weighted"
    if wins and top.normalized == "" and len(groups) > 1:
        # Blank against substantive values: only by a clear margin (module docstring, 4). A
        # choice that is not on a select field's list is no substantive value.
        others = sum(g.votes for g, flag, _ in groups[1:] if not (flag and rule.kind == "select"))
        wins = top.votes - others >= agree or others == 0
    if not wins:
        flagged = any(flag for _, flag, _ in groups)
        label = how_label("undecided", top.votes, submissions)
        return FieldResult(rule.key, None, "conflict", None, None, flagged, alternatives, label)
    if top.normalized == "":
        words = any(typed[i] for i in groups[0][2].indices)
        label = how_label("blank_words" if words else "exact", top.votes, submissions)
        return FieldResult(rule.key, None, "blank", None, None, False, alternatives, label)
    status: Status = "unanimous" if top.votes == submissions and how in EQUAL else "majority"
    flagged = groups[0][1]
    precision = precision_of(top.normalized) if rule.kind == "date" and not flagged else None
    return FieldResult(
        rule.key, top.value, status, top.normalized, precision, flagged, alternatives,
        how_label(how, top.votes, submissions),
    )


def reconcile(rules: Rules, votes: Sequence[Vote]) -> PageResult:
    """Reconcile one page's submissions field by field and give the page its verdict."""
    count, agree = len(votes), rules.agree
    everyone = tuple(sorted([vote.voter for vote in votes]))
    weight = math.fsum([vote.weight for vote in votes])
    getters = [vote.values.get for vote in votes]
    fields: dict[str, FieldResult] = {}
    decided = 0
    exact, blank = how_label("exact", count, count), how_label("blank_words", count, count)
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
                result = FieldResult(key, None, "conflict", None, None, flagged, group,
                                     how_label("undecided", count, count))
            elif not normalized:
                result = FieldResult(key, None, "blank", None, None, False, group,
                                     blank if value else exact)
                decided += 1
            else:
                precision = None
                if rule.kind == "date" and not flagged:
                    precision = precision_of(normalized)
                result = FieldResult(
                    key, value, "unanimous", normalized, precision, flagged, group, exact
                )
                decided += 1
        elif count:
            single = _single_group(rule, raws, everyone, weight, agree)
            if not isinstance(single, FieldResult):
                single = _vote(rule, votes, *single, agree)
            result = single
            decided += result.status != "conflict"
        else:
            result = FieldResult(key, None, "conflict", None, None, False, (), None)
        fields[key] = result
    if decided == len(fields):
        verdict: Verdict = "done"
    elif count < rules.maximum:
        verdict = "needs_more"
    else:
        verdict = "conflict"
    return PageResult(verdict, fields, count)
