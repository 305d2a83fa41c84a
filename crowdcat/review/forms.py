"""Forms of the review screen (the approve form's fields depend on the project: see screen.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from crowdcat.review.labels import REJECT_LABELS
from crowdcat.services.review.decisions import MAX_EXTRA, MAX_REASON

_reason_length = Length(
    max=MAX_REASON, message=_l("Please keep the reason under %(n)d characters.", n=MAX_REASON)
)


class SendBackForm(FlaskForm):
    """Send an entry back for more keying."""

    reason = TextAreaField(_l("Why more keying is needed"),
                           [DataRequired(_l("Please give a reason.")), _reason_length])
    extra = IntegerField(_l("More submissions wanted"), default=1, validators=[
        DataRequired(_l("Ask for 1 to %(n)d more submissions.", n=MAX_EXTRA)),
        NumberRange(1, MAX_EXTRA, _l("Ask for 1 to %(n)d more submissions.", n=MAX_EXTRA)),
    ])


class RejectForm(FlaskForm):
    """Mark an entry as not a catalog entry."""

    why = SelectField(_l("Why this is not a catalog entry"),
                      choices=list(REJECT_LABELS.items()))
    note = TextAreaField(_l("Note (optional)"), [_reason_length])


class ReopenForm(FlaskForm):
    """Put a decided entry back into review."""

    reason = TextAreaField(_l("Why the entry is reopened"),
                           [DataRequired(_l("Please give a reason.")), _reason_length])
