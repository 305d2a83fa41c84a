"""What a keying form starts with: imported values (fixed) and suggested values (editable).

A field marked "count of pages" (options["page_count"]) is suggested the item's number of
images: the volunteer sees it filled in and changes it when the scans hold pages that are not
the document's (a blank back, a colour card). Works on FieldSpec rows and on their snapshots.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crowdcat.models import Item

PAGE_COUNT = "page_count"


def counts_pages(spec: Any) -> bool:
    """Whether a field (FieldSpec or FieldSpecSnapshot) is marked "count of pages"."""
    return bool((spec.options or {}).get(PAGE_COUNT))


def fixed_values(item: Item) -> dict[str, Any]:
    """The item's imported values (a metadata CSV's reference parts): shown, never keyed."""
    return {k: v for k, v in (item.prefill or {}).items() if v is not None and str(v).strip()}


def suggested_values(fields: Iterable[Any], image_count: int,
                     fixed: dict[str, Any] | None = None) -> dict[str, str]:
    """Values a form starts with but the volunteer may change: each "count of pages" field
    gets `image_count` (unless an import fixed its value)."""
    fixed = fixed or {}
    if image_count < 1:
        return {}
    return {spec.key: str(image_count) for spec in fields
            if counts_pages(spec) and spec.key not in fixed}


def item_prefill(item: Item, fields: Iterable[Any] | None = None) -> dict[str, Any]:
    """An item's prefill: {"fixed": imported values, "suggested": editable starting values}.

    `fields` defaults to the project's keyed fields; pass a snapshot's fields on hot paths.
    """
    fixed = fixed_values(item)
    specs = item.project.keyed_fields if fields is None else fields
    return {"fixed": fixed, "suggested": suggested_values(specs, len(item.images), fixed)}
