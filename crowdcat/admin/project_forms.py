"""Admin forms for projects, fields, page access and scan upload."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crowdcat.admin.text_forms import SafeTextForm
from crowdcat.models import Access, FieldKind, ProjectStatus
from crowdcat.services.scans.grouping import DEFAULT_PATTERN

STATUS_LABELS = {
    ProjectStatus.DRAFT: _l("Draft (hidden from volunteers)"),
    ProjectStatus.ACTIVE: _l("Active (open for keying)"),
    ProjectStatus.PAUSED: _l("Paused"),
    ProjectStatus.CLOSED: _l("Closed"),
}
KIND_LABELS = {
    FieldKind.TEXT: _l("Short text"),
    FieldKind.LONG_TEXT: _l("Long text"),
    FieldKind.INTEGER: _l("Integer"),
    FieldKind.DATE: _l("Date"),
    FieldKind.SELECT: _l("Select list"),
    FieldKind.REFERENCE: _l("Reference part"),
}
ACCESS_LABELS = {
    Access.OPEN: _l("Open (volunteers may key)"),
    Access.RESTRICTED: _l("Restricted (staff only)"),
}
TEMPLATE_LABELS = {
    "": _l("No fields yet (define them yourself)"),
    "republic_file_level": _l("Republic-era file-level catalog (民國檔案文件級目錄)"),
    "dat22_item_level": _l("DA/T 22 item-level catalog (歸檔文件整理規則 件級)"),
    "english_archival": _l("Simple English archival description"),
}
LIST_SPLIT = re.compile(r"[\n,，、;；]+")


class ProjectForm(SafeTextForm):
    """A project's settings."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Address name"), validators=[DataRequired(), Length(max=60)],
                       description=_l("Used in addresses: lower-case letters, digits, hyphens."))
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    instructions = TextAreaField(_l("Instructions for volunteers (Markdown)"),
                                 validators=[Length(max=50000)])
    status = SelectField(_l("Status"), choices=[(s.value, t) for s, t in STATUS_LABELS.items()])
    agree_needed = IntegerField(_l("Agreeing submissions needed"), default=2,
                                validators=[DataRequired(), NumberRange(1, 10)])
    max_submissions = IntegerField(_l("Most submissions per page"), default=5,
                                   validators=[DataRequired(), NumberRange(1, 50)])
    reservation_minutes = IntegerField(_l("Minutes a page stays reserved"), default=30,
                                       validators=[DataRequired(), NumberRange(1, 1440)])
    weighted_votes = BooleanField(_l("Weight votes by each volunteer's accuracy"))
    allow_self_review = BooleanField(_l("Reviewers may approve entries they keyed"))
    ocr_suggestions = BooleanField(_l("Show OCR suggestions beside the fields that have an "
                                      "extractor"))
    ocr_restricted = BooleanField(_l("OCR may read restricted items"))
    reference_format = StringField(_l("Reference code format"), validators=[Length(max=200)],
                                   default="{fonds_no}-{catalog_no}-{volume_no}-{item_no}")
    template = SelectField(_l("Field template"),
                           choices=[(k, v) for k, v in TEMPLATE_LABELS.items()],
                           default="republic_file_level")
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """The settings as service arguments."""
        return {
            "title": self.title.data.strip(), "slug": self.slug.data.strip().lower(),
            "description": self.description.data or "",
            "instructions": self.instructions.data or "",
            "status": ProjectStatus(self.status.data), "agree_needed": self.agree_needed.data,
            "max_submissions": self.max_submissions.data,
            "reservation_minutes": self.reservation_minutes.data,
            "weighted_votes": self.weighted_votes.data,
            "allow_self_review": self.allow_self_review.data,
            "ocr_suggestions": self.ocr_suggestions.data,
            "ocr_restricted": self.ocr_restricted.data,
            "reference_format": (self.reference_format.data or "").strip(),
        }


class FieldForm(SafeTextForm):
    """One catalog field."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)],
                      description=_l("Column name in the export, e.g. fonds_no."))
    kind = SelectField(_l("Kind"), choices=[(k.value, t) for k, t in KIND_LABELS.items()])
    label_zh_Hant = StringField(_l("Label (Traditional Chinese)"), validators=[Length(max=100)])
    label_zh_Hans = StringField(_l("Label (Simplified Chinese)"), validators=[Length(max=100)])
    label_en = StringField(_l("Label (English)"), validators=[Length(max=100)])
    help_zh_Hant = TextAreaField(_l("Help (Traditional Chinese)"), validators=[Length(max=1000)])
    help_zh_Hans = TextAreaField(_l("Help (Simplified Chinese)"), validators=[Length(max=1000)])
    help_en = TextAreaField(_l("Help (English)"), validators=[Length(max=1000)])
    required = BooleanField(_l("Required"))
    keyed = BooleanField(_l("Keyed by volunteers"), default=True)
    choices = TextAreaField(_l("Choices (one per line)"), validators=[Length(max=5000)])
    fold_variants = BooleanField(_l("Treat Traditional and Simplified characters as equal"))
    fold_forms = BooleanField(_l("Treat variant forms of a character as equal (爲/為, 着/著, "
                                 "裏/裡, 綫/線 …)"))
    fuzzy_threshold = IntegerField(_l("Group near-equal long text from similarity (50–100)"),
                                   validators=[Optional()])
    blank_values = StringField(_l("Values that mean “empty” (separated by commas)"),
                               validators=[Length(max=500)])
    default = StringField(_l("Default value"), validators=[Length(max=200)])
    page_count = BooleanField(_l("Count of pages: fill in the item’s number of scanned images "
                                 "(volunteers may change it)"))
    ocr_suggest = SelectField(_l("OCR suggestion"), default="", choices=[
        ("", _l("None")),
        ("doc_no", _l("Document number (…字第…號) from the first page")),
        ("date", _l("Date (民國…年…月…日) from the last lines of the last page")),
        ("title", _l("Title (after 事由 or 案由) from the first page"))])
    submit = SubmitField(_l("Save field"))

    def values(self) -> dict[str, Any]:
        """The field as service arguments."""
        return {
            "key": self.key.data.strip(), "kind": self.kind.data,
            "labels": {"zh_Hant": self.label_zh_Hant.data or "",
                       "zh_Hans": self.label_zh_Hans.data or "", "en": self.label_en.data or ""},
            "help": {"zh_Hant": self.help_zh_Hant.data or "",
                     "zh_Hans": self.help_zh_Hans.data or "", "en": self.help_en.data or ""},
            "required": self.required.data, "keyed": self.keyed.data,
            "choices": [c for c in (self.choices.data or "").splitlines() if c.strip()],
            "options": {"fold_variants": self.fold_variants.data,
                        "fold_forms": self.fold_forms.data,
                        "fuzzy_threshold": self.fuzzy_threshold.data,
                        "blank_values": LIST_SPLIT.split(self.blank_values.data or ""),
                        "default": self.default.data or "",
                        "page_count": self.page_count.data,
                        "ocr_suggest": self.ocr_suggest.data or ""},
        }

    def fill(self, spec: Any) -> None:
        """Show an existing field."""
        self.key.data, self.kind.data = spec.key, spec.kind.value
        for loc in ("zh_Hant", "zh_Hans", "en"):
            getattr(self, f"label_{loc}").data = spec.labels.get(loc, "")
            getattr(self, f"help_{loc}").data = spec.help.get(loc, "")
        self.required.data, self.keyed.data = spec.required, spec.keyed
        self.choices.data = "\n".join(spec.choices)
        self.fold_variants.data = bool(spec.options.get("fold_variants"))
        self.fold_forms.data = bool(spec.options.get("fold_forms"))
        self.fuzzy_threshold.data = spec.options.get("fuzzy_threshold")
        self.blank_values.data = ", ".join(spec.options.get("blank_values", []))
        self.default.data = spec.options.get("default", "")
        self.page_count.data = bool(spec.options.get("page_count"))
        self.ocr_suggest.data = spec.options.get("ocr_suggest", "")


class UploadForm(FlaskForm):
    """Scan files to import."""

    files = MultipleFileField(_l("Scan images (JPEG, PNG, TIFF, WebP)"))
    access = SelectField(_l("Access"), choices=[(a.value, t) for a, t in ACCESS_LABELS.items()])
    grouping = SelectField(_l("Items"), default="pattern", choices=[
        ("pattern", _l("Group pages into items by file name (reference and page number)")),
        ("each", _l("Each file is an item"))])
    pattern = StringField(_l("File-name pattern"), default=DEFAULT_PATTERN,
                          validators=[Optional(), Length(max=500)],
                          description=_l("A regular expression over the file name without "
                                         "extension, with a group named item and one named "
                                         "page: L002-001-0276-0015-0001.jpg is page 1 of item "
                                         "L002-001-0276-0015. Files that do not match are "
                                         "items of their own."))
    submit = SubmitField(_l("Import"))


class AccessForm(FlaskForm):
    """Change the access level of pages in bulk."""

    access = SelectField(_l("Set access to"),
                         choices=[(a.value, t) for a, t in ACCESS_LABELS.items()])
    scope = SelectField(_l("Pages"), choices=[("selected", _l("The pages ticked below")),
                                              ("all", _l("Every page of the project"))])
    submit = SubmitField(_l("Change access"))
