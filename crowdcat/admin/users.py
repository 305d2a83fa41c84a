"""Admin views for users and roles."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from crowdcat.admin import bp
from crowdcat.admin.forms import ROLE_LABELS, AccountForm, RoleForm
from crowdcat.auth.login import role_required
from crowdcat.extensions import db
from crowdcat.models import Role, User
from crowdcat.services.accounts import users as accounts
from crowdcat.services.errors import ServiceError
from crowdcat.unit_of_work import refused, unit_of_work

PER_PAGE = 50


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    """List users (searchable by e-mail or name) with their roles."""
    query = request.args.get("q", "").strip()[:100]
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(User)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(User.email.like(like) | func.lower(User.display_name).like(like))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(User.created_at.desc(), User.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    forms = {u.id: RoleForm(role=u.role.value, prefix=f"u{u.id}") for u in rows}
    return render_template(
        "admin/users.html", users=rows, forms=forms, total=total, page=page,
        per_page=PER_PAGE, query=query, role_labels=ROLE_LABELS,
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@unit_of_work
@role_required(Role.ADMIN)
def set_role(user_id: int):
    """Change one user's role."""
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash(_("Unknown role."), "error")
        return redirect(url_for("admin.users")), 303
    back = redirect(url_for("admin.users", q=request.args.get("q", ""))), 303
    try:
        accounts.set_role(db.session, user, Role(form.role.data), actor=current_user)
    except ServiceError as exc:
        flash(str(exc), "error")
        return refused(back)
    flash(_("%(name)s is now: %(role)s.", name=user.display_name,
            role=ROLE_LABELS[user.role]), "success")
    return back


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@unit_of_work
@role_required(Role.ADMIN)
def deactivate(user_id: int):
    """Deactivate an account: its sessions and API tokens stop at once; its work stays."""
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@unit_of_work
@role_required(Role.ADMIN)
def reactivate(user_id: int):
    """Let a deactivated account log in again."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):  # noqa: ANN202
    """Deactivate or reactivate, say what happened, and go back to the list."""
    user = db.session.get(User, user_id) or abort(404)
    if not AccountForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("admin.users", q=request.args.get("q", ""))), 303
    try:
        accounts.set_active(db.session, user, active, actor=current_user._get_current_object())
    except ServiceError as exc:
        flash(str(exc), "error")
        return refused(back)
    if active:
        flash(_("%(name)s can log in again.", name=user.display_name), "success")
    else:
        flash(_("%(name)s is deactivated: logged out everywhere, API tokens stopped. "
                "Their submissions stay.", name=user.display_name), "success")
    return back
