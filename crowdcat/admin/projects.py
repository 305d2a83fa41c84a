"""Admin views for projects: list with progress, create, edit, the project page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from crowdcat.admin import bp
from crowdcat.admin.project_forms import STATUS_LABELS, TEMPLATE_LABELS, ProjectForm
from crowdcat.auth.login import role_required
from crowdcat.extensions import db
from crowdcat.models import Access, Item, Project, Role
from crowdcat.services.errors import ServiceError
from crowdcat.services.projects import setup as project_service
from crowdcat.services.projects.instructions import render_markdown
from crowdcat.services.projects.progress import STAGES, project_progress
from crowdcat.services.reconciliation import rereconcile
from crowdcat.services.reconciliation.field_agreement import field_agreement
from crowdcat.unit_of_work import end, unit_of_work


def stage_labels() -> dict[str, str]:
    """The stage names of the progress chart, in the user's language."""
    return {"new": _("Not yet keyed"), "keying": _("Keying"), "review": _("Awaiting review"),
            "conflict": _("Conflict"), "approved": _("Approved"),
            "rejected": _("Not a catalog entry")}


def project_or_404(slug: str) -> Project:
    """The project with this address name, or 404."""
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        abort(404)
    return project


def show_error(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service refusal on its form field, or flash it.

    What the refused request changed is rolled back now, so that the page shows what is
    stored (the form keeps what the admin typed).
    """
    end(commit=False)
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(exc)] if isinstance(target.errors, list) \
            else [str(exc)]
    else:
        flash(str(exc), "error")


@bp.route("/projects")
@role_required(Role.ADMIN)
def projects():
    """Every project with its progress."""
    rows = db.session.scalars(select(Project).order_by(Project.created_at.desc())).all()
    progress = project_progress(db.session, [p.id for p in rows])
    return render_template("admin/projects/list.html", projects=rows, progress=progress,
                           stages=STAGES, stage_labels=stage_labels(),
                           status_labels=STATUS_LABELS)


@bp.route("/projects/new", methods=["GET", "POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_new():
    """Create a project from a field template."""
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = project_service.create_project(
                db.session, current_user, form.values(), template=form.template.data or None)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Project “%(title)s” created.", title=project.title), "success")
            return redirect(url_for("admin.project", slug=project.slug), 303)
    status = 422 if form.errors or form.is_submitted() else 200
    return render_template("admin/projects/form.html", form=form, project=None,
                           templates=TEMPLATE_LABELS), status


AGREEMENT_LABELS = {
    "unanimous": _l("Unanimous"), "majority": _l("Majority"),
    "conflict": _l("Conflict"), "blank": _l("Blank"),
}


@bp.route("/projects/<slug>")
@role_required(Role.ADMIN)
def project(slug: str):
    """A project: settings, progress, instructions as volunteers see them, actions."""
    project = project_or_404(slug)
    progress = project_progress(db.session, [project.id])[project.id]
    restricted = db.session.scalar(select(func.count()).where(
        Item.project_id == project.id, Item.access == Access.RESTRICTED))
    agreement, sampled = field_agreement(db.session, project)
    return render_template(
        "admin/projects/project.html", project=project, progress=progress, stages=STAGES,
        agreement=agreement, agreement_sampled=sampled, agreement_labels=AGREEMENT_LABELS,
        fields_by_key={spec.key: spec for spec in project.fields},
        stage_labels=stage_labels(), status_labels=STATUS_LABELS, restricted=restricted,
        instructions=render_markdown(project.instructions),
        keying_started=project_service.keying_started(db.session, project),
        last_rereconcile=rereconcile.last_run(db.session, project),
    )


@bp.route("/projects/<slug>/edit", methods=["GET", "POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_edit(slug: str):
    """Change a project's settings."""
    project = project_or_404(slug)
    form = ProjectForm(obj=project)
    if not form.is_submitted():
        form.status.data = project.status.value
    if form.validate_on_submit():
        try:
            project_service.update_project(db.session, current_user, project, form.values())
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("admin.project", slug=project.slug), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/projects/form.html", form=form, project=project,
                           templates=TEMPLATE_LABELS), status
