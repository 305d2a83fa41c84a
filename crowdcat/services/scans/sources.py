"""Where imported scans come from, grouped into items: a folder, a metadata CSV.

A folder's sub-folders are items (`DIR/<item>/<images>`, natural order inside); the files
directly in the folder are grouped by a file-name pattern (crowdcat.services.scans.grouping)
or by the item column of a metadata CSV. IIIF manifests: crowdcat.services.scans.manifests.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from crowdcat import text_safety
from crowdcat.models import FieldKind, Project
from crowdcat.services.errors import ServiceError
from crowdcat.services.scans import grouping
from crowdcat.services.scans.images import ImageRejected
from crowdcat.services.scans.ingest import Source, natural_key

FILENAME_COLUMNS = ("filename", "file", "file_name", "文件名", "檔名", "档名", "文件名稱",
                    "文件名称")
# The column of a metadata CSV that names the item (件) a file belongs to.
ITEM_COLUMNS = ("item", "item_reference", "件", "所屬件", "所属件")


@dataclass
class Metadata:
    """A metadata CSV read: per file name, its prefilled fields and the item it belongs to."""

    prefill: dict[str, dict[str, str]] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    """The sources of an import in order, grouped into items, and notes on the grouping."""

    sources: list[Source] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, read: Callable[[], bytes], *, item: str | None = None,
            position: int | None = None, prefill: dict[str, str] | None = None) -> None:
        """One more file, of item `item` (None: an item of its own) at page `position`."""
        self.sources.append(Source(name, read, dict(prefill or {}), item=item,
                                   position=position))

    def items(self) -> list[tuple[str, list[str]]]:
        """The grouping as a preview: (item reference, its files in page order), in order."""
        found: dict[str, list[str]] = {}
        for n, source in enumerate(self.sources):
            key = f"\0{n}" if source.item is None else source.item
            found.setdefault(key, []).append(source.name)
        return [(grouping.stem(names[0]) if key.startswith("\0") else key, names)
                for key, names in found.items()]


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


def _visible(folder: Path) -> list[Path]:
    """A folder's non-hidden entries."""
    return [p for p in folder.iterdir() if not p.name.startswith(".")]


def group_names(names: list[str], metadata: Metadata | None,
                pattern: re.Pattern[str] | None) -> grouping.Grouping:
    """Files of one batch grouped by the CSV's item column, else the pattern, else one each."""
    if metadata and metadata.items:
        return grouping.by_column(names, metadata.items, pattern, natural_key)
    if pattern is not None:
        return grouping.by_pattern(names, pattern, natural_key)
    return grouping.Grouping([grouping.Group(grouping.stem(n), [grouping.Member(n)])
                              for n in sorted(names, key=natural_key)])


def folder_plan(folder: Path, max_bytes: int, metadata: Metadata | None = None,
                pattern: re.Pattern[str] | None = None) -> Plan:
    """A folder's images as items: each sub-folder one item; its own files grouped.

    pattern: how the folder's own files are grouped (None: an item per file); a metadata
    CSV's item column comes first. Items follow the natural order of their first file's (or
    their sub-folder's) name; folders inside a sub-folder are not imported, and said so.
    """
    if not folder.is_dir():
        raise ServiceError(_l("%(path)s is not a folder.", path=str(folder)))
    metadata = metadata or Metadata()
    entries = _visible(folder)
    files = {p.name: p for p in entries if p.is_file()}
    grouped = group_names(list(files), metadata, pattern)
    plan = Plan(notes=list(grouped.notes))
    # (sort name, [(file name, path, item, position)]) per item, merged in name order.
    items: list[tuple[str, list[tuple[str, Path, str | None, int | None]]]] = []
    for group in grouped.groups:
        alone = len(group.members) == 1 and group.members[0].page is None and not (
            metadata.items.get(group.members[0].name))
        items.append((group.members[0].name, [
            (m.name, files[m.name], None if alone else group.reference,
             None if alone else (m.page or n))
            for n, m in enumerate(group.members, start=1)]))
    for sub in (p for p in entries if p.is_dir()):
        inside = _visible(sub)
        for nested in sorted((p for p in inside if p.is_dir()), key=lambda p: natural_key(p.name)):
            plan.notes.append(str(_l("The folder %(path)s is inside an item's folder; its "
                                     "files were not imported.", path=f"{sub.name}/{nested.name}")))
        pages = sorted((p for p in inside if p.is_file()), key=lambda p: natural_key(p.name))
        if pages:
            items.append((sub.name, [(f"{sub.name}/{p.name}", p, sub.name, n)
                                     for n, p in enumerate(pages, start=1)]))
    for _key, members in sorted(items, key=lambda entry: natural_key(entry[0])):
        for name, path, item, position in members:
            prefill = metadata.prefill.get(name) or metadata.prefill.get(path.name, {})
            plan.add(name, _reader(path, max_bytes), item=item, position=position,
                     prefill=prefill)
    return plan


def batch_plan(uploads: list[tuple[str, Callable[[], bytes]]],
               pattern: re.Pattern[str] | None) -> Plan:
    """Files of an upload (name, deferred read) as items, grouped by `pattern` as a folder's
    own files are (None: an item per file)."""
    readers: dict[str, list[Callable[[], bytes]]] = {}
    for name, read in uploads:
        readers.setdefault(name, []).append(read)
    grouped = group_names([name for name, _read in uploads], None, pattern)
    plan = Plan(notes=list(grouped.notes))
    for group in grouped.groups:
        alone = len(group.members) == 1 and group.members[0].page is None
        for n, member in enumerate(group.members, start=1):
            plan.add(member.name, readers[member.name].pop(0),
                     item=None if alone else group.reference,
                     position=None if alone else (member.page or n))
    return plan


def folder_sources(folder: Path, max_bytes: int, metadata: Metadata | None = None,
                   pattern: re.Pattern[str] | None = None) -> list[Source]:
    """folder_plan's sources alone (the notes are left out)."""
    return folder_plan(folder, max_bytes, metadata, pattern).sources


def _reader(path: Path, max_bytes: int) -> Callable[[], bytes]:
    """A deferred read, so that a big folder is not held in memory."""
    return lambda: read_limited(path, max_bytes)


# --- Metadata CSV ---------------------------------------------------------------------

def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (Excel on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError(_l("The metadata file is neither UTF-8 nor GB18030 text."))


def read_metadata(data: bytes, project: Project) -> Metadata:
    """Per file name, prefilled fields and its item, from a CSV of a filename column, fields
    and optionally an item column.

    A field column is named by its key (fonds_no) or its label in any language (全宗號); the
    item column (item, 件) names the item (件) each file belongs to: files of one item are
    imported as its pages.
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
    item_col = next((i for i, h in enumerate(header) if i != file_col
                     and h.lower() in ITEM_COLUMNS and h not in names), None)
    columns = {}
    long_text = {spec.key for spec in project.fields if spec.kind == FieldKind.LONG_TEXT}
    for index, name in enumerate(header):
        if index in (file_col, item_col) or not name:
            continue
        if name not in names:
            raise ServiceError(_l("The metadata column “%(name)s” matches no field of this "
                                  "project.", name=name))
        columns[index] = names[name]
    table = Metadata()
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
        name = _safe_cell(row[file_col], _l("Line %(n)d, column %(name)s of the metadata file",
                                            n=line, name=header[file_col]))
        table.prefill[name] = values
        if item_col is not None:
            item = _safe_cell(row[item_col], _l("Line %(n)d, column %(name)s of the metadata "
                                                "file", n=line, name=header[item_col]))
            if item:
                table.items[name] = item[:500]
    return table


def _safe_cell(cell: str, where: Any, multiline: bool = False) -> str:
    """A CSV cell trimmed and kept by crowdcat.text_safety's rule, or ServiceError."""
    try:
        return text_safety.clean(cell, multiline=multiline).strip()
    except text_safety.Refused as exc:
        raise ServiceError(exc.message(where)) from exc
