"""A project's settings and keyed fields as plain values, for the keying hot paths.

One Core query (the project joined with its keyed field specs) per request instead of ORM
objects and lazy loads. What is derived from those rows (field descriptions for the API,
compiled reconciliation rules) is cached in-process keyed by the rows' full content, so an
edit to the project or any of its fields is picked up by the next request with no
invalidation to forget.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from crowdcat.data import keying as sql
from crowdcat.models import OPEN_TO_CROWD, FieldKind, ProjectStatus
from crowdcat.services.keying.validation import normalizer_of
from crowdcat.services.reconciliation.rules import ProjectRules, rules_for

# Distinct projects' derived data kept; beyond this the cache starts afresh (bounded memory).
CACHE_SIZE = 64
_cache: dict[tuple, ProjectSnapshot] = {}
_by_version: dict[tuple, ProjectSnapshot] = {}


@dataclass(frozen=True)
class FieldSpecSnapshot:
    """A keyed field's definition (duck-types FieldSpec for validation and rules)."""

    key: str
    kind: FieldKind
    labels: dict[str, str]
    help: dict[str, str]
    required: bool
    choices: list[str]
    options: dict[str, Any]

    @cached_property
    def key_normalizer(self) -> Callable[[str], tuple[str, bool]]:
        """`value -> (equality key, flagged)` (validation.key_normalizer), built once."""
        return normalizer_of(self)

    def as_json(self) -> dict[str, Any]:
        """The field as the API describes it; `part` says where a list item keys it: "row"
        (a column of the grid, once per row) or "header" (once per item, as every field of a
        project that is not in list mode)."""
        return {"key": self.key, "kind": self.kind.value, "label": self.labels,
                "help": self.help, "required": self.required, "choices": self.choices or [],
                "default": (self.options or {}).get("default"),
                "part": "row" if is_row_field(self) else "header"}


@dataclass(frozen=True)
class ProjectSnapshot:
    """A project's keying settings and keyed fields (duck-types Project for rules_for)."""

    id: int
    slug: str
    status: ProjectStatus
    agree_needed: int
    max_submissions: int
    reservation_minutes: int
    weighted_votes: bool
    keyed_fields: tuple[FieldSpecSnapshot, ...]
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def active(self) -> bool:
        """Whether volunteers may key the project now."""
        return OPEN_TO_CROWD.project_allows(self.status)

    def fields_for(self, prefill: dict[str, Any] | None) -> list[FieldSpecSnapshot]:
        """The fields a volunteer types on a page (prefilled imported values are fixed)."""
        fixed = _prefilled_keys(prefill)
        return [spec for spec in self.keyed_fields if spec.key not in fixed]

    def fields_json(self, prefill: dict[str, Any] | None) -> list[dict[str, Any]]:
        """The API description of the fields a volunteer types on a page."""
        if "json" not in self._derived:
            self._derived["json"] = {spec.key: spec.as_json() for spec in self.keyed_fields}
        described = self._derived["json"]
        return [described[spec.key] for spec in self.fields_for(prefill)]

    def fields_json_text(self, prefill: dict[str, Any] | None) -> str:
        """fields_json() as JSON text, serialized once per set of prefilled keys."""
        texts = self._derived.setdefault("json_text", {})
        fixed = frozenset(_prefilled_keys(prefill))
        text = texts.get(fixed)
        if text is None:
            if len(texts) >= CACHE_SIZE:  # pages prefilled in many ways: bounded
                texts.clear()
            text = texts[fixed] = json.dumps(self.fields_json(prefill), ensure_ascii=False,
                                             separators=(",", ":"))
        return text

    @property
    def list_mode(self) -> bool:
        """Whether an item is keyed as header fields and a list of rows (is_list_mode)."""
        return is_list_mode(self)

    def header_fields_for(self, prefill: dict[str, Any] | None) -> list[FieldSpecSnapshot]:
        """The header fields a volunteer types on a list item (keyed once per item)."""
        return [spec for spec in self.fields_for(prefill) if not is_row_field(spec)]

    def row_fields(self) -> list[FieldSpecSnapshot]:
        """The row fields of a list project: the columns of its grid, in order."""
        return [spec for spec in self.keyed_fields if is_row_field(spec)]

    def rules(self) -> ProjectRules:
        """The compiled reconciliation rules (computed once per content version)."""
        if "rules" not in self._derived:
            self._derived["rules"] = rules_for(self)
        return self._derived["rules"]


def is_row_field(spec: Any) -> bool:
    """Whether a field is a row field of a list project (options["part"] == "row")."""
    return (spec.options or {}).get("part") == "row"


def is_list_mode(project: Any) -> bool:
    """Whether a project (ORM Project or ProjectSnapshot) keys each item as a list of rows.

    A project is in list mode when it has at least one row field; nothing else marks it.
    """
    return any(is_row_field(spec) for spec in project.keyed_fields)


# Row fields whose key names a row's own number (順序號, 件號): rows are aligned by it.
SEQUENCE_KEYS = ("sequence", "seq_no", "item_no")


def list_keys(project: Any) -> tuple[str | None, str | None]:
    """(sequence_key, title_key) of a list project's rows, for the alignment of rows.

    The sequence key is the row field whose options say ``"sequence": true``, else the first
    row field keyed like SEQUENCE_KEYS; the title key is the row field ``title``, else the
    first text row field. Either is None when the project has no such row field.
    """
    rows = [spec for spec in project.keyed_fields if is_row_field(spec)]
    sequence = next((s.key for s in rows if (s.options or {}).get("sequence") is True),
                    next((s.key for s in rows if s.key in SEQUENCE_KEYS), None))
    title = next((s.key for s in rows if s.key == "title"),
                 next((s.key for s in rows if FieldKind(s.kind) == FieldKind.TEXT
                       and s.key != sequence), None))
    return sequence, title


def _prefilled_keys(prefill: dict[str, Any] | None) -> set[str]:
    """Keys of the non-empty imported values."""
    return {k for k, v in (prefill or {}).items() if v is not None and str(v).strip()}


def load(session: Session, *, slug: str | None = None,
         project_id: int | None = None) -> ProjectSnapshot | None:
    """The project by slug or id with its keyed fields (one query), or None."""
    rows = (sql.project_by_slug(session, slug=slug) if slug is not None
            else sql.project_by_id(session, project_id=project_id)).all()
    return _info(rows, [tuple(row) for row in rows])


def of_version(session: Session, project_id: int, fingerprint: str) -> ProjectSnapshot | None:
    """The project's ProjectSnapshot at this version(): from the cache, else read whole and kept."""
    key = (project_id, fingerprint)
    info = _by_version.get(key)
    if info is None:
        info = load(session, project_id=project_id)
        if info is None:
            return None
        if len(_by_version) >= CACHE_SIZE:
            _by_version.clear()
        _by_version[key] = info
    return info


class OwnReservation(NamedTuple):
    """A volunteer's reservation in a project (what assignment needs to resume it)."""

    id: int
    item_id: int
    expires_at: datetime


def load_with_own(session: Session, *, slug: str,
                  user_id: int) -> tuple[ProjectSnapshot | None, OwnReservation | None]:
    """The project by slug and the volunteer's reservation in it, in one query."""
    return with_own(sql.project_and_own(session, slug=slug, user_id=user_id).all())


def with_own(rows: Sequence[Any]) -> tuple[ProjectSnapshot | None, OwnReservation | None]:
    """The ProjectSnapshot and own reservation of keying_sql.project_and_own's rows."""
    if not rows:
        return None, None
    cut = -sql.OWN_COLUMNS
    info = _info(rows, [tuple(row)[:cut] for row in rows])
    first = rows[0]
    own = (OwnReservation(first.own_id, first.own_page_id, first.own_expires_at)
           if first.own_id is not None else None)
    return info, own


def _info(rows: Sequence[Any], contents: list[tuple]) -> ProjectSnapshot | None:
    """The ProjectSnapshot of a project's rows (`contents`: their project and field columns)."""
    if not rows:
        return None
    # Keyed by the whole content (JSON as text): any edit makes a new entry, no stale fields.
    signature = tuple(contents)
    info = _cache.get(signature)
    if info is None:
        first = rows[0]
        info = ProjectSnapshot(
            id=first.id, slug=first.slug, status=first.status,
            agree_needed=first.agree_needed, max_submissions=first.max_submissions,
            reservation_minutes=first.reservation_minutes,
            weighted_votes=bool(first.weighted_votes),
            keyed_fields=tuple(
                FieldSpecSnapshot(key=r.key, kind=r.kind, labels=json.loads(r.labels) or {},
                           help=json.loads(r.help) or {}, required=bool(r.required),
                           choices=json.loads(r.choices) or [],
                           options=json.loads(r.options) or {})
                for r in rows if r.key is not None
            ),
        )
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[signature] = info
    return info

