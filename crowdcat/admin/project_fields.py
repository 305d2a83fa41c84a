"""Admin views: the field editor of a project."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crowdcat.admin import bp
from crowdcat.admin.project_forms import KIND_LABELS, FieldForm
from crowdcat.admin.projects import project_or_404, show_error
from crowdcat.auth.login import role_required
from crowdcat.extensions import db
from crowdcat.models import Role
from crowdcat.services.errors import NotFound, ServiceError
from crowdcat.services.projects import fields as project_fields
from crowdcat.services.projects.setup import keying_started
from crowdcat.unit_of_work import refused, unit_of_work


def _render(project, form, spec=None, status=200):  # noqa: ANN001, ANN202
    """The field editor page."""
    return render_template(
        "admin/projects/fields.html", project=project, form=form, editing=spec,
        kind_labels=KIND_LABELS, keying_started=keying_started(db.session, project),
    ), status


@bp.route("/projects/<slug>/fields", methods=["GET", "POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_fields_view(slug: str):
    """The fields in order, and a form to add one."""
    project = project_or_404(slug)
    form = FieldForm()
    if not form.is_submitted():
        form.keyed.data = True
        return _render(project, form)
    if form.validate():
        try:
            spec = project_fields.add_field(db.session, current_user, project, form.values())
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Field “%(key)s” added.", key=spec.key), "success")
            return redirect(url_for("admin.project_fields_view", slug=slug), 303)
    return _render(project_or_404(slug), form, status=422)


@bp.route("/projects/<slug>/fields/<int:field_id>", methods=["GET", "POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_field(slug: str, field_id: int):
    """Edit one field (within what keying so far allows)."""
    project = project_or_404(slug)
    spec = _field(project, field_id)
    form = FieldForm()
    if not form.is_submitted():
        form.fill(spec)
        return _render(project, form, spec)
    if form.validate():
        try:
            project_fields.update_field(db.session, current_user, spec, form.values())
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Field “%(key)s” saved.", key=spec.key), "success")
            return redirect(url_for("admin.project_fields_view", slug=slug), 303)
    project = project_or_404(slug)
    return _render(project, form, _field(project, field_id), status=422)


def _field(project, field_id):  # noqa: ANN001, ANN202
    """The project's field, or 404."""
    try:
        return project_fields.get_field(project, field_id)
    except NotFound:
        abort(404)


@bp.route("/projects/<slug>/fields/<int:field_id>/move", methods=["POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_field_move(slug: str, field_id: int):
    """Move a field up or down."""
    project = project_or_404(slug)
    spec = _field(project, field_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    project_fields.move_field(db.session, current_user, spec, offset)
    return redirect(url_for("admin.project_fields_view", slug=slug, _anchor=f"f{field_id}"), 303)


@bp.route("/projects/<slug>/fields/<int:field_id>/delete", methods=["POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_field_delete(slug: str, field_id: int):
    """Delete a field (refused once keying has started)."""
    project = project_or_404(slug)
    spec = _field(project, field_id)
    key = spec.key
    try:
        project_fields.delete_field(db.session, current_user, spec)
    except ServiceError as exc:
        flash(str(exc), "error")
        return refused(redirect(url_for("admin.project_fields_view", slug=slug), 303))
    flash(_("Field “%(key)s” deleted.", key=key), "success")
    return redirect(url_for("admin.project_fields_view", slug=slug), 303)
