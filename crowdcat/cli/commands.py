"""The commands that need the app; create_app attaches them to app.cli."""
from __future__ import annotations

import click

from crowdcat.cli import demo, export, ingest, keying, ocr, users


def app_commands() -> list[click.Command]:
    """Every command that needs the app and its database."""
    return [*users.COMMANDS, *demo.COMMANDS, *export.COMMANDS, *keying.COMMANDS, *ingest.COMMANDS,
            *ocr.COMMANDS]
