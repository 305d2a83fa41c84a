"""Catalog export from the web: the form, and the streamed download.

Who may export is a permission, Permission.EXPORT (models/user.py; README: Roles and
permissions): reviewers and admins. So the pages live in the review area, beside the queue
of the entries an export is made of: /review/<slug>/export. The old /admin/projects/<slug>/
export addresses redirect here (crowdcat/admin/exports.py).
"""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import select

from crowdcat.auth.login import permission_required
from crowdcat.extensions import db
from crowdcat.models import Project
from crowdcat.models.user import Permission
from crowdcat.review import bp
from crowdcat.review.export_forms import ExportForm
from crowdcat.services import audit
from crowdcat.services.errors import ServiceError
from crowdcat.services.export.plan import ExportOptions
from crowdcat.services.export.writer import count_entries, export_stream
from crowdcat.unit_of_work import unit_of_work

MIMETYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}
# Characters that file systems or the header syntax do not take in a file name.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')


def _project(slug: str) -> Project:
    """The project with this slug, or 404."""
    return db.session.scalar(select(Project).where(Project.slug == slug)) or abort(404)


def _timezone() -> str:
    """The archive's time zone: approval dates are whole days there."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _options(form: ExportForm) -> ExportOptions | None:
    """Options from a valid form, else None with the errors on the form's fields."""
    if not form.validate():
        return None
    fmt = form.format.data
    try:
        return ExportOptions(
            format=fmt, encoding=form.encoding.data if fmt == "csv" else None,
            raw=form.raw.data, labels=form.labels.data, provenance=form.provenance.data,
            approved_from=form.approved_from.data, approved_to=form.approved_to.data,
            timezone=_timezone(),
        )
    except ServiceError as exc:
        target = form[exc.field] if exc.field and exc.field in form else form.format
        target.errors = [*target.errors, str(exc)]
        return None


def content_disposition(project: Project, options: ExportOptions) -> str:
    """attachment; an ASCII file name, and the Chinese title per RFC 5987 / RFC 6266."""
    day = datetime.now(ZoneInfo(options.timezone)).strftime("%Y%m%d")
    extension = options.format
    fallback = f"{project.slug}-{day}.{extension}"
    title = _UNSAFE_NAME.sub("_", project.title).strip(" ._") or project.slug
    utf8 = quote(f"{title}-{day}.{extension}", safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{utf8}"


def _render_form(project: Project, form: ExportForm, status: int = 200):
    """The export page."""
    total = count_entries(db.session, project, ExportOptions(timezone=_timezone()))
    return render_template("review/export.html", project=project, form=form, total=total), status


@bp.route("/<slug>/export")
@permission_required(Permission.EXPORT)
def export_form(slug: str):
    """The export page of a project: what to export and how."""
    return _render_form(_project(slug), ExportForm(formdata=None))


@bp.route("/<slug>/export/download")
@unit_of_work  # the audit event, committed before the file streams
@permission_required(Permission.EXPORT)
def export_download(slug: str):
    """Stream the export file; a bad form comes back with its errors (422)."""
    project = _project(slug)
    form = ExportForm(formdata=request.args)
    options = _options(form)
    if options is None:
        return _render_form(project, form, 422)
    audit.record(db.session, actor=current_user, action="export", object_type="project",
                 object_id=project.id, project_id=project.id, after={
                     "format": options.format, "encoding": options.charset, "raw": options.raw,
                     "provenance": options.provenance,
                     "approved_from": str(options.approved_from or ""),
                     "approved_to": str(options.approved_to or "")})
    headers = {
        "Content-Disposition": content_disposition(project, options),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    charset = "utf-8" if options.charset == "utf-8-sig" else options.charset
    mimetype = f"{MIMETYPES[options.format]}; charset={charset}"
    if options.format == "csv":
        mimetype += "; header=present"
    # Reads the project's fields now; the rows later, in a connection of its own.
    chunks = export_stream(db.engine, project, options)
    return Response(stream_with_context(chunks), content_type=mimetype, headers=headers)
