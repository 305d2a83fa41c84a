"""IIIF Presentation 2 and 3 manifests as import sources: one item per manifest, or per range.

A manifest without ranges is one item (its label, else the file's name) of its canvases in
order. A manifest with ranges (`structures`) is one item per range that lists canvases
directly (the leaves of a table of contents); a canvas no range lists is an item of its own,
and said so.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from flask_babel import lazy_gettext as _l

from crowdcat.services.errors import ServiceError
from crowdcat.services.scans.images import ImageRejected
from crowdcat.services.scans.sources import Plan, read_limited


@dataclass
class Canvas:
    """One canvas: its id, label and the address of its image."""

    ident: str
    label: str
    address: str


@dataclass
class Range:
    """A range of the manifest that lists canvases: its label and their ids, in order."""

    label: str
    canvases: list[str] = field(default_factory=list)


def fetch_url(url: str, *, timeout: float, max_bytes: int) -> bytes:
    """GET an image over HTTP(S) with a timeout and a size cap."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            chunks, total = [], 0
            while chunk := response.read(1 << 16):
                total += len(chunk)
                if total > max_bytes:
                    raise ImageRejected(_l("The file is larger than %(mb)d MB.",
                                           mb=max_bytes // 2**20))
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise ImageRejected(_l("The server answered %(code)d for %(url)s.",
                               code=exc.code, url=url)) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ImageRejected(_l("The image could not be fetched (%(detail)s).",
                               detail=str(getattr(exc, "reason", exc))[:120])) from exc


def _label(value: Any) -> str:
    """A v2 (string / list / @value) or v3 ({lang: [..]}) label as plain text."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return _label(value[0])
    if isinstance(value, dict):
        if "@value" in value:
            return str(value["@value"])
        for texts in value.values():
            return _label(texts)
    return ""


def _first(items: Any) -> dict[str, Any]:
    """The first element of a list that is a dict, else {}."""
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return {}


def _dicts(items: Any) -> list[dict[str, Any]]:
    """The dict elements of a list (anything else: none)."""
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _canvas_id(value: Any) -> str:
    """A canvas reference (a string or an object with an id) without its #fragment."""
    if isinstance(value, dict):
        value = value.get("id") or value.get("@id") or ""
    return str(value).split("#", 1)[0] if isinstance(value, str) else ""


def _v2(manifest: dict[str, Any]) -> tuple[list[Canvas], list[Range]]:
    """The canvases and the canvas-listing ranges of a Presentation 2 manifest."""
    canvases = []
    for canvas in _dicts(_first(manifest.get("sequences")).get("canvases")):
        resource = _first(canvas.get("images")).get("resource") or {}
        canvases.append(Canvas(_canvas_id(canvas.get("@id")), _label(canvas.get("label")),
                               resource.get("@id") or "" if isinstance(resource, dict) else ""))
    ranges = [Range(_label(r.get("label")), [_canvas_id(c) for c in r.get("canvases") or []])
              for r in _dicts(manifest.get("structures"))]
    return canvases, [r for r in ranges if r.canvases]


def _v3_ranges(entries: Any, found: list[Range]) -> None:
    """Collect v3 ranges that list canvases directly, depth first, in the manifest's order."""
    for entry in _dicts(entries):
        if entry.get("type") != "Range":
            continue
        members = _dicts(entry.get("items"))
        direct = [_canvas_id(m) for m in members if m.get("type") in ("Canvas", None)
                  or m.get("type") == "SpecificResource"]
        if direct:
            found.append(Range(_label(entry.get("label")), direct))
        _v3_ranges(members, found)


def _v3(manifest: dict[str, Any]) -> tuple[list[Canvas], list[Range]]:
    """The canvases and the canvas-listing ranges of a Presentation 3 manifest."""
    canvases = []
    for canvas in _dicts(manifest.get("items")):
        annotation = _first(_first(canvas.get("items")).get("items"))
        body = annotation.get("body") or {}
        body = _first(body) if isinstance(body, list) else body
        canvases.append(Canvas(_canvas_id(canvas.get("id")), _label(canvas.get("label")),
                               body.get("id") or "" if isinstance(body, dict) else ""))
    ranges: list[Range] = []
    _v3_ranges(manifest.get("structures"), ranges)
    return canvases, ranges


def _load(path: Path) -> tuple[dict[str, Any], list[Canvas], list[Range]]:
    """The manifest, its canvases and ranges, or ServiceError."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ServiceError(_l("The manifest is not readable JSON (%(detail)s).",
                              detail=str(exc)[:120])) from exc
    if not isinstance(manifest, dict):
        raise ServiceError(_l("The manifest is not a IIIF Presentation manifest."))
    context = json.dumps(manifest.get("@context", ""))
    if "presentation/3" in context:
        canvases, ranges = _v3(manifest)
    elif "presentation/2" in context:
        canvases, ranges = _v2(manifest)
    else:
        raise ServiceError(_l("The manifest is not a IIIF Presentation 2 or 3 manifest."))
    if not canvases:
        raise ServiceError(_l("The manifest lists no images."))
    return manifest, canvases, ranges


def manifest_plan(path: Path, *, timeout: float, max_bytes: int) -> Plan:
    """The images of a IIIF manifest file as items (see the module), in the manifest's order.

    An image address is a URL (http/https, fetched with a timeout and a size cap) or a
    path relative to the manifest's folder (it may not leave that folder).
    """
    manifest, canvases, ranges = _load(path)
    plan = Plan()
    number_of = {c.ident: n for n, c in enumerate(canvases, start=1) if c.ident}
    named = [c.label or Path(unquote(urlparse(c.address).path)).name or f"canvas-{n}"
             for n, c in enumerate(canvases, start=1)]

    def add(n: int, item: str | None, position: int | None) -> None:
        canvas = canvases[n - 1]
        plan.add(f"{n:04d} {named[n - 1]}",
                 _manifest_reader(path.parent, canvas.address, timeout, max_bytes),
                 item=item, position=position)

    if not ranges:
        reference = _label(manifest.get("label")) or path.stem
        for n in range(1, len(canvases) + 1):
            add(n, reference, n)
        return plan
    placed: set[int] = set()
    for number, found in enumerate(ranges, start=1):
        reference = found.label or f"{path.stem} {number}"
        members = [number_of[c] for c in found.canvases if c in number_of
                   and number_of[c] not in placed]
        for position, n in enumerate(members, start=1):
            placed.add(n)
            add(n, reference, position)
    loose = [n for n in range(1, len(canvases) + 1) if n not in placed]
    for n in loose:
        add(n, None, None)
    if loose:
        plan.notes.append(str(_l("%(n)d canvases are in no range of the manifest and are "
                                 "items of their own.", n=len(loose))))
    return plan


def _manifest_reader(base: Path, address: str, timeout: float,
                     max_bytes: int) -> Callable[[], bytes]:
    """A deferred read of one manifest image."""
    def read() -> bytes:
        if not address:
            raise ImageRejected(_l("The canvas has no image."))
        scheme = urlparse(address).scheme
        if scheme in ("http", "https"):
            return fetch_url(address, timeout=timeout, max_bytes=max_bytes)
        if scheme not in ("", "file"):
            raise ImageRejected(_l("Unsupported image address: %(url)s", url=address[:200]))
        relative = unquote(urlparse(address).path) if scheme == "file" else address
        target = (base / relative).resolve()
        if base.resolve() not in target.parents:
            raise ImageRejected(_l("The image %(path)s is outside the manifest's folder.",
                                   path=address[:200]))
        return read_limited(target, max_bytes)
    return read
