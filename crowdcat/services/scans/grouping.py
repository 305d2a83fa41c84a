"""Grouping scanned images into items (件) by their file names, before anything is imported.

Archives deliver the pages of a document in one of a few ways; this module decides, from the
names alone, which item each file belongs to and at which page, and says what looks wrong
(a page number missing from a sequence, a page number given twice, a file whose name does not
follow the pattern). It reads no file and touches no database, so the CLI, the upload form and
its preview all group the same way.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from crowdcat.services.errors import ServiceError

# The archival reference with a page suffix: L002-001-0276-0015-0001.jpg is page 1 of item
# L002-001-0276-0015. The reference has at least two parts joined by "-" and the page number
# three or four digits after "-" or "_", so that scan-1.jpg or 12.jpg stay items of their own.
DEFAULT_PATTERN = r"^(?P<item>[^\W_]+(?:-[^\W_]+)+)[-_](?P<page>\d{3,4})$"


@dataclass
class Member:
    """One file of an item: its name and its page number (None: in name order)."""

    name: str
    page: int | None = None


@dataclass
class Group:
    """An item as the names group it: its reference and its files in page order."""

    reference: str
    members: list[Member] = field(default_factory=list)


@dataclass
class Grouping:
    """The items found, in order, and the warnings about them (in the user's language)."""

    groups: list[Group] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def item_of(self) -> dict[str, tuple[str, int]]:
        """{file name: (item reference, position)} for every file grouped."""
        return {m.name: (g.reference, m.page or n) for g in self.groups
                for n, m in enumerate(g.members, start=1)}


def compile_pattern(pattern: str | None) -> re.Pattern[str]:
    """The file-name pattern as a regex with groups `item` and `page`, or ServiceError."""
    text = DEFAULT_PATTERN if pattern is None else pattern
    try:
        compiled = re.compile(text)
    except re.error as exc:
        raise ServiceError(_l("The file-name pattern is not a valid regular expression "
                              "(%(detail)s).", detail=str(exc))) from exc
    if not {"item", "page"} <= set(compiled.groupindex):
        raise ServiceError(_l("The file-name pattern needs a group named item and a group "
                              "named page, as in %(example)s.", example=DEFAULT_PATTERN))
    return compiled


def stem(name: str) -> str:
    """A file name without its folder and extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base


def by_pattern(names: Iterable[str], pattern: re.Pattern[str],
               sort_key: Any = None) -> Grouping:
    """Group file names by `pattern` (applied to the name without extension).

    Files that match join the item their `item` group names, at the page their `page` group
    gives; files that do not match are items of their own (named in a note). Items come in the
    order of their first file (by `sort_key`); a page number missing from 1..last or given
    twice is a note naming the item.
    """
    ordered = sorted(names, key=sort_key) if sort_key else list(names)
    result = Grouping()
    matched: dict[str, Group] = {}
    alone = []
    for name in ordered:
        # A PDF is a document of its own pages: never one page of another item.
        found = None if name.lower().endswith(".pdf") else pattern.fullmatch(stem(name))
        if found is None or not found.group("item") or not (found.group("page") or "").isdigit():
            alone.append(name)
            result.groups.append(Group(stem(name), [Member(name)]))
            continue
        reference, page = found.group("item"), int(found.group("page"))
        if reference not in matched:
            matched[reference] = Group(reference)
            result.groups.append(matched[reference])
        matched[reference].members.append(Member(name, page))
    for group in matched.values():
        group.members.sort(key=lambda m: m.page or 0)
        result.notes.extend(sequence_notes(group))
    if alone and matched:
        result.notes.append(str(_l(
            "%(n)d files do not follow the file-name pattern and are items of their own: "
            "%(names)s.", n=len(alone), names=", ".join(alone[:20])
            + (" …" if len(alone) > 20 else ""))))
    return result


def sequence_notes(group: Group) -> list[str]:
    """Notes on an item's page numbers: those missing from 1..last, those given twice."""
    pages = [m.page for m in group.members if m.page is not None]
    if not pages:
        return []
    notes = []
    missing = sorted(set(range(1, max(pages) + 1)) - set(pages))
    if missing:
        notes.append(str(_l("Item %(item)s: page %(pages)s is missing (it has pages "
                            "%(first)d to %(last)d).", item=group.reference,
                            pages=", ".join(str(p) for p in missing[:20]),
                            first=min(pages), last=max(pages))))
    twice = sorted({p for p in pages if pages.count(p) > 1})
    if twice:
        notes.append(str(_l("Item %(item)s: page %(pages)s is given by more than one file; "
                            "all are kept, one after the other.", item=group.reference,
                            pages=", ".join(str(p) for p in twice))))
    return notes


def by_column(names: Iterable[str], items: dict[str, str], pattern: re.Pattern[str] | None,
              sort_key: Any = None) -> Grouping:
    """Group by a metadata CSV's item column; files it does not name are grouped by pattern.

    Within an item named by the CSV, files keep their order (`sort_key`), or their page
    numbers when all of them follow the pattern.
    """
    ordered = sorted(names, key=sort_key) if sort_key else list(names)
    named: dict[str, Group] = {}
    rest = [n for n in ordered if not items.get(n)]
    result = Grouping()
    for name in ordered:
        reference = items.get(name)
        if not reference:
            continue
        if reference not in named:
            named[reference] = Group(reference)
            result.groups.append(named[reference])
        found = pattern.fullmatch(stem(name)) if pattern else None
        page = int(found.group("page")) if found and (found.group("page") or "").isdigit() \
            else None
        named[reference].members.append(Member(name, page))
    for group in named.values():
        if all(m.page is not None for m in group.members):
            group.members.sort(key=lambda m: m.page or 0)
            result.notes.extend(sequence_notes(group))
        else:
            for member in group.members:
                member.page = None
    if rest:
        others = by_pattern(rest, pattern) if pattern else Grouping(
            [Group(stem(n), [Member(n)]) for n in rest])
        result.groups.extend(others.groups)
        result.notes.extend(others.notes)
    return result
