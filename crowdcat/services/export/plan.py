"""What a catalog export holds: its options and its columns, decided from the project's fields."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from crowdcat.models import Entry, FieldKind, FieldSpec, Item, Project
from crowdcat.services.errors import ServiceError
from crowdcat.services.export.cells import ReferenceFormat
from crowdcat.services.projects.snapshot import is_list_mode

FORMATS = ("csv", "jsonl")
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
LABELS = ("zh_Hant", "zh_Hans", "en", "keys")
DEFAULT_ENCODING = {"csv": "utf-8-sig", "jsonl": "utf-8"}
REFERENCE_KEY = "reference_code"
# The columns of an item's images (key = kind), written after the composed 檔號.
IMAGE_COLUMNS = ("first_image", "last_image", "image_count")

# Headers of the columns that are not project fields (translated into the chosen label language).
HEADERS = {
    "reference": _l("Reference code"),
    "date_iso": _l("%(label)s (ISO 8601)"),
    "status": _l("%(label)s: agreement"),
    "how": _l("%(label)s: how decided"),
    "first_image": _l("First image file name"),
    "last_image": _l("Last image file name"),
    "image_count": _l("Image count"),
    "item_sequence": _l("Item sequence"),
    "row": _l("List row"),
    "submissions": _l("Submissions"),
    "reviewer": _l("Reviewer"),
    "approved_at": _l("Approved at"),
}


@dataclass(frozen=True)
class ExportOptions:
    """How to export: format, encoding, safety, header language, provenance, approval dates."""

    format: str = "csv"
    encoding: str | None = None  # None: the format's default
    raw: bool = False
    labels: str = "zh_Hant"
    provenance: bool = False
    approved_from: date | None = None
    approved_to: date | None = None
    timezone: str = "UTC"  # the day boundaries of the date filter and the approved-at column

    def __post_init__(self) -> None:
        """Refuse options that make no export."""
        if self.format not in FORMATS:
            raise ServiceError(_l("Unknown export format."), field="format")
        if self.encoding is not None and self.encoding not in ENCODINGS:
            raise ServiceError(_l("Unknown encoding."), field="encoding")
        if self.format == "jsonl" and self.encoding not in (None, "utf-8"):
            raise ServiceError(_l("JSON Lines files are always UTF-8."), field="encoding")
        if self.labels not in LABELS:
            raise ServiceError(_l("Unknown header language."), field="labels")
        if self.approved_from and self.approved_to and self.approved_from > self.approved_to:
            raise ServiceError(_l("The start date is after the end date."), field="approved_to")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ServiceError(_l("Unknown time zone."), field="timezone") from exc

    @property
    def charset(self) -> str:
        """The encoding actually used."""
        return self.encoding or DEFAULT_ENCODING[self.format]

    @property
    def zone(self) -> ZoneInfo:
        """The time zone as an object."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Field:
    """What the export needs of a FieldSpec, copied so that no ORM object outlives the request."""

    key: str
    kind: FieldKind
    keyed: bool
    labels: dict[str, str]

    @classmethod
    def of(cls, spec: FieldSpec) -> Field:
        """Copy a project field."""
        return cls(spec.key, FieldKind(spec.kind), spec.keyed, dict(spec.labels or {}))

    def label(self, locale: str) -> str:
        """The label in `locale`, as FieldSpec.label."""
        return self.labels.get(locale) or self.labels.get("zh_Hant") or self.key


@dataclass(frozen=True)
class Column:
    """One column of the export: where its value comes from and how it is written.

    kind: "value" (a field value, text), "integer", "date" (as typed), "date_iso",
    "reference" (the composed 檔號), "first_image" and "last_image" (the original file names
    of the item's first and last images), "image_count", "sequence" (the item's), "row"
    (the entry's row in its item's list, list projects only), "status",
    "how" (the rule that decided the field, e.g. "normalized 3/3"), "submissions",
    "reviewer", "approved_at".
    """

    key: str                 # the CSV header with --labels keys
    kind: str
    label: str               # the CSV header in the chosen language
    field: str | None = None  # the field key, for field columns


@dataclass
class ExportPlan:
    """The columns of one export, in order, and how the 檔號 is composed."""

    columns: list[Column]
    reference: ReferenceFormat
    prefilled: frozenset[str]  # reference parts: blank values fall back to the item's prefill
    field_order: list[str] = field(default_factory=list)  # JSON keys of "fields", in order
    # List mode: one entry per listed row, exported in list order (item sequence, then row)
    # with a row column; otherwise one entry per item, in approval order.
    list_mode: bool = False

    def header(self, options: ExportOptions) -> list[str]:
        """The CSV header row: labels in the chosen language, or the keys."""
        if options.labels == "keys":
            return [c.key for c in self.columns]
        return [c.label for c in self.columns]


def _fixed(name: str, language: str, **values: str) -> str:
    """A translated header of a non-field column in `language`."""
    with force_locale(language):
        text = str(HEADERS[name])
    return text % values if values else text


def make_plan(project: Project, options: ExportOptions) -> ExportPlan:
    """Decide the columns of an export of `project` (reads the project now, once)."""
    fields = [Field.of(spec) for spec in project.fields]
    keys = {f.key for f in fields}
    language = "en" if options.labels == "keys" else options.labels
    composed = next((f for f in fields if f.kind == FieldKind.REFERENCE and not f.keyed), None)
    reference = ReferenceFormat(project.reference_format)
    columns: list[Column] = []
    # A project without a composed field gets an added 檔號 column first, if it has the parts.
    if composed is None and reference.names and set(reference.names) <= keys:
        key = REFERENCE_KEY if REFERENCE_KEY not in keys else "composed_reference"
        columns.append(Column(key, "reference", _fixed("reference", language)))
    for f in fields:
        label = f.label(language)
        if f is composed:
            columns.append(Column(f.key, "reference", label, f.key))
        elif f.kind == FieldKind.DATE:
            columns.append(Column(f.key, "date", label, f.key))
            columns.append(Column(f"{f.key}_iso", "date_iso",
                                  _fixed("date_iso", language, label=label), f.key))
        else:
            kind = "integer" if f.kind == FieldKind.INTEGER else "value"
            columns.append(Column(f.key, kind, label, f.key))
    # The item's images beside the 檔號 (after the fields when the export has no 檔號).
    images = [Column(name, name, _fixed(name, language)) for name in IMAGE_COLUMNS]
    at = next((i + 1 for i, c in enumerate(columns) if c.kind == "reference"), len(columns))
    columns[at:at] = images
    columns.append(Column("item_sequence", "sequence", _fixed("item_sequence", language)))
    list_mode = is_list_mode(project)
    if list_mode:
        columns.append(Column("row", "row", _fixed("row", language)))
    if options.provenance:
        keyed = [f for f in fields if f.keyed and f is not composed]
        columns += [Column(f"{f.key}_status", "status", _fixed("status", language,
                                                               label=f.label(language)), f.key)
                    for f in keyed]
        columns += [Column(f"{f.key}_how", "how", _fixed("how", language,
                                                         label=f.label(language)), f.key)
                    for f in keyed]
        columns += [Column(key, name, _fixed(name, language)) for key, name in (
            ("submission_count", "submissions"), ("reviewer", "reviewer"),
            ("approved_at", "approved_at"))]
    return ExportPlan(
        columns=columns,
        reference=reference,
        prefilled=frozenset(f.key for f in fields if f.kind == FieldKind.REFERENCE
                            or f.key in reference.names),
        field_order=[c.key for c in columns if c.kind in ("value", "integer", "date", "reference")],
        list_mode=list_mode,
    )


def order_keys(plan: ExportPlan, read: bool = False) -> tuple[sa.ColumnElement[Any], ...]:
    """The export's order, also its keyset: approval (time, id), or list order for a list
    project (item sequence, row: unique, an item's entries have distinct rows).

    read: as selected for the keyset (the approval time as stored: text on SQLite).
    """
    if plan.list_mode:
        return (Item.sequence, Entry.row)
    return (sa.type_coerce(Entry.reviewed_at, sa.String) if read else Entry.reviewed_at,
            Entry.id)
