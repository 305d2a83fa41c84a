"""Account commands."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from crowdcat.extensions import db
from crowdcat.models import Role
from crowdcat.services.accounts import users as accounts
from crowdcat.services.errors import ServiceError


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VOLUNTEER.value,
              show_default=True, help="The account's role.")
@click.option("--name", "display_name", default=None,
              help="Display name (default: the e-mail's local part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(email: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create an account with EMAIL and a role; asks for the password unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            db.session, email=email, display_name=display_name or email.split("@")[0],
            password=password, role=Role(role),
        )
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


COMMANDS = (create_user,)
