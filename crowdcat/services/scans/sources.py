"""Where imported scans come from: a folder, a IIIF Presentation manifest, a metadata CSV."""
from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from flask_babel import lazy_gettext as _l

from crowdcat import text_safety
from crowdcat.models import FieldKind, Project
from crowdcat.services.errors import ServiceError
from crowdcat.services.scans.images import ImageRejected
from crowdcat.services.scans.ingest import Source, natural_key

FILENAME_COLUMNS = ("filename", "file", "file_name", "文件名", "檔名", "档名", "文件名稱",
                    "文件名称")


def read_limited(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, refused when larger than `max_bytes`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImageRejected(_l("The file is larger than %(mb)d MB.", mb=max_bytes // 2**20))
        return path.read_bytes()
    except OSError as exc:
        raise ImageRejected(_l("The file cannot be read (%(detail)s).",
                               detail=exc.strerror or type(exc).__name__)) from exc


def folder_sources(folder: Path, max_bytes: int,
                   prefill: dict[str, dict[str, str]] | None = None) -> list[Source]:
    """Every regular, non-hidden file of a folder (not recursive), in natural name order."""
    if not folder.is_dir():
        raise ServiceError(_l("%(path)s is not a folder.", path=str(folder)))
    prefill = prefill or {}
    files = sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                   key=lambda p: natural_key(p.name))
    return [Source(p.name, _reader(p, max_bytes), prefill.get(p.name, {})) for p in files]


def _reader(path: Path, max_bytes: int) -> Callable[[], bytes]:
    """A deferred read, so that a big folder is not held in memory."""
    return lambda: read_limited(path, max_bytes)


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


# --- IIIF Presentation manifests -------------------------------------------------------

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


def _v2_images(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, image address) per canvas of a Presentation 2 manifest."""
    canvases = _first(manifest.get("sequences")).get("canvases") or []
    found = []
    for canvas in canvases:
        resource = _first(canvas.get("images")).get("resource") or {}
        found.append((_label(canvas.get("label")), resource.get("@id") or ""))
    return found


def _v3_images(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, image address) per canvas of a Presentation 3 manifest."""
    found = []
    for canvas in manifest.get("items") or []:
        annotation = _first(_first(canvas.get("items")).get("items"))
        body = annotation.get("body") or {}
        body = _first(body) if isinstance(body, list) else body
        found.append((_label(canvas.get("label")), body.get("id") or ""))
    return found


def manifest_sources(path: Path, *, timeout: float, max_bytes: int) -> list[Source]:
    """The images of a IIIF Presentation 2 or 3 manifest file, in the manifest's order.

    An image address is a URL (http/https, fetched with a timeout and a size cap) or a
    path relative to the manifest's folder (it may not leave that folder).
    """
    try:
        manifest = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ServiceError(_l("The manifest is not readable JSON (%(detail)s).",
                              detail=str(exc)[:120])) from exc
    if not isinstance(manifest, dict):
        raise ServiceError(_l("The manifest is not a IIIF Presentation manifest."))
    context = json.dumps(manifest.get("@context", ""))
    if "presentation/3" in context:
        found = _v3_images(manifest)
    elif "presentation/2" in context:
        found = _v2_images(manifest)
    else:
        raise ServiceError(_l("The manifest is not a IIIF Presentation 2 or 3 manifest."))
    if not found:
        raise ServiceError(_l("The manifest lists no images."))
    sources = []
    for number, (label, address) in enumerate(found, start=1):
        name = label or Path(unquote(urlparse(address).path)).name or f"canvas-{number}"
        sources.append(Source(f"{number:04d} {name}",
                              _manifest_reader(path.parent, address, timeout, max_bytes)))
    return sources


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


# --- Metadata CSV ---------------------------------------------------------------------

def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (Excel on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError(_l("The metadata file is neither UTF-8 nor GB18030 text."))


def read_metadata(data: bytes, project: Project) -> dict[str, dict[str, str]]:
    """{filename: {field key: value}} from a CSV whose columns are a filename and fields.

    A field column is named by its key (fonds_no) or its label in any language (全宗號).
    """
    rows = list(csv.reader(io.StringIO(_decode_csv(data))))
    if not rows:
        raise ServiceError(_l("The metadata file is empty."))
    header = [_safe_cell(h, _l("Heading of column %(n)d of the metadata file", n=index))
              for index, h in enumerate(rows[0], start=1)]
    names = {name: spec.key for spec in project.fields
             for name in [spec.key, *spec.labels.values()]}
    try:
        file_col = next(i for i, h in enumerate(header) if h.lower() in FILENAME_COLUMNS)
    except StopIteration:
        raise ServiceError(_l("The metadata file needs a filename column.")) from None
    columns = {}
    long_text = {spec.key for spec in project.fields if spec.kind == FieldKind.LONG_TEXT}
    for index, name in enumerate(header):
        if index == file_col or not name:
            continue
        if name not in names:
            raise ServiceError(_l("The metadata column “%(name)s” matches no field of this "
                                  "project.", name=name))
        columns[index] = names[name]
    table: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ServiceError(_l("Line %(n)d of the metadata file has %(got)d columns, not "
                                  "%(want)d.", n=line, got=len(row), want=len(header)))
        values = {}
        for i, key in columns.items():
            value = _safe_cell(row[i], _l("Line %(n)d, column %(name)s of the metadata file",
                                          n=line, name=header[i]), key in long_text)
            if value:
                values[key] = value
        table[_safe_cell(row[file_col], _l("Line %(n)d, column %(name)s of the metadata file",
                                           n=line, name=header[file_col]))] = values
    return table


def _safe_cell(cell: str, where: Any, multiline: bool = False) -> str:
    """A CSV cell trimmed and kept by crowdcat.text_safety's rule, or ServiceError."""
    try:
        return text_safety.clean(cell, multiline=multiline).strip()
    except text_safety.Refused as exc:
        raise ServiceError(exc.message(where)) from exc
