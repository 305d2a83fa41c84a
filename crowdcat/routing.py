"""URL converters: ids in URLs are no larger than a database can store."""
from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

# Every id column is an `Integer`: PostgreSQL's integer holds 2**31 - 1 at most (SQLite, 2**63 - 1).
# A larger id in a URL names nothing: the route does not match (404) instead of the database
# refusing the value (500).
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to what the databases hold (unless a route sets its own max)."""

    def __init__(self, map: Map, *args: Any, max: int | None = LARGEST_ID, **kwargs: Any) -> None:  # noqa: A002
        super().__init__(map, *args, max=max, **kwargs)


def init_app(app) -> None:  # noqa: ANN001
    """Use the bounded converter for every `<int:...>` (before the routes are added)."""
    app.url_map.converters["int"] = IdConverter
