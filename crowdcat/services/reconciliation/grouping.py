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
    fold_forms: bool
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
            loose = loose_key(typed[index], rule.fold_variants, rule.fold_forms)
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


def _medoid(tied: list[str], counts: dict[str, int]) -> str:
    """The tied spelling with the highest summed similarity to the group's other votes."""
    scores = dict.fromkeys(counts, 0.0)
    items = list(counts.items())
    for i, (a, a_votes) in enumerate(items):
        for b, b_votes in items[i + 1 :]:
            score = similarity(a, b)  # symmetric: each pair once
            scores[a] += b_votes * score
            scores[b] += a_votes * score
    top = max(scores[spelling] for spelling in tied)
    # Code-point order decides only a perfectly symmetric tie.
    return min(spelling for spelling in tied if scores[spelling] == top)


def shown_spellings(
    typed: Sequence[str],
    keys: Sequence[tuple[str, bool]],
    indices: Sequence[int],
    most_complete: bool = False,
    one_key: bool = False,
) -> dict[str, int]:
    """The group's spellings with their counts, the one to show first (module docstring, 3).

    ``one_key``: the caller knows every vote has the same normalized key (a faster path).
    """
    counts: dict[str, int] = {}
    for i in indices:
        counts[typed[i]] = counts.get(typed[i], 0) + 1
    if len(counts) == 1:
        return counts
    if one_key:
        if len(counts) == len(indices):  # all typed differently (dates, usually): all tied
            first = _medoid(list(counts), counts)
            return {first: 1, **dict.fromkeys(sorted(s for s in counts if s != first), 1)}
        top = max(counts.values())
        tied = [spelling for spelling, n in counts.items() if n == top]
    else:
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
    first = tied[0] if len(tied) == 1 else _medoid(tied, counts)
    ordered = {first: counts[first]}
    for spelling in sorted(counts, key=lambda s: (-counts[s], s)):
        if spelling != first:
            ordered[spelling] = counts[spelling]
    return ordered
