"""The field editor: add, change, reorder and delete a project's catalog fields.

Before keying starts anything goes. Once a volunteer has submitted, only changes that
keep existing submissions meaningful are allowed: relabel, help, reorder, normalization
options, more select choices, an optional new field. Deleting a field, changing its key
or kind, dropping select choices, or making a field required is refused with the reason.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crowdcat.models import FieldKind, FieldSpec, Project, User
from crowdcat.services import audit
from crowdcat.services.errors import Conflict, NotFound, ServiceError
from crowdcat.services.ocr.suggestions import EXTRACTORS
from crowdcat.services.projects.setup import keying_started

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LOCALE_KEYS = ("zh_Hant", "zh_Hans", "en")
EDITABLE = ("key", "kind", "labels", "help", "required", "keyed", "choices", "options")
# How text values are compared (reconciliation.voting.FieldRule): absent = the kind's default.
COMPARISON_SWITCHES = ("loose", "contain")
# The kinds of field that may be prefilled with the item's number of images.
PAGE_COUNT_KINDS = (FieldKind.INTEGER, FieldKind.TEXT)


def _spec_dict(spec: FieldSpec) -> dict[str, Any]:
    """A field as plain values, for the audit trail."""
    return {"key": spec.key, "kind": spec.kind.value, "labels": dict(spec.labels),
            "help": dict(spec.help), "required": spec.required, "keyed": spec.keyed,
            "choices": list(spec.choices), "options": dict(spec.options),
            "position": spec.position}


def clean_options(options: dict[str, Any]) -> dict[str, Any]:
    """Field options, checked: fold_variants, fuzzy_threshold, blank_values, default, the
    text comparisons loose and contain (True, False, or absent: the kind's default), and
    page_count (the field is prefilled with the item's number of images) and ocr_suggest
    (the name of the OCR extractor whose value is shown beside the field: doc_no, date,
    title; services/ocr/suggestions)."""
    out: dict[str, Any] = {}
    if options.get("fold_variants"):
        out["fold_variants"] = True
    if options.get("page_count") in (True, "on"):
        out["page_count"] = True
    suggest = options.get("ocr_suggest") or ""
    if suggest:
        if suggest not in EXTRACTORS:
            raise ServiceError(_l("Choose one of the listed OCR suggestions."),
                               field="ocr_suggest")
        out["ocr_suggest"] = suggest
    if options.get("fold_forms") in (True, "on"):  # variant forms: reconciliation.variants
        out["fold_forms"] = True
    for name in COMPARISON_SWITCHES:
        value = options.get(name)
        if value in (True, "on"):
            out[name] = True
        elif value in (False, "off"):
            out[name] = False
    threshold = options.get("fuzzy_threshold")
    if threshold not in (None, ""):
        try:
            threshold = int(threshold)
        except (TypeError, ValueError):
            threshold = -1
        if not 50 <= threshold <= 100:
            raise ServiceError(_l("A similarity between 50 and 100, or empty."),
                               field="fuzzy_threshold")
        out["fuzzy_threshold"] = threshold
    blanks = [b.strip() for b in options.get("blank_values") or [] if b.strip()]
    if blanks:
        out["blank_values"] = blanks
    if (options.get("default") or "").strip():
        out["default"] = options["default"].strip()
    return out


def _check(project: Project, values: dict[str, Any], spec: FieldSpec | None) -> None:
    """Refuse a malformed field definition, naming the form field."""
    key = values.get("key", spec.key if spec else "")
    if not KEY.match(key or ""):
        raise ServiceError(_l("Lower-case letters, digits and _; starting with a letter."),
                           field="key")
    if any(f.key == key and f is not spec for f in project.fields):
        raise Conflict(_l("The project already has a field with this key."), field="key")
    labels = values.get("labels", spec.labels if spec else {})
    if not any((labels.get(loc) or "").strip() for loc in LOCALE_KEYS):
        raise ServiceError(_l("Give the field a label in at least one language."),
                           field="label_zh_Hant")
    kind = values.get("kind", spec.kind if spec else None)
    choices = values.get("choices", spec.choices if spec else [])
    if kind == FieldKind.SELECT and not choices:
        raise ServiceError(_l("A select field needs at least one choice."), field="choices")
    if len(set(choices)) != len(choices):
        raise ServiceError(_l("Each choice may appear only once."), field="choices")
    options = values.get("options", spec.options if spec else {}) or {}
    if options.get("page_count") and kind not in PAGE_COUNT_KINDS:
        raise ServiceError(_l("Only a number or text field can be filled in with the count of "
                              "pages."), field="page_count")


def add_field(session: Session, actor: User, project: Project, values: dict[str, Any]) -> FieldSpec:
    """Append a field (once keying has started, only an optional one)."""
    values = _normalized(values)
    _check(project, values, None)
    if values.get("required") and keying_started(session, project):
        raise Conflict(_l("Keying has started: a new field must be optional, because the "
                          "pages already keyed have no value for it."), field="required")
    spec = FieldSpec(position=len(project.fields), **({"help": {}, "choices": [], "options": {},
                                                        "required": False, "keyed": True}
                                                       | values))
    project.fields.append(spec)
    session.flush()
    audit.record(session, actor=actor, action="field.add", object_type="field",
                 object_id=spec.id, project_id=project.id, after=_spec_dict(spec))
    session.flush()
    return spec


def _normalized(values: dict[str, Any]) -> dict[str, Any]:
    """Only editable attributes, with options and labels cleaned."""
    values = {k: v for k, v in values.items() if k in EDITABLE}
    if "options" in values:
        values["options"] = clean_options(values["options"])
    if "labels" in values:
        values["labels"] = {k: v.strip() for k, v in values["labels"].items() if v and v.strip()}
    if "help" in values:
        values["help"] = {k: v.strip() for k, v in values["help"].items() if v and v.strip()}
    if "choices" in values:
        values["choices"] = [c.strip() for c in values["choices"] if c.strip()]
    if "kind" in values:
        values["kind"] = FieldKind(values["kind"])
    return values


def _refuse_after_keying(spec: FieldSpec, values: dict[str, Any]) -> None:
    """Changes that would make existing submissions wrong once keying has started."""
    if values.get("key", spec.key) != spec.key:
        raise Conflict(_l("Keying has started: the key cannot change, because submissions "
                          "store their values under it."), field="key")
    if values.get("kind", spec.kind) != spec.kind:
        raise Conflict(_l("Keying has started: the kind cannot change, because values already "
                          "keyed were checked and compared as the old kind."), field="kind")
    dropped = set(spec.choices) - set(values.get("choices", spec.choices))
    if dropped:
        raise Conflict(_l("Keying has started: choices cannot be removed (%(choices)s), because "
                          "volunteers may have chosen them. Add choices instead.",
                          choices="、".join(sorted(dropped))), field="choices")
    if values.get("required") and not spec.required:
        raise Conflict(_l("Keying has started: the field cannot become required, because "
                          "pages already keyed may have left it empty."), field="required")


def update_field(session: Session, actor: User, spec: FieldSpec,
                 values: dict[str, Any]) -> FieldSpec:
    """Change a field, within what keying so far allows."""
    given = values.get("options")
    values = _normalized(values)
    if isinstance(given, dict):
        # Comparison switches a form does not show are kept, not reset to the kind's default.
        for name in COMPARISON_SWITCHES:
            if name not in given and name in (spec.options or {}):
                values["options"][name] = spec.options[name]
    _check(spec.project, values, spec)
    if keying_started(session, spec.project):
        _refuse_after_keying(spec, values)
    before = _spec_dict(spec)
    for name, value in values.items():
        setattr(spec, name, value)
    session.flush()
    after = _spec_dict(spec)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit.record(session, actor=actor, action="field.update", object_type="field",
                     object_id=spec.id, project_id=spec.project_id,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
        session.flush()
    return spec


def move_field(session: Session, actor: User, spec: FieldSpec, offset: int) -> None:
    """Move a field up (-1) or down (+1) in the project's order."""
    fields = list(spec.project.fields)
    index = fields.index(spec)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(fields):
        return
    fields[index], fields[target] = fields[target], fields[index]
    for position, field in enumerate(fields):
        field.position = position
    session.flush()
    session.expire(spec.project, ["fields"])  # reload in the new order
    audit.record(session, actor=actor, action="field.move", object_type="field",
                 object_id=spec.id, project_id=spec.project_id,
                 before={"position": index}, after={"position": target})
    session.flush()


def delete_field(session: Session, actor: User, spec: FieldSpec) -> None:
    """Delete a field, only while nobody has keyed the project."""
    project = spec.project
    if keying_started(session, project):
        raise Conflict(_l("Keying has started: “%(label)s” cannot be deleted, because "
                          "submissions hold values for it. You can relabel it or change its "
                          "help instead.", label=spec.label("zh_Hant")))
    before, spec_id = _spec_dict(spec), spec.id
    project.fields.remove(spec)
    session.flush()
    for position, field in enumerate(project.fields):
        field.position = position
    audit.record(session, actor=actor, action="field.delete", object_type="field",
                 object_id=spec_id, project_id=project.id, before=before)
    session.flush()


def get_field(project: Project, field_id: int) -> FieldSpec:
    """A field of the project, or NotFound."""
    for spec in project.fields:
        if spec.id == field_id:
            return spec
    raise NotFound(_l("No such field."))
