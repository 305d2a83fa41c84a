"""Grouping a field's differing votes, and choosing the spelling a group shows (pure).

1. Votes with equal normalized keys form a class; with the field's ``loose`` option, classes
   whose spellings share a loose key (``keys.loose_key``) are one class too. Blank ("") is a
   group of its own and never merges.
2. Classes are then merged by similarity: walking them by (votes descending, key), a class joins
   the first group *every* member of which it is compatible with, otherwise it starts a group.
   Compatible: near-equal long text with the same numbers (``keys.similar``, long_text only)
   or, with the field's ``contain`` option, one a truncation of the other (``keys.contains``).
   The walk order depends only on the multiset of values, so submission order never matters.
3. A group's shown spelling: for a contained group the most complete reading; otherwise (and
   among equally complete ones) the spelling whose normalized key has the most votes, then the
   spelling typed most often, then the medoid (the highest similarity to the group's other
   votes). Only a perfectly symmetric tie falls back to code-point order, to stay deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from crowdcat.services.reconciliation.keys import (
    contains,
    loose_key,
    similar,
    similarity,
    units,
    weighted_length,
)


class FieldRule(Protocol):
    """What grouping reads of a field's rule (voting.FieldRule)."""

    kind: str
    fold_variants: bool
    fuzzy_threshold: int
    loose: bool | None
    contain: bool | None


@dataclass(slots=True)
class Cluster:
    """Vote indices that count as one value, and the loosest rule that joined them."""

    indices: list[int]
    keys: list[str]  # the normalized keys of its classes, biggest class first
    how: str = "normalized"


def _classes(
    rule: FieldRule, typed: Sequence[str], keys: Sequence[tuple[str, bool]]
) -> dict[str, list[int]]:
    """Vote indices by normalized key, with loose-equal keys united (blank kept apart)."""
    by_key: dict[str, list[int]] = {}
    for index, (normalized, _) in enumerate(keys):
        by_key.setdefault(normalized, []).append(index)
    if not rule.loose or len(by_key) < 2:
        return by_key
    parent = {key: key for key in by_key}

    def root(key: str) -> str:
        """Union-find root of a key."""
        while parent[key] != key:
            key = parent[key]
        return key

    first_with: dict[str, str] = {}
    for key, indices in by_key.items():
        if not key:
            continue
        for index in indices:
            loose = loose_key(typed[index], rule.fold_variants)
            if not loose:
                continue
            other = first_with.setdefault(loose, key)
            a, b = root(other), root(key)
            if a != b:
                parent[max(a, b)] = min(a, b)
    united: dict[str, list[int]] = {}
    for key, indices in by_key.items():
        united.setdefault(root(key), []).extend(indices)
    return united


def _compatible(rule: FieldRule, a: str, b: str) -> str | None:
    """How two classes' keys may share a group: "contained", "fuzzy", or None."""
    if rule.contain and (contains(a, b) or contains(b, a)):
        return "contained"
    if rule.kind == "long_text" and similar(a, b, rule.fuzzy_threshold):
        return "fuzzy"
    return None


def clusters(
    rule: FieldRule, typed: Sequence[str], keys: Sequence[tuple[str, bool]]
) -> list[Cluster]:
    """Group the votes of one field (see the module docstring); blank last."""
    classes = _classes(rule, typed, keys)
    blank = classes.pop("", None)
    order = sorted(classes.items(), key=lambda item: (-len(item[1]), item[0]))
    merged: list[Cluster] = []
    similarity_allowed = rule.contain or rule.kind == "long_text"
    for key, indices in order:
        joined = False
        if similarity_allowed:
            for cluster in merged:
                links = [_compatible(rule, key, other) for other in cluster.keys]
                if all(links):
                    cluster.indices += indices
                    cluster.keys.append(key)
                    if "contained" in links or cluster.how == "contained":
                        cluster.how = "contained"
                    else:
                        cluster.how = "fuzzy"
                    joined = True
                    break
        if not joined:
            merged.append(Cluster(list(indices), [key]))
    if blank is not None:
        merged.append(Cluster(list(blank), [""]))
    for cluster in merged:
        if cluster.how == "normalized":
            cluster.how = _equality_level(typed, keys, cluster.indices)
    return merged


def _equality_level(
    typed: Sequence[str], keys: Sequence[tuple[str, bool]], indices: list[int]
) -> str:
    """exact, normalized or loose: the strictest rule under which the votes are all equal."""
    first = indices[0]
    if all(typed[i] == typed[first] for i in indices):
        return "exact"
    if all(keys[i][0] == keys[first][0] for i in indices):
        return "normalized"
    return "loose"


def shown_spellings(
    typed: Sequence[str],
    keys: Sequence[tuple[str, bool]],
    indices: Sequence[int],
    most_complete: bool = False,
) -> dict[str, int]:
    """The group's spellings with their counts, the one to show first (module docstring, 3)."""
    counts: dict[str, int] = {}
    for i in indices:
        counts[typed[i]] = counts.get(typed[i], 0) + 1
    if len(counts) == 1:
        return counts
    key_of = {typed[i]: keys[i][0] for i in indices}
    key_votes: dict[str, int] = {}
    for i in indices:
        key_votes[keys[i][0]] = key_votes.get(keys[i][0], 0) + 1

    def rank(spelling: str) -> tuple[int, int, int]:
        """Completeness (contained groups only), votes of its key, votes of the spelling."""
        complete = weighted_length(units(key_of[spelling])) if most_complete else 0
        return complete, key_votes[key_of[spelling]], counts[spelling]

    ranks = {spelling: rank(spelling) for spelling in counts}
    best = max(ranks.values())
    tied = [spelling for spelling, r in ranks.items() if r == best]
    if len(tied) == 1:
        first = tied[0]
    else:
        def closeness(spelling: str) -> float:
            """Summed similarity to every other vote of the group (the medoid scores highest)."""
            return sum(
                n * similarity(spelling, other) for other, n in counts.items() if other != spelling
            )

        scored = {spelling: closeness(spelling) for spelling in tied}
        top = max(scored.values())
        first = min(spelling for spelling, score in scored.items() if score == top)
    rest = sorted((s for s in counts if s != first), key=lambda s: (-counts[s], s))
    return {first: counts[first], **{s: counts[s] for s in rest}}
