"""Site-wide views."""
from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from crowdcat.config import LOCALES
from crowdcat.extensions import csrf, db
from crowdcat.i18n import LANG_COOKIE
from crowdcat.main import bp
from crowdcat.services.accounts import users as accounts
from crowdcat.services.keying import stats as keying_stats
from crowdcat.unit_of_work import unit_of_work

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
def index():
    """Home: what crowdcat is and the projects open for keying."""
    return render_template("main/index.html", **keying_stats.active_projects(db.session))


@bp.route("/lang/<code>", methods=["POST"])
@unit_of_work
def set_language(code: str):
    """Switch the UI language; remembered on the account and in a cookie."""
    if code not in LOCALES:
        abort(400)
    if current_user.is_authenticated:
        accounts.set_locale(db.session, current_user, code)
    back = request.form.get("next") or url_for("main.index")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("main.index")
    response = redirect(back)
    response.set_cookie(LANG_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@bp.route("/healthz")
@csrf.exempt
def healthz():
    """A trivial endpoint: load balancers' health check and the benchmarks' baseline."""
    return jsonify(status="ok")
