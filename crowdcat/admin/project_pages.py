"""Admin views: a project's pages, bulk access changes, one page's scan, scan upload."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crowdcat.admin import bp
from crowdcat.admin.project_forms import ACCESS_LABELS, AccessForm, UploadForm
from crowdcat.admin.projects import project_or_404
from crowdcat.auth.login import role_required
from crowdcat.extensions import db
from crowdcat.models import Access, Item, Role
from crowdcat.services.errors import ServiceError
from crowdcat.services.projects import setup as project_service
from crowdcat.services.scans import grouping
from crowdcat.services.scans.images import ImageRejected
from crowdcat.services.scans.ingest import IMPORTED, REJECTED, SKIPPED, Importer, Outcome
from crowdcat.services.scans.sources import batch_plan
from crowdcat.services.scans.storage import storage_for
from crowdcat.unit_of_work import keep, refused, unit_of_work

PER_PAGE = 100


def status_labels() -> dict[str, str]:
    """What happened to an uploaded file, in the user's language."""
    return {IMPORTED: _("Imported"), SKIPPED: _("Skipped"), REJECTED: _("Not imported")}


@bp.route("/projects/<slug>/pages")
@role_required(Role.ADMIN)
def project_pages(slug: str):
    """The items in order (filterable by access), each with its image count and first
    thumbnail, and the bulk access form."""
    project = project_or_404(slug)
    access = request.args.get("access", "")
    number = max(request.args.get("page", 1, type=int), 1)
    stmt = select(Item).where(Item.project_id == project.id)
    if access in (a.value for a in Access):
        stmt = stmt.where(Item.access == Access(access))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(Item.sequence).options(selectinload(Item.images))
                              .limit(PER_PAGE).offset((number - 1) * PER_PAGE)).all()
    return render_template("admin/projects/pages.html", project=project, pages=rows,
                           total=total, number=number, per_page=PER_PAGE, access=access,
                           form=AccessForm(), access_labels=ACCESS_LABELS)


@bp.route("/projects/<slug>/pages/access", methods=["POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_pages_access(slug: str):
    """Open or restrict the ticked pages, or all pages."""
    project = project_or_404(slug)
    form = AccessForm()
    if not form.validate_on_submit():
        abort(400)
    item_ids = None if form.scope.data == "all" else request.form.getlist("page", type=int)
    back = redirect(url_for("admin.project_pages", slug=slug,
                            access=request.args.get("access", "")), 303)
    try:
        count = project_service.set_access(db.session, current_user, project,
                                           Access(form.access.data), item_ids)
    except ServiceError as exc:
        flash(str(exc), "error")
        return refused(back)
    flash(_("Access changed for %(n)d pages.", n=count), "success")
    return back


@bp.route("/projects/<slug>/pages/<int:item_id>")
@role_required(Role.ADMIN)
def project_page(slug: str, item_id: int):
    """One page: its scan in the viewer and what the import knew about it."""
    project = project_or_404(slug)
    page = db.session.get(Item, item_id)
    if page is None or page.project_id != project.id:
        abort(404)
    return render_template("admin/projects/page.html", project=project, page=page,
                           access_labels=ACCESS_LABELS)


@bp.route("/projects/<slug>/import", methods=["GET", "POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_import(slug: str):
    """Upload scans: one file per request from the page's script, or all at once without it."""
    project = project_or_404(slug)
    form = UploadForm()
    if not form.is_submitted():
        return render_template("admin/projects/import.html", project=project, form=form)
    if not form.validate():
        abort(400)
    files = [f for f in request.files.getlist(form.files.name) if f and f.filename]
    if not files:
        form.files.errors = [_("Choose at least one image file.")]
        return render_template("admin/projects/import.html", project=project, form=form), 422
    limit = current_app.config["IMPORT_MAX_FILE_MB"] * 2**20
    try:
        plan = batch_plan([(f.filename, _reader(f, limit)) for f in files], _pattern(form))
    except ServiceError as exc:
        form.pattern.errors = [str(exc)]
        if request.accept_mimetypes.best == "application/json":
            return refused((jsonify(error={"message": str(exc)}), 422))
        return render_template("admin/projects/import.html", project=project, form=form), 422
    importer = Importer(db.session, project, storage_for(current_app.config),
                        access=Access(form.access.data),
                        max_pixels=current_app.config["MAX_IMAGE_PIXELS"], actor=current_user)
    importer.report.notes.extend(plan.notes)
    report = importer.run(plan.sources)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(files=[_as_json(o) for o in report.outcomes])
    status = 422 if report.rejected and not report.pages else 200
    # Kept even when every file was refused: the attempt stays in the audit trail.
    return keep((render_template("admin/projects/import_result.html", project=project,
                                 report=report, status_labels=status_labels()), status))


@bp.route("/projects/<slug>/import/preview", methods=["POST"])
@unit_of_work
@role_required(Role.ADMIN)
def project_import_preview(slug: str):
    """The items an upload of these file names would make (names only; nothing is saved)."""
    project_or_404(slug)
    form = UploadForm()
    if not form.validate():
        abort(400)
    names = [n for n in request.form.getlist("names") if n][:10_000]
    try:
        plan = batch_plan([(name, _never_read) for name in names], _pattern(form))
    except ServiceError as exc:
        return refused((jsonify(error={"message": str(exc)}), 422))
    return jsonify(items=[{"reference": reference, "pages": pages}
                          for reference, pages in plan.items()], notes=plan.notes)


def _never_read() -> bytes:
    """A preview reads no file."""
    raise AssertionError("a preview reads no file")


def _pattern(form: UploadForm):  # noqa: ANN202
    """The upload's grouping: the form's pattern (compiled), or None for an item per file."""
    if form.grouping.data == "each":
        return None
    return grouping.compile_pattern(form.pattern.data or None)


def _reader(upload, limit: int):  # noqa: ANN001, ANN202
    """Read an uploaded file, refusing one over the per-file limit."""
    def read() -> bytes:
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ImageRejected(_("The file is larger than %(mb)d MB.", mb=limit // 2**20))
        return data
    return read


def _as_json(outcome: Outcome) -> dict:
    """One file's outcome for the upload script."""
    return {"name": outcome.name, "status": outcome.status,
            "status_label": status_labels()[outcome.status], "pages": outcome.pages,
            "reason": outcome.reason, "item": outcome.item}
