"""What the review screen shows for each field, and how its approve form is read."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crowdcat.models import Entry, FieldSpec, Project, User
from crowdcat.review.labels import HOW_LABELS
from crowdcat.services.reconciliation.results import split_how
from crowdcat.services.review.values import field_results, proposed_values


@dataclass(slots=True)
class Alternative:
    """One group of equal values typed by volunteers."""

    index: int
    value: str
    blank: bool
    votes: int
    voters: list[str]
    spellings: list[tuple[str, int]]
    proposed: bool


@dataclass(slots=True)
class FieldRow:
    """One keyed field on the review screen."""

    spec: FieldSpec
    status: str | None
    value: str
    flagged: bool
    alternatives: list[Alternative] = field(default_factory=list)
    taken: int | None = None
    error: Any = None
    how: str | None = None  # "equal after normalization 3/3"; None for older records


def how_label(result: Mapping[str, Any]) -> str | None:
    """How the field was decided, translated, with the agreeing count."""
    parsed = split_how(result.get("how"))
    return f"{HOW_LABELS[parsed[0]]} {parsed[1]}" if parsed else None


def voter_names(session: Session, entry: Entry, reviewer: User) -> dict[str, str]:
    """Display names of everyone who voted on the entry, by voter id (the reviewer marked)."""
    ids = {voter for result in field_results(entry).values()
           for group in result.get("groups") or () for voter in group.get("voters") or ()}
    numeric = [int(v) for v in ids if str(v).isdigit()]
    users = session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(numeric))
    ).all() if numeric else []
    names = {str(uid): name for uid, name in users}
    if str(reviewer.id) in names:
        names[str(reviewer.id)] += " ★"
    return names


def _alternatives(result: Mapping[str, Any], names: Mapping[str, str]) -> list[Alternative]:
    """The result's groups as alternatives, in the engine's order (most votes first)."""
    out = []
    for index, group in enumerate(result.get("groups") or ()):
        blank = group.get("normalized") == ""
        spellings = sorted((group.get("spellings") or {}).items(), key=lambda kv: -kv[1])
        out.append(Alternative(
            index=index,
            value="" if blank else group.get("value") or "",
            blank=blank,
            votes=group.get("votes", 0),
            voters=[names.get(str(v), str(v)) for v in group.get("voters") or ()],
            spellings=spellings if len(spellings) > 1 else [],
            proposed=result.get("status") != "conflict"
            and group.get("normalized") == (result.get("normalized") or ""),
        ))
    return out


def field_rows(
    entry: Entry,
    project: Project,
    names: Mapping[str, str],
    submitted: Mapping[str, str] | None = None,
    taken: Mapping[str, int] | None = None,
    errors: Mapping[str, Any] | None = None,
) -> list[FieldRow]:
    """One row per keyed field: the value to show in the box and the alternatives."""
    results = field_results(entry)
    proposed = proposed_values(entry, project)
    rows = []
    for spec in project.keyed_fields:
        result = results.get(spec.key) or {}
        value = submitted.get(spec.key) if submitted else proposed.get(spec.key)
        rows.append(FieldRow(
            spec=spec,
            status=result.get("status"),
            value=value or "",
            flagged=bool(result.get("flagged")),
            alternatives=_alternatives(result, names) if result else [],
            taken=(taken or {}).get(spec.key),
            error=(errors or {}).get(spec.key),
            how=how_label(result),
        ))
    return rows


def read_decisions(
    form: Mapping[str, str], entry: Entry, project: Project
) -> tuple[dict[str, str], dict[str, int]]:
    """The value decided for each field: a taken alternative wins over the text box.

    Returns (values, taken alternative index per field).
    """
    results = field_results(entry)
    values: dict[str, str] = {}
    taken: dict[str, int] = {}
    for spec in project.keyed_fields:
        groups = (results.get(spec.key) or {}).get("groups") or []
        take = form.get(f"take-{spec.key}", "")
        if take.isdigit() and int(take) < len(groups):
            group = groups[int(take)]
            taken[spec.key] = int(take)
            values[spec.key] = "" if group.get("normalized") == "" else group.get("value") or ""
        elif f"value-{spec.key}" in form:  # a field the form did not send keeps its proposal
            values[spec.key] = form[f"value-{spec.key}"]
    return values, taken
