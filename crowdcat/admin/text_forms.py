"""The base of every admin form that takes text: crowdcat.text_safety's rule applied."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from crowdcat import text_safety


class SafeTextForm(FlaskForm):
    """A form whose text is kept by crowdcat.text_safety's rule once the validators pass.

    Characters the rule drops are removed from the field's data; a refused one is an error
    on its field naming the character. Text areas keep their lines (as line feeds); every
    other text field takes one line.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        """The validators, then the text rule on every text field."""
        valid = super().validate(extra_validators)
        for field in self:
            if (not isinstance(field, StringField)
                    or isinstance(field, HiddenField | PasswordField)
                    or not isinstance(field.data, str)):
                continue
            try:
                field.data = text_safety.clean(field.data,
                                               multiline=isinstance(field, TextAreaField))
            except text_safety.Refused as exc:
                field.errors = [*field.errors, exc.message(field.label.text)]
                valid = False
        return valid
