"""Migrations (Flask-Migrate over Alembic), loaded only when a process migrates.

Most processes never do (gunicorn workers, `crowdcat export`), and Flask-Migrate imports
Alembic: a fifth of a command's start-up. The `db` commands and upgrade() load it on use.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _migrate(app: Flask) -> None:
    """Bind Flask-Migrate to the app (once); it registers its own `db` command group."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from crowdcat.extensions import db

        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)


class _Db(click.Group):
    """Flask-Migrate's `db` group, standing in for it until one of its commands runs."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Perform database migrations.")
        self._app = app

    def _real(self) -> click.Group:
        _migrate(self._app)
        from flask_migrate.cli import db

        return db

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """The real group parses the command line (its options, its commands)."""
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The real group's commands (for `crowdcat --help`)."""
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """One of the real group's commands."""
        return self._real().get_command(ctx, cmd_name)


def init_app(app: Flask) -> None:
    """Offer the `db` commands without loading them."""
    app.cli.add_command(_Db(app))


def upgrade(revision: str = "head") -> None:
    """Upgrade the current app's database (as `crowdcat db upgrade`)."""
    _migrate(current_app)
    from flask_migrate import upgrade as upgrade_to

    upgrade_to(revision=revision)


def downgrade(revision: str) -> None:
    """Downgrade the current app's database to `revision` (as `crowdcat db downgrade`)."""
    _migrate(current_app)
    from flask_migrate import downgrade as downgrade_to

    downgrade_to(revision=revision)
