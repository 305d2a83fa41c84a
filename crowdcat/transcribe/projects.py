"""Project list and project page with instructions."""
from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from crowdcat.extensions import db
from crowdcat.models import OPEN_TO_CROWD, Project
from crowdcat.services.keying import stats as keying_stats
from crowdcat.transcribe import bp


def active_project(slug: str) -> Project:
    """The active project with this slug, or 404."""
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    if project is None or not OPEN_TO_CROWD.project_allows(project.status):
        abort(404)
    return project


@bp.route("/projects")
def projects():
    """Active projects with their progress."""
    return render_template("transcribe/projects.html", **keying_stats.active_projects(db.session))


@bp.route("/projects/<slug>")
def project(slug: str):
    """One project: description, instructions, progress and the start button."""
    found = active_project(slug)
    progress = keying_stats.progress(db.session, [found.id])[found.id]
    return render_template("transcribe/project.html", project=found, progress=progress)
