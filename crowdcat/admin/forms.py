"""Admin forms for users."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from crowdcat.models import Role

ROLE_LABELS = {
    Role.VOLUNTEER: _l("Volunteer"),
    Role.REVIEWER: _l("Reviewer"),
    Role.ADMIN: _l("Administrator"),
}


class RoleForm(FlaskForm):
    """Change a user's role."""

    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    submit = SubmitField(_l("Save"))


class AccountForm(FlaskForm):
    """Deactivate or reactivate an account (a button; the form carries the CSRF token)."""
