"""JSON through orjson: the app's responses and request bodies, and PostgreSQL's json columns.

Every submission writes its typed values and the page's reconciliation (a few kB) as JSON
and every API answer is JSON: with the standard library's encoder that was a tenth of the
submit path's CPU. orjson writes the same JSON (UTF-8, keys in insertion order, compact) and
reads it more strictly: a lone surrogate escape, NaN or an integer beyond 64 bits is
refused as bad JSON, not stored to fail later.
"""
from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

# Dates and dataclasses go to Flask's own `default` (HTTP dates, dicts) as before.
_OPTIONS = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS)
_COMPACT = (",", ":")


def dumps_bytes(obj: Any) -> bytes:
    """`obj` as UTF-8 JSON (keys as given; non-text keys written as text)."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with orjson when it writes the same text (compact, UTF-8, unsorted)."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """orjson for what responses ask (compact); anything else as Flask does it."""
        if (self.ensure_ascii or self.sort_keys
                or any(key != "separators" or value != _COMPACT for key, value in kwargs.items())):
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """orjson, unless the caller asks for the standard library's options."""
        if kwargs:
            return super().loads(s, **kwargs)
        return orjson.loads(s)


def use_on_psycopg(dbapi_connection: Any) -> None:
    """A psycopg connection's json and jsonb values written and read by orjson."""
    from psycopg.types.json import set_json_dumps, set_json_loads

    set_json_dumps(dumps_bytes, dbapi_connection)
    set_json_loads(orjson.loads, dbapi_connection)
