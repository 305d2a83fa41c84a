"""Checking typed values per field kind before anything is saved."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from crowdcat import text_safety
from crowdcat.models import FieldKind, FieldSpec
from crowdcat.services.errors import ServiceError
from crowdcat.services.reconciliation import ditto
from crowdcat.services.reconciliation.normalization import make_normalizer

MAX_LENGTH = {FieldKind.LONG_TEXT: 5000, FieldKind.REFERENCE: 100}
DEFAULT_MAX_LENGTH = 500
# Keys a values object may carry beyond the page's fields before it is refused with one
# message: room for prefilled fields sent along and a client's own extras (a duration).
EXTRA_KEYS = 10
# Unknown keys named one by one in the errors; the rest are counted in one message.
MAX_UNKNOWN_LISTED = 10
MAX_LISTED_KEY_LENGTH = 100
# Rows a list item takes from one volunteer (a 卷內文件目錄 page lists 10 to 25).
MAX_ROWS = 200


class InvalidValues(ServiceError):
    """Some typed values were refused; `errors` maps field keys to messages."""

    code = "invalid_values"

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__(_l("Some values could not be accepted. Nothing was saved."))
        self.errors = dict(errors)


def _as_text(value: Any) -> str | None:
    """A JSON or form value as text (numbers allowed), or None when it cannot be text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and "e" in str(value):
        # 1e+29, inf: not what anyone typed (an integer beyond 64 bits arrives as a float,
        # rounded): the client is asked for text rather than a rounded number being stored.
        return None
    if isinstance(value, int | float | str):
        return str(value)
    return None


def key_normalizer(spec: FieldSpec) -> Callable[[str], tuple[str, bool]]:
    """The field's `value -> (equality key, flagged)` as reconciliation reads it.

    A field of a ProjectSnapshot carries its own, built once per project version.
    """
    own = getattr(spec, "key_normalizer", None)
    return own if own is not None else normalizer_of(spec)


def normalizer_of(spec: Any) -> Callable[[str], tuple[str, bool]]:
    """The same cached normalizer as the field's reconciliation rule (make_normalizer with
    the same settings), so a value checked here is read once for both."""
    options = spec.options or {}
    return make_normalizer(
        FieldKind(spec.kind).value, options.get("fold_variants") is True,
        tuple(str(word) for word in options.get("blank_values") or ()),
        tuple(spec.choices or ()), options.get("fold_forms") is True)


# What a value the normalizer flags is told, by field kind.
_UNREADABLE = {
    FieldKind.INTEGER: _l("Please type a whole number, for example 12 or 十二."),
    FieldKind.DATE: _l("This date could not be read. Type it as written, for example "
                       "民國三十七年五月十日, 1948年5月10日 or 1948-05-10."),
    FieldKind.SELECT: _l("Please choose one of the listed values."),
}


def check_value(spec: FieldSpec, value: str) -> Any:
    """The error message for one typed value, or None when it is acceptable.

    Blank is empty or one of the words the field declares blank (無, 不詳 ...). Integers
    and dates that cannot be read, and choices not in the list, are flagged by the
    normalizer. Invisible and direction-changing characters are clean_values()' business
    (crowdcat.text_safety), before this.
    """
    key, flagged = key_normalizer(spec)(value) if value.strip() else ("", False)
    if key == "":
        return _l("This field is required.") if spec.required else None
    if len(value) > MAX_LENGTH.get(spec.kind, DEFAULT_MAX_LENGTH):
        return _l("This is too long (at most %(n)d characters).",
                  n=MAX_LENGTH.get(spec.kind, DEFAULT_MAX_LENGTH))
    return _UNREADABLE.get(spec.kind) if flagged else None


def clean_values(specs: list[FieldSpec], raw: Mapping[str, Any]) -> dict[str, str]:
    """Validate typed values against the fields; return them trimmed or raise InvalidValues."""
    if not isinstance(raw, Mapping):
        raise InvalidValues({"values": _l("Values must be given as field: text pairs.")})
    if len(raw) > len(specs) + EXTRA_KEYS:
        raise InvalidValues({"values": _l(
            "Too many values were sent (%(keys)d for the %(fields)d fields of this page). "
            "Send one value per field.", fields=len(specs), keys=len(raw))})
    known = {spec.key for spec in specs}
    errors = _unknown_keys([key for key in raw if key not in known])
    cleaned: dict[str, str] = {}
    for spec in specs:
        text = _as_text(raw.get(spec.key))
        if text is None:
            errors[spec.key] = _l("Please type text here.")
            continue
        try:
            text = text_safety.clean(text, multiline=spec.kind == FieldKind.LONG_TEXT).strip()
        except text_safety.Refused as exc:
            errors[spec.key] = exc.message(text_safety.field_label(spec.labels, spec.key))
            continue
        message = check_value(spec, text)
        if message is not None:
            errors[spec.key] = message
        cleaned[spec.key] = text
    if errors:
        raise InvalidValues(errors)
    return cleaned


def _unknown_keys(unknown: list[Any]) -> dict[str, Any]:
    """The errors for keys that name no field: a few by name, the others counted."""
    if not unknown:
        return {}
    listed = [key for key in unknown
              if isinstance(key, str) and len(key) <= MAX_LISTED_KEY_LENGTH][:MAX_UNKNOWN_LISTED]
    errors: dict[str, Any] = dict.fromkeys(listed, _l("This page has no such field."))
    if len(listed) < len(unknown):
        errors["values"] = _l("Values naming no field of this page, not listed one by one: "
                              "%(n)d.", n=len(unknown) - len(listed))
    return errors


def _in_row(number: int, spec: FieldSpec, message: Any) -> Any:
    """A cell's message naming its row and column."""
    return _l("Row %(row)d, %(column)s: %(message)s", row=number,
              column=text_safety.field_label(spec.labels, spec.key), message=message)


def _typed_cell(spec: FieldSpec, value: Any) -> tuple[str, Any]:
    """One cell as typed, made safe and trimmed, with its refusal (None when acceptable)."""
    text = _as_text(value)
    if text is None:
        return "", _l("Please type text here.")
    try:
        return text_safety.clean(text, multiline=spec.kind == FieldKind.LONG_TEXT).strip(), None
    except text_safety.Refused as exc:
        return text, exc.message(text_safety.field_label(spec.labels, spec.key))


def clean_rows(specs: list[FieldSpec], raw: Any) -> tuple[list[dict[str, str]],
                                                          list[dict[str, str]]]:
    """Validate a list item's rows against its row fields: (rows as typed, rows resolved).

    Each cell is checked as clean_values() checks a field, after ditto marks (同上, 〃 ...)
    took the value of the row above (reconciliation.ditto); the typed rows keep the marks.
    Errors are keyed ``rows.<n>.<key>`` (n from 1) and name the row and the column.
    """
    if not isinstance(raw, list) or not all(isinstance(row, Mapping) for row in raw):
        raise InvalidValues({"rows": _l("Rows must be given as a list of field: text pairs.")})
    if not raw:
        raise InvalidValues({"rows": _l("Please key at least one row of the list.")})
    if len(raw) > MAX_ROWS:
        raise InvalidValues({"rows": _l("Too many rows (%(n)d); a list takes at most "
                                        "%(max)d.", n=len(raw), max=MAX_ROWS)})
    known = {spec.key for spec in specs}
    errors: dict[str, Any] = {}
    typed: list[dict[str, str]] = []
    for number, row in enumerate(raw, start=1):
        unknown = [key for key in row if key not in known]
        if unknown:
            errors[f"rows.{number}"] = _l("Row %(row)d names no column of this list: %(keys)s",
                                          row=number, keys=", ".join(map(str, unknown[:5])))
        cells: dict[str, str] = {}
        for spec in specs:
            cells[spec.key], message = _typed_cell(spec, row.get(spec.key))
            if message is not None:
                errors[f"rows.{number}.{spec.key}"] = _in_row(number, spec, message)
        typed.append(cells)
    resolved = ditto.resolve(typed)
    by_key = {spec.key: spec for spec in specs}
    for number, key in ditto.unresolved(resolved):
        errors.setdefault(f"rows.{number}.{key}", _in_row(number, by_key[key], _l(
            "A ditto mark repeats the value above, but there is none above to repeat.")))
    for number, row in enumerate(resolved, start=1):
        for spec in specs:
            name = f"rows.{number}.{spec.key}"
            message = None if name in errors else check_value(spec, row[spec.key])
            if message is not None:
                errors[name] = _in_row(number, spec, message)
    if errors:
        raise InvalidValues(errors)
    return typed, resolved
