"""The values a reviewer approves: what is proposed, and checking what was decided."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from crowdcat import text_safety
from crowdcat.models import Entry, FieldKind, FieldSpec, Project
from crowdcat.services.errors import ServiceError
from crowdcat.services.reconciliation.normalization import parse_date, parse_integer
from crowdcat.services.reconciliation.voting import FieldRule

MAX_LENGTH = {FieldKind.LONG_TEXT: 10_000}
DEFAULT_MAX_LENGTH = 1_000


class InvalidValues(ServiceError):
    """Some decided values were refused; `errors` maps field keys to messages."""

    code = "invalid_values"

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(
            _l("Some values could not be accepted. Nothing was saved."), field=next(iter(errors))
        )
        self.errors = errors


def field_rule(spec: FieldSpec) -> FieldRule:
    """The reconciliation rule of a field (choices live in their own column)."""
    options = dict(spec.options or {})
    options["choices"] = list(spec.choices or [])
    return FieldRule.from_options(spec.key, spec.kind.value, options)


def field_results(entry: Entry) -> dict[str, dict[str, Any]]:
    """The reconciliation result of each field, by key ({} when never reconciled).

    A row entry of a list item has its header's fields too (reconciled["header"])."""
    reconciled = entry.reconciled or {}
    header = (reconciled.get("header") or {}).get("fields") or {}
    return {**header, **(reconciled.get("fields") or {})}


def proposed_values(entry: Entry, project: Project) -> dict[str, str | None]:
    """What the reviewer starts from: earlier final values, else the reconciled ones.

    None means undecided (a field in conflict, or one the reconciliation never saw).
    """
    results = field_results(entry)
    proposed: dict[str, str | None] = {}
    for spec in project.keyed_fields:
        if entry.values is not None:
            proposed[spec.key] = str(entry.values.get(spec.key) or "")
            continue
        result = results.get(spec.key)
        if result is None or result.get("status") == "conflict":
            proposed[spec.key] = None
        else:
            proposed[spec.key] = result.get("value") or ""
    return proposed


def _has_blank_alternative(result: Mapping[str, Any] | None) -> bool:
    """Whether some volunteer said the field is empty on this page."""
    return bool(result) and any(g.get("normalized") == "" for g in result.get("groups") or ())


def _clean_one(spec: FieldSpec, raw: str, result: Mapping[str, Any] | None) -> str:
    """Check one value like the keying form does; return what is stored (raise ValueError)."""
    rule = field_rule(spec)
    try:
        if spec.kind == FieldKind.LONG_TEXT:
            text = text_safety.clean(raw, multiline=True).strip()
        else:  # one line: line breaks and runs of white space become one space
            text = " ".join(text_safety.clean(" ".join(raw.split())).split())
    except text_safety.Refused as exc:
        raise ValueError(exc.message(text_safety.field_label(spec.labels, spec.key))) from exc
    if len(text) > MAX_LENGTH.get(spec.kind, DEFAULT_MAX_LENGTH):
        raise ValueError(_l("This value is too long."))
    key, _flagged = rule.normalizer(text)
    if not key:  # empty, or a word that means "nothing here" (無, 不詳)
        if spec.required:
            raise ValueError(_l("This field is required."))
        if result and result.get("status") == "conflict" and not _has_blank_alternative(result):
            raise ValueError(
                _l("The volunteers disagree here: take an alternative or type a value."))
        return ""
    if spec.kind == FieldKind.INTEGER:
        number = parse_integer(text)
        if number is None:
            raise ValueError(_l("Enter a whole number, such as 12."))
        return str(number)
    if spec.kind == FieldKind.DATE:
        if parse_date(text) is None:
            raise ValueError(_l("Enter a date such as 民國三十七年五月十日 or 1948-05-10."))
        return text
    if spec.kind == FieldKind.SELECT and spec.choices:
        wanted = unicodedata.normalize("NFKC", text).strip()
        for choice in spec.choices:
            if unicodedata.normalize("NFKC", choice).strip() == wanted:
                return choice
        raise ValueError(_l("Choose one of the listed values."))
    return text


def clean_values(
    entry: Entry, project: Project, values: Mapping[str, str | None] | None
) -> dict[str, str]:
    """Merge the decided values over the proposal and check every keyed field.

    A field not given keeps its proposed value. Raises InvalidValues listing every refusal.
    """
    merged = proposed_values(entry, project) | dict(values or {})
    results = field_results(entry)
    cleaned: dict[str, str] = {}
    errors: dict[str, Any] = {}
    for spec in project.keyed_fields:
        raw = merged.get(spec.key)
        try:
            cleaned[spec.key] = _clean_one(spec, str(raw or ""), results.get(spec.key))
        except ValueError as exc:
            errors[spec.key] = exc.args[0]
    if errors:
        raise InvalidValues(errors)
    return cleaned


def same_value(spec: FieldSpec, a: str | None, b: str | None) -> bool:
    """Whether two values are equal once trivial differences (width, spacing, 民國 dates) go."""
    rule = field_rule(spec)
    return rule.normalizer(a or "")[0] == rule.normalizer(b or "")[0]
