"""`crowdcat demo`: load the demo project and accounts."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from crowdcat.demo import list_loader
from crowdcat.demo import loader as demo
from crowdcat.extensions import db
from crowdcat.services.scans.storage import storage_for
from crowdcat.unit_of_work import unit_of_work


def _print_logins() -> None:
    """Print the demo accounts and their passwords."""
    click.echo("Demo accounts (e-mail / password / role):")
    for email, _name, role, password in demo.ACCOUNTS:
        click.echo(f"  {email:<28} {password:<22} {role.value}")


@click.command("demo")
@click.option("--if-empty", is_flag=True,
              help="Load only when the database has no users and no projects.")
@with_appcontext
@unit_of_work  # all of the demo, or nothing
def load_demo(if_empty: bool) -> None:
    """Load the demo projects (30 Republic-era pages, 7 in-volume file lists) and accounts."""
    if not demo.is_empty(db.session):
        if if_empty:
            click.echo("The database is not empty; the demo was not loaded.")
            _print_logins()
            return
        raise click.ClickException("The database is not empty; load the demo into a new one.")
    summary = demo.load_demo(db.session, storage_for(current_app.config))
    stages = ", ".join(f"{name} {count}" for name, count in summary.stages.items())
    click.echo(f"Loaded the demo project '{demo.SLUG}': {summary.pages} pages ({stages}).")
    stages = ", ".join(f"{name} {count}" for name, count in summary.list_stages.items())
    click.echo(f"Loaded the list project '{list_loader.SLUG}': {summary.list_pages} list pages "
               f"of {summary.list_rows} files ({stages}).")
    _print_logins()


COMMANDS = (load_demo,)
