"""`crowdcat import` and `crowdcat import-manifest`: scans into a project, with a progress bar."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from tqdm import tqdm

from crowdcat.cli.ocr import read_pages
from crowdcat.extensions import db
from crowdcat.models import Access, Project
from crowdcat.services.errors import ServiceError
from crowdcat.services.ocr.engines import DEFAULT_ENGINE
from crowdcat.services.scans.ingest import REJECTED, Importer, Report, Source
from crowdcat.services.scans.sources import folder_sources, manifest_sources, read_metadata
from crowdcat.services.scans.storage import storage_for
from crowdcat.unit_of_work import unit_of_work

# Files per commit: an interruption loses at most one batch, and a rerun skips the rest.
BATCH = 20


class _BadFiles(click.ClickException):
    """Some files were not imported (exit status 1; the good ones were)."""

    exit_code = 1


def _project(slug: str) -> Project:
    """The project named on the command line."""
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(str(_l("No project with the address name %(slug)s.",
                                          slug=slug)))
    return project


def _run(project: Project, sources: list[Source], restricted: bool, ocr: bool = False) -> None:
    """Import with a progress bar, commit in batches, print bad files, fail if any.

    ocr: then read the new pages' text (crowdcat ocr), those OCR may read.
    """
    config = current_app.config
    importer = Importer(db.session, project, storage_for(config),
                        access=Access.RESTRICTED if restricted else Access.OPEN,
                        max_pixels=config["MAX_IMAGE_PIXELS"])
    with tqdm(total=len(sources), unit="file", desc=project.slug, disable=None) as bar:
        def progress(outcome) -> None:  # noqa: ANN001
            """Advance the bar; name a bad file at once, above the bar."""
            bar.update(1)
            if outcome.status == REJECTED:
                tqdm.write(f"{outcome.name}: {outcome.reason}", file=sys.stderr)

        # A commit per batch; on an error the command's unit of work rolls back the batch
        # under way, the batches already committed stay and a rerun skips them.
        report = importer.run(sources, batch=BATCH, commit=db.session.commit,
                              progress=progress)
    if ocr:
        read_pages(project, [pid for outcome in report.outcomes for pid in outcome.item_ids],
                   DEFAULT_ENGINE)
    _summary(report)


def _summary(report: Report) -> None:
    """Print the counts; exit non-zero when a file was not imported."""
    click.echo(str(_l("%(pages)d pages added from %(files)d files; %(skipped)d files already "
                      "imported; %(bad)d files not imported.", pages=report.pages,
                      files=report.count("imported"), skipped=report.count("skipped"),
                      bad=len(report.rejected))))
    if report.rejected:
        raise _BadFiles(str(_l("%(n)d files were not imported (reasons above).",
                               n=len(report.rejected))))


@click.command("import")
@click.argument("project")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--restricted", is_flag=True, help="Mark the pages restricted (staff only).")
@click.option("--metadata", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="CSV: a filename column and field columns (e.g. 全宗號, 目錄號, 案卷號) "
                   "whose values are pre-filled.")
@click.option("--ocr", is_flag=True, help="Then read the new pages' text with OCR (offline).")
@with_appcontext
@unit_of_work
def import_folder(project: str, folder: Path, restricted: bool, metadata: Path | None,
                  ocr: bool) -> None:
    """Import the image files of FOLDER into PROJECT, in natural file-name order.

    Files already in the project are skipped, so a rerun continues an interrupted import.
    Bad files are named with their reason; the exit status is then 1.
    """
    target = _project(project)
    try:
        prefill = read_metadata(metadata.read_bytes(), target) if metadata else {}
        sources = folder_sources(folder, current_app.config["IMPORT_MAX_FILE_MB"] * 2**20,
                                 prefill)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    _run(target, sources, restricted, ocr)


@click.command("import-manifest")
@click.argument("project")
@click.argument("manifest", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--restricted", is_flag=True, help="Mark the pages restricted (staff only).")
@click.option("--ocr", is_flag=True, help="Then read the new pages' text with OCR (offline).")
@with_appcontext
@unit_of_work
def import_manifest(project: str, manifest: Path, restricted: bool, ocr: bool) -> None:
    """Import the images of a IIIF Presentation 2 or 3 MANIFEST file into PROJECT, in its order.

    Images are files relative to the manifest or http(s) URLs (fetched with a timeout and
    a size cap).
    """
    target = _project(project)
    config = current_app.config
    try:
        sources = manifest_sources(manifest, timeout=config["IMPORT_FETCH_TIMEOUT"],
                                   max_bytes=config["IMPORT_MAX_FILE_MB"] * 2**20)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    _run(target, sources, restricted, ocr)


COMMANDS = (import_folder, import_manifest)
