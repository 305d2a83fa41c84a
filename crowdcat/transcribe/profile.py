"""The volunteer's own pages: profile with API tokens, and "My contributions"."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crowdcat.extensions import db
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.errors import ServiceError
from crowdcat.services.keying import contributions as contributions_diff
from crowdcat.services.keying import stats as keying_stats
from crowdcat.transcribe import bp
from crowdcat.unit_of_work import unit_of_work


def _profile(new_token: str | None = None, error: str | None = None, status: int = 200):
    """Render the profile page (a new token is shown once, in this response only)."""
    tokens = api_tokens.tokens_of(db.session, current_user)
    response = render_template("transcribe/profile.html", tokens=tokens, new_token=new_token,
                               error=error)
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/me")
@login_required
def profile():
    """Profile: account links and personal API tokens."""
    return _profile()


@bp.route("/me/tokens", methods=["POST"])
@unit_of_work
@login_required
def create_token():
    """Make a new API token and show it once."""
    try:
        _token, raw = api_tokens.create(db.session, current_user, request.form.get("name", ""))
    except ServiceError as exc:
        return _profile(error=str(exc), status=422)
    return _profile(new_token=raw)


@bp.route("/me/tokens/<int:token_id>/revoke", methods=["POST"])
@unit_of_work
@login_required
def revoke_token(token_id: int):
    """Revoke one of the volunteer's tokens."""
    try:
        api_tokens.revoke(db.session, current_user, token_id)
    except ServiceError:
        return _profile(error=_("There is no such token."), status=404)
    flash(_("The token was revoked; programs using it can no longer sign in."), "success")
    return redirect(url_for(".profile"), 303)


@bp.route("/me/contributions")
@login_required
def contributions():
    """Pages keyed, agreement with approved entries, time spent."""
    stats = keying_stats.contributions(db.session, current_user)
    differences = contributions_diff.differences(db.session, current_user)
    return render_template("transcribe/contributions.html", stats=stats, differences=differences)
