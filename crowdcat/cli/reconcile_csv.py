"""The `reconcile-csv` command: offline reconciliation, needing no app or database."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm import tqdm

from crowdcat.services.reconciliation.offline_csv import ReconcileInputError, run


class _InputError(click.ClickException):
    """A user-fixable input problem: printed as "Error: ..." with exit code 2."""

    exit_code = 2


@click.command("reconcile-csv")
@click.argument("submissions", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--fields",
    "fields_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help='FIELDS.json: a list of {"key", "kind", ...options}.',
)
@click.option(
    "--agree", default=2, show_default=True, help="Agreeing submissions that decide a field."
)
@click.option(
    "--max", "maximum", default=5, show_default=True, help="Most submissions a page may get."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write one result row per page (per list row with a row column).",
)
def reconcile_csv(
    submissions: Path, fields_path: Path, agree: int, maximum: int, output: Path
) -> None:
    """Reconcile SUBMISSIONS.csv (item_id, volunteer_id, field, value) exported from another
    platform: one row per page with each field's value, status and votes, and the page verdict.

    Fields missing from FIELDS.json are compared as text; a volunteer's repeated rows for the same
    page and field are set aside (the first counts).

    List pages (卷內文件目錄, registers): add a row column (item_id, volunteer_id, row, field,
    value; row blank for the page's header fields). Rows are aligned across volunteers (by 順序號
    when all keyed it, else by 題名/title), ditto marks (同上, 〃) resolved, and one line is
    written per reconciled row, with the row counts and whether they agree.
    """
    # The bar is drawn only on a terminal (disable=None), so pipes and logs stay clean.
    with tqdm(total=0, unit="B", unit_scale=True, desc="reconcile", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            """Move the bar to ``done`` of ``total`` bytes."""
            bar.total = total
            bar.update(done - bar.n)

        try:
            summary = run(submissions, fields_path, output, agree, maximum, progress)
        except ReconcileInputError as exc:
            bar.close()
            raise _InputError(str(exc)) from exc
    click.echo(f"Wrote {output}")
    for line in summary.lines():
        click.echo(line)
