"""The catalog export form (a GET form: downloading changes nothing, so it needs no CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField
from wtforms.validators import Optional

from crowdcat.i18n import LOCALE_NAMES


class DayField(DateField):
    """A YYYY-MM-DD date with our own, translated message."""

    def process_formdata(self, valuelist: list) -> None:  # type: ignore[override]
        """Read the date or explain the expected form."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Enter a date as YYYY-MM-DD, e.g. 2026-05-10.")) from exc


class ExportForm(FlaskForm):
    """What to export and how."""

    class Meta:
        csrf = False

    format = RadioField(_l("Format"), default="csv", choices=[
        ("csv", _l("CSV — for spreadsheets and archive management systems")),
        ("jsonl", _l("JSON Lines — one JSON object per entry, for programs")),
    ])
    encoding = SelectField(_l("Character encoding (CSV)"), default="utf-8-sig", choices=[
        ("utf-8-sig", _l("UTF-8 with BOM (opens correctly in Excel)")),
        ("utf-8", _l("UTF-8")),
        ("gb18030", _l("GB18030")),
    ])
    labels = SelectField(_l("Column headings"), default="zh_Hant", choices=[
        *LOCALE_NAMES.items(), ("keys", _l("Field keys (title, date…)")),
    ])
    raw = BooleanField(_l("Raw values: do not protect spreadsheets from formulas"))
    provenance = BooleanField(
        _l("Add provenance: agreement per field, submissions, reviewer, approval time"))
    approved_from = DayField(_l("Approved on or after"), validators=[Optional()])
    approved_to = DayField(_l("Approved on or before"), validators=[Optional()])
