"""Forms for accounts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

_required = DataRequired(message=_l("This field is required."))


class SignupForm(FlaskForm):
    """Sign up as a volunteer."""

    display_name = StringField(_l("Name shown to others"), [_required, Length(max=80)])
    email = EmailField(_l("E-mail address"), [_required, Length(max=254)])
    password = PasswordField(_l("Password"), [_required, Length(max=200)])
    confirm = PasswordField(
        _l("Password again"),
        [_required, EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Sign up"))


class LoginForm(FlaskForm):
    """Log in."""

    email = EmailField(_l("E-mail address"), [_required, Length(max=254)])
    password = PasswordField(_l("Password"), [_required, Length(max=200)])
    remember = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log in"))


class PasswordForm(FlaskForm):
    """Change one's password."""

    current = PasswordField(_l("Current password"), [_required])
    password = PasswordField(_l("New password"), [_required, Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        [_required, EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))
