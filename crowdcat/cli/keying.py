"""Keying commands: re-reconcile pages, make API tokens."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from tqdm import tqdm

from crowdcat.extensions import db
from crowdcat.models import Item, Project, Submission, User
from crowdcat.services.accounts import tokens as api_tokens
from crowdcat.services.errors import ServiceError
from crowdcat.services.reconciliation import entries
from crowdcat.unit_of_work import unit_of_work


@click.command("reconcile")
@click.option("--project", "slug", default=None, help="Only this project (its slug).")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000),
              help="Pages reconciled per transaction.")
@with_appcontext
@unit_of_work  # and a commit per batch: an interruption keeps the batches done
def reconcile(slug: str | None, batch_size: int) -> None:
    """Re-reconcile every page that has submissions (for example after a rule change)."""
    projects = select(Project).order_by(Project.id)
    if slug is not None:
        projects = projects.where(Project.slug == slug)
    found = db.session.scalars(projects).all()
    if slug is not None and not found:
        raise click.ClickException(f"No project with the slug {slug!r}.")
    keyed = select(Submission.item_id).distinct()
    for project in found:
        rules = entries.rules_for(project)
        project_id, slug_of_project = project.id, project.slug
        where = (Item.project_id == project_id, Item.id.in_(keyed))
        total = db.session.scalar(select(func.count()).select_from(Item).where(*where))
        last_id = 0
        with tqdm(total=total, desc=slug_of_project, unit="page") as bar:
            while True:
                pages = db.session.scalars(
                    select(Item).where(*where, Item.id > last_id).order_by(Item.id)
                    .limit(batch_size)
                ).all()
                if not pages:
                    break
                for page in pages:
                    entries.reconcile_page(db.session, page, rules)
                last_id = pages[-1].id
                db.session.commit()  # one transaction per batch
                bar.update(len(pages))
    click.echo("Reconciled.")


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
