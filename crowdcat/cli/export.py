"""`crowdcat export`: write a project's approved catalog entries to a CSV or JSON Lines file."""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Generator
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from tqdm import tqdm

from crowdcat.extensions import db
from crowdcat.models import Project
from crowdcat.services.errors import ServiceError
from crowdcat.services.export.plan import ENCODINGS, FORMATS, LABELS, ExportOptions
from crowdcat.services.export.writer import count_entries, export_stream
from crowdcat.services.reconciliation import facts as entry_facts
from crowdcat.unit_of_work import end, unit_of_work

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Read a YYYY-MM-DD option."""
    if value is None:
        return None
    with contextlib.suppress(ValueError):
        if _DAY.fullmatch(value):
            return date.fromisoformat(value)
    raise click.BadParameter(
        str(_l("%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2026-05-10.",
               value=value)), ctx, param)


def _write_atomically(target: Path, chunks: Generator[bytes, None, None], progress: tqdm) -> None:
    """Write chunks to a temporary file beside `target`, then rename it into place."""
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
            dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False)
    except OSError as exc:
        raise click.ClickException(str(_l("Cannot write to %(path)s: %(reason)s",
                                          path=str(target), reason=exc.strerror))) from exc
    try:
        with handle:
            for chunk in chunks:
                handle.write(chunk)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(handle.name, target)
    except BaseException:  # also Ctrl-C: never leave half a file behind
        chunks.close()  # ends the export's database transaction now
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise
    finally:
        progress.close()


def _restamp(project: Project, quiet: bool) -> None:
    """Stamp the facts the export reads on entries that lack them (rare, once; PostgreSQL).

    A commit per batch: memory and the transaction stay small, and an interruption keeps the
    batches done (a rerun goes on from there).
    """
    project_id = project.id
    if not entry_facts.needs_restamp(db.session, project_id):
        return
    with tqdm(total=entry_facts.count_stale(db.session, project_id), unit=" entries",
              desc=str(_l("Reading dates")), file=sys.stderr, disable=quiet,
              dynamic_ncols=True) as bar:
        after = 0
        while (batch := entry_facts.restamp_batch(db.session, project_id, after)) is not None:
            db.session.commit()
            after = batch.last_id
            bar.update(batch.read)


@click.command("export")
@click.argument("slug", metavar="PROJECT")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="CSV, or JSON Lines (one JSON object per entry, real types).")
@click.option("--encoding", type=click.Choice(ENCODINGS), default=None,
              help="CSV encoding: utf-8-sig (default; Excel reads Chinese right), utf-8, "
                   "gb18030. JSON Lines is always UTF-8.")
@click.option("--raw", is_flag=True,
              help="Keep every value as it is; by default text starting with = + - @ tab or "
                   "CR gets a leading ' so spreadsheets do not run it as a formula.")
@click.option("--labels", type=click.Choice(LABELS), default="zh_Hant", show_default=True,
              help="Language of the CSV header, or the field keys.")
@click.option("--provenance", is_flag=True,
              help="Add per-field agreement, number of submissions, reviewer, approval time.")
@click.option("--approved-from", callback=_day, metavar="YYYY-MM-DD",
              help="Only entries approved on or after this day.")
@click.option("--approved-to", callback=_day, metavar="YYYY-MM-DD",
              help="Only entries approved on or before this day.")
@click.option("-o", "--output", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
@unit_of_work
def export(slug: str, fmt: str, encoding: str | None, raw: bool, labels: str, provenance: bool,
           approved_from: date | None, approved_to: date | None, output: Path,
           quiet: bool) -> None:
    """Export the approved entries of PROJECT (its slug) to FILE, streaming in constant memory."""
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(str(_l("There is no project %(slug)s.", slug=slug)))
    try:
        options = ExportOptions(
            format=fmt, encoding=encoding, raw=raw, labels=labels, provenance=provenance,
            approved_from=approved_from, approved_to=approved_to,
            timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        )
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    _restamp(project, quiet)
    bar = tqdm(total=count_entries(db.session, project, options), unit=" entries",
               file=sys.stderr, disable=quiet, dynamic_ncols=True)
    written = [0]

    def progress(rows: int) -> None:
        written[0] += rows
        bar.update(rows)

    chunks = export_stream(db.engine, project, options, progress=progress)
    end(commit=False)  # nothing was written; the export reads in its own transaction
    _write_atomically(output, chunks, bar)
    click.echo(str(_l("Exported %(count)d entries to %(path)s.", count=written[0],
                      path=str(output))), err=True)


COMMANDS = (export,)
