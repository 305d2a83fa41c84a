"""The export's old addresses under /admin: they moved to the review area (review/exports.py).

Export is a permission of reviewers and admins (Permission.EXPORT), and /admin is for admins
only; bookmarks and scripts that use the old addresses are sent on, query string and all.
"""
from __future__ import annotations

from flask import redirect, request, url_for

from crowdcat.admin import bp


def _moved(endpoint: str, slug: str):  # noqa: ANN202 - a redirect response
    """308 to the new address (the method and the query string kept)."""
    return redirect(url_for(endpoint, slug=slug, **request.args.to_dict(flat=False)), 308)


@bp.route("/projects/<slug>/export")
def export_form_moved(slug: str):
    """The export page moved to /review/<slug>/export."""
    return _moved("review.export_form", slug)


@bp.route("/projects/<slug>/export/download")
def export_download_moved(slug: str):
    """The download moved to /review/<slug>/export/download."""
    return _moved("review.export_download", slug)
