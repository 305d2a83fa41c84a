"""`crowdcat ocr PROJECT`: machine readings of a project's pages, with a progress bar."""
from __future__ import annotations

import sys
from collections.abc import Iterable

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from tqdm import tqdm

from crowdcat.extensions import db
from crowdcat.models import Image, Project
from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, ENGINES, EngineUnavailable, get_engine
from crowdcat.services.scans.storage import storage_for


class _Unreadable(click.ClickException):
    """Some pages gave no reading (exit status 1; the others were stored)."""

    exit_code = 1


def read_pages(project: Project, image_ids: Iterable[int], engine_name: str) -> list[str]:
    """Read the pages, committing after each (an interruption loses one page at most).

    Returns the names of the pages that could not be read (each printed with its reason).
    """
    try:
        engine = get_engine(engine_name)
    except EngineUnavailable as exc:
        raise click.ClickException(str(_l("The OCR engine cannot run here: %(reason)s",
                                          reason=str(exc)))) from exc
    storage = storage_for(current_app.config)
    ids = list(image_ids)
    failed = []
    with tqdm(total=len(ids), unit="page", desc=f"OCR {project.slug}", disable=None) as bar:
        for image_id in ids:
            page = db.session.get(Image, image_id)
            if page is not None and pipeline.may_read(project, page.item):
                row = pipeline.read_page(db.session, storage, page, engine)
                name = f"{page.item.sequence}/{page.position} ({page.original_name})"
                db.session.commit()
                if row.error:
                    failed.append(name)
                    tqdm.write(str(_l("Page %(page)s: %(reason)s", page=name, reason=row.error)),
                               file=sys.stderr)
            bar.update(1)
    return failed


@click.command("ocr")
@click.argument("project")
@click.option("--only-missing", is_flag=True,
              help="Leave out pages that already have a reading by this engine (a rerun "
                   "then continues an interrupted run).")
@click.option("--engine", "engine_name", type=click.Choice(sorted(ENGINES)),
              default=DEFAULT_ENGINE, show_default=True, help="The OCR engine.")
@with_appcontext
def ocr(project: str, only_missing: bool, engine_name: str) -> None:
    """Read the text of PROJECT's pages with OCR (offline), for keying and review hints.

    Restricted pages are read only if the project allows it; their text is shown to staff
    only. A page that cannot be read is named with its reason and skipped; the exit status
    is then 1.
    """
    target = db.session.scalar(select(Project).where(Project.slug == project))
    if target is None:
        raise click.ClickException(str(_l("No project with the address name %(slug)s.",
                                          slug=project)))
    ids = pipeline.pages_to_read(db.session, target, engine_name, only_missing=only_missing)
    failed = read_pages(target, ids, engine_name)
    click.echo(str(_l("%(read)d pages read; %(failed)d could not be read.",
                      read=len(ids) - len(failed), failed=len(failed))))
    if failed:
        raise _Unreadable(str(_l("%(n)d pages gave no text (reasons above).", n=len(failed))))


COMMANDS = (ocr,)
