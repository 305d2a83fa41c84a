"""Keying commands: re-reconcile items, make API tokens."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from tqdm import tqdm

from crowdcat.extensions import db
from crowdcat.models import Project, User
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.errors import ServiceError
from crowdcat.services.reconciliation import entries, rereconcile
from crowdcat.unit_of_work import unit_of_work


@click.command("reconcile")
@click.option("--project", "slug", default=None, help="Only this project (its slug).")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000),
              help="Items reconciled per transaction.")
@with_appcontext
@unit_of_work  # and a commit per batch: an interruption keeps the batches done
def reconcile(slug: str | None, batch_size: int) -> None:
    """Re-reconcile every item with submissions whose entry is not yet approved or rejected
    (for example after a rule change), and say how many field decisions changed."""
    projects = select(Project).order_by(Project.id)
    if slug is not None:
        projects = projects.where(Project.slug == slug)
    found = db.session.scalars(projects).all()
    if slug is not None and not found:
        raise click.ClickException(f"No project with the slug {slug!r}.")
    for project in found:
        rules = entries.rules_for(project)
        done = rereconcile.Run(kept=rereconcile.count_reviewed(db.session, project))
        last_id: int | None = 0
        with tqdm(total=rereconcile.count_pending(db.session, project), desc=project.slug,
                  unit="item") as bar:
            while last_id is not None:
                batch, last_id = rereconcile.rereconcile_batch(
                    db.session, project, rules, last_id, batch_size)
                done.add(batch)
                db.session.commit()  # one transaction per batch
                bar.update(batch.items)
        rereconcile.record_run(db.session, project, done)
        click.echo(f"{project.slug}: {done.items} items reconciled again, {done.changed} field "
                   f"decisions changed, {done.moved} entries changed status; {done.kept} "
                   "approved or rejected entries left as reviewed.")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="A name to recognise the token by.")
@with_appcontext
@unit_of_work
def create_token(email: str, name: str) -> None:
    """Make a personal API token for the account EMAIL and print it (shown only once)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email!r}.")
    try:
        _token, raw = api_tokens.create(db.session, user, name or "cli")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(raw)


COMMANDS = (reconcile, create_token)
