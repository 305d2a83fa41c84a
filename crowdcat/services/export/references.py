"""The archival reference (檔號) composed from reference-part fields."""
from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from crowdcat.models import Project


def compose_reference(fmt: str, values: Mapping[str, Any]) -> str:
    """Fill `fmt` (e.g. "{fonds_no}-{catalog_no}-{volume_no}-{item_no}") from values.

    Returns "" when any part is missing, so that an incomplete reference is never exported
    as if it were whole.
    """
    parts = {}
    for _text, name, _spec, _conv in string.Formatter().parse(fmt):
        if name is None:
            continue
        value = values.get(name)
        if value is None or str(value).strip() == "":
            return ""
        parts[name] = str(value).strip()
    return fmt.format(**parts)


def project_reference(project: Project, values: Mapping[str, Any]) -> str:
    """The composed reference of an entry of `project`."""
    return compose_reference(project.reference_format, values)
