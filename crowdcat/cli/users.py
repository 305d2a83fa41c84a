"""Account commands."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crowdcat.auth import throttle
from crowdcat.extensions import db
from crowdcat.models import Role, User
from crowdcat.services.accounts import users as accounts
from crowdcat.services.errors import ServiceError
from crowdcat.unit_of_work import unit_of_work


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VOLUNTEER.value,
              show_default=True, help="The account's role.")
@click.option("--name", "display_name", default=None,
              help="Display name (default: the e-mail's local part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@unit_of_work
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
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.email} ({user.role.value}).")


def _set_active(email: str, active: bool) -> None:
    """Deactivate or reactivate the account with EMAIL, or fail with a clear message."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(str(_l("There is no account with this e-mail address.")))
    try:
        changed = accounts.set_active(db.session, user, active, actor=None)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    if not changed:
        click.echo(str(_l("%(email)s was already so; nothing changed.", email=user.email)))
    elif active:
        click.echo(str(_l("%(email)s can log in again.", email=user.email)))
    else:
        click.echo(str(_l("%(email)s is deactivated: logged out everywhere, API tokens "
                          "stopped; their submissions stay.", email=user.email)))


@click.command("deactivate-user")
@click.argument("email")
@with_appcontext
@unit_of_work
def deactivate_user(email: str) -> None:
    """Deactivate the account with EMAIL: its sessions and API tokens stop; its work stays."""
    _set_active(email, False)


@click.command("reactivate-user")
@click.argument("email")
@with_appcontext
@unit_of_work
def reactivate_user(email: str) -> None:
    """Let the deactivated account with EMAIL log in again."""
    _set_active(email, True)


@click.command("unlock-login")
@click.argument("email")
@with_appcontext
def unlock_login(email: str) -> None:
    """Lift the log-in slow-down and lock of the account EMAIL after failed log-ins."""
    guard = throttle.of(current_app)
    if guard is None:
        raise click.ClickException(str(_l("The log-in throttle is switched off here.")))
    guard.unlock(email)
    click.echo(str(_l("Log-ins for %(email)s are no longer slowed down or locked.",
                      email=email.strip().lower())))


COMMANDS = (create_user, deactivate_user, reactivate_user, unlock_login)
