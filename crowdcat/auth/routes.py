"""Account views: thin wrappers around crowdcat.services.accounts.users."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from crowdcat.auth import bp, throttle
from crowdcat.auth.forms import LoginForm, PasswordForm, SignupForm
from crowdcat.auth.login import stamp_login
from crowdcat.extensions import db, limiter
from crowdcat.services.accounts import login_throttle
from crowdcat.services.accounts import users as accounts
from crowdcat.services.accounts.login_throttle import LoginThrottle, Refusal, network_of
from crowdcat.services.errors import ServiceError
from crowdcat.unit_of_work import keep, unit_of_work


def _safe_next(target: str | None) -> str:
    """Only follow local redirect targets (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.index")


def _start_session(user, remember: bool = False) -> None:  # noqa: ANN001
    """Log a user in with a fresh session (no session fixation).

    "Keep me logged in" makes the session cookie outlive the browser (up to the absolute
    timeout); no remember-me cookie is set, so the idle and absolute timeouts always apply.
    """
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = remember
    stamp_login()
    login_user(user)


def _throttled(form: LoginForm, refusal: Refusal):  # noqa: ANN202
    """The log-in form again with why the attempt was refused: 429 and Retry-After."""
    form.password.errors.append(throttle.message(refusal))
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _login_failed(guard: LoginThrottle | None, email: str, network: str) -> bool:
    """Count a failed log-in; audit the account's slow-down or lock when one begins.

    True when an audit event was recorded: the refused log-in's answer keeps it.
    """
    if guard is None:
        return False
    failures, event = guard.failed(email, network)
    if event is not None and login_throttle.record(db.session, email, event, failures, network):
        return True
    if event is not None:
        current_app.logger.warning("%s for an unknown account from %s (%d failures)",
                                   event, network, failures)
    return False


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@unit_of_work
def signup():
    """Create a volunteer account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session,
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
                locale=request.cookies.get("crowdcat_lang") or None,
            )
        except ServiceError as exc:
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            _start_session(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", methods=["POST"])
@unit_of_work  # a rehashed password, if any
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    audited = False
    if form.validate_on_submit():
        guard, network = throttle.of(current_app), network_of(request.remote_addr)
        refusal = guard.check(form.email.data, network) if guard is not None else None
        if refusal is not None:
            return _throttled(form, refusal)
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail address or password."))
            audited = _login_failed(guard, form.email.data, network)
        else:
            if guard is not None:
                guard.succeeded(form.email.data, network)
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    answer = render_template("auth/login.html", form=form), 200 if not form.errors else 422
    return keep(answer) if audited else answer


@bp.route("/logout", methods=["POST"])
@unit_of_work
def logout():
    """Log out (POST only, so that a link on another site cannot do it) everywhere.

    The user's session token is rotated: every session cookie of theirs, on this browser and
    on any other, stops opening pages (one token per user names all their sessions).
    """
    if current_user.is_authenticated:
        accounts.end_sessions(db.session, current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@unit_of_work
@login_required
def password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session, current_user, form.current.data, form.password.data
            )
        except ServiceError as exc:
            getattr(form, exc.field or "password").errors.append(str(exc))
        else:
            _start_session(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422
