"""Account views: thin wrappers around crowdcat.services.accounts.users."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from crowdcat.auth import bp
from crowdcat.auth.forms import LoginForm, PasswordForm, SignupForm
from crowdcat.extensions import db, limiter
from crowdcat.services.accounts import users as accounts
from crowdcat.services.errors import ServiceError


def _safe_next(target: str | None) -> str:
    """Only follow local redirect targets (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.index")


def _start_session(user, remember: bool = False) -> None:  # noqa: ANN001
    """Log a user in with a fresh session (no session fixation)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
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
            db.session.rollback()
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", methods=["POST"])
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail address or password."))
        else:
            db.session.commit()  # a rehashed password, if any
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST only, so that a link on another site cannot do it)."""
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
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
            db.session.rollback()
            getattr(form, exc.field or "password").errors.append(str(exc))
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422
