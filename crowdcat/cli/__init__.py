"""The `crowdcat` command: Flask's commands (db, routes, shell) plus ours."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from crowdcat import create_app


def _create_app() -> Flask:
    """Build the app for commands that need it (FlaskGroup calls this lazily)."""
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """crowdcat: crowdsourced description of scanned archival files."""


def _standalone_commands() -> list[click.Command]:
    """Commands that need neither the app nor a database."""
    try:
        from crowdcat.cli.reconcile_csv import reconcile_csv
    except ImportError:  # the module arrives with the reconciliation engine
        return []
    return [reconcile_csv]


for _command in _standalone_commands():
    main.add_command(_command)
