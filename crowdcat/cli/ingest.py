"""`crowdcat import` and `crowdcat import-manifest`: scans into a project's items, with a
progress bar."""
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
from crowdcat.services.scans import grouping
from crowdcat.services.scans.ingest import REJECTED, Importer, Report
from crowdcat.services.scans.manifests import manifest_plan
from crowdcat.services.scans.sources import Plan, folder_plan, read_metadata
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


def _warn(text: str) -> None:
    """A warning line on standard error (above the progress bar while it runs)."""
    tqdm.write(str(_l("Warning: %(text)s", text=text)), file=sys.stderr)


def _preview(plan: Plan) -> None:
    """Print the items a plan makes and their pages (nothing is imported)."""
    items = plan.items()
    for reference, names in items:
        click.echo(f"{reference}: " + str(_l("%(n)d pages", n=len(names))))
        for number, name in enumerate(names, start=1):
            click.echo(f"  {number}. {name}")
    for note in plan.notes:
        _warn(note)
    click.echo(str(_l("%(items)d items of %(files)d files; nothing was imported (dry run).",
                      items=len(items), files=len(plan.sources))))


def _run(project: Project, plan: Plan, restricted: bool, ocr: bool = False) -> None:
    """Import with a progress bar, commit in batches, print bad files, fail if any.

    ocr: then read the new pages' text (crowdcat ocr), those OCR may read.
    """
    config = current_app.config
    importer = Importer(db.session, project, storage_for(config),
                        access=Access.RESTRICTED if restricted else Access.OPEN,
                        max_pixels=config["MAX_IMAGE_PIXELS"])
    importer.report.notes.extend(plan.notes)
    for note in plan.notes:
        _warn(note)
    sources = plan.sources
    with tqdm(total=len(sources), unit="file", desc=project.slug, disable=None) as bar:
        def progress(outcome) -> None:  # noqa: ANN001
            """Advance the bar; name a bad file at once, above the bar."""
            bar.update(1)
            if outcome.status == REJECTED:
                where = " (" + str(_l("item %(item)s", item=outcome.item)) + ")" \
                    if outcome.item else ""
                tqdm.write(f"{outcome.name}{where}: {outcome.reason}", file=sys.stderr)

        # A commit per batch; on an error the command's unit of work rolls back the batch
        # under way, the batches already committed stay and a rerun skips them.
        report = importer.run(sources, batch=BATCH, commit=db.session.commit,
                              progress=progress)
    if ocr:
        read_pages(project, [i for outcome in report.outcomes for i in outcome.image_ids],
                   DEFAULT_ENGINE)
    _summary(report)


def _summary(report: Report) -> None:
    """Print the counts; exit non-zero when a file was not imported."""
    for item in report.incomplete:
        _warn(str(_l("item %(item)s lacks the pages of the files not imported.", item=item)))
    click.echo(str(_l("%(images)d images added to %(items)d items from %(files)d files; "
                      "%(skipped)d files already imported; %(bad)d files not imported.",
                      images=report.pages, items=report.items,
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
              help="CSV: a filename column, field columns (e.g. 全宗號, 目錄號, 案卷號) whose "
                   "values are pre-filled, and optionally an item column (item or 件) naming "
                   "the item each file belongs to.")
@click.option("--pattern", default=grouping.DEFAULT_PATTERN, show_default=True,
              help="How the folder's own files are grouped into items: a regular expression "
                   "over the file name without extension, with a group named item and one "
                   "named page (e.g. L002-001-0276-0015-0001.jpg is page 1 of item "
                   "L002-001-0276-0015). Files that do not match are items of their own.")
@click.option("--one-item-per-file", is_flag=True,
              help="Do not group the folder's own files: each is an item.")
@click.option("--dry-run", is_flag=True,
              help="Show the items and their pages, import nothing.")
@click.option("--ocr", is_flag=True, help="Then read the new pages' text with OCR (offline).")
@with_appcontext
@unit_of_work
def import_folder(project: str, folder: Path, restricted: bool, metadata: Path | None,
                  pattern: str, one_item_per_file: bool, dry_run: bool, ocr: bool) -> None:
    """Import the image files of FOLDER into PROJECT as items (件) of pages.

    Each sub-folder of FOLDER is an item of its files in natural name order; FOLDER's own
    files are grouped by --pattern (or by the metadata CSV's item column). A multi-page TIFF
    is an item. A page number missing from an item is reported. Files already in the project
    are skipped, so a rerun continues an interrupted import. Bad files are named with their
    reason; the exit status is then 1.
    """
    target = _project(project)
    try:
        compiled = None if one_item_per_file else grouping.compile_pattern(pattern)
        table = read_metadata(metadata.read_bytes(), target) if metadata else None
        plan = folder_plan(folder, current_app.config["IMPORT_MAX_FILE_MB"] * 2**20, table,
                           compiled)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    if dry_run:
        _preview(plan)
        return
    _run(target, plan, restricted, ocr)


@click.command("import-manifest")
@click.argument("project")
@click.argument("manifest", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--restricted", is_flag=True, help="Mark the pages restricted (staff only).")
@click.option("--dry-run", is_flag=True,
              help="Show the items and their pages, import nothing.")
@click.option("--ocr", is_flag=True, help="Then read the new pages' text with OCR (offline).")
@with_appcontext
@unit_of_work
def import_manifest(project: str, manifest: Path, restricted: bool, dry_run: bool,
                    ocr: bool) -> None:
    """Import the images of a IIIF Presentation 2 or 3 MANIFEST file into PROJECT, in its order.

    The manifest is one item, or one item per range when it has ranges (structures). Images
    are files relative to the manifest or http(s) URLs (fetched with a timeout and a size cap).
    """
    target = _project(project)
    config = current_app.config
    try:
        plan = manifest_plan(manifest, timeout=config["IMPORT_FETCH_TIMEOUT"],
                             max_bytes=config["IMPORT_MAX_FILE_MB"] * 2**20)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    if dry_run:
        _preview(plan)
        return
    _run(target, plan, restricted, ocr)


COMMANDS = (import_folder, import_manifest)
