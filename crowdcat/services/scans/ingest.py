"""Importing scans into a project: store originals, make derivatives, add Item and Image rows.

Each file becomes an image of an item: of the item its source names (`Source.item`, the
reference that groups images, e.g. a sub-folder), else of a new item of its own. A
multi-page TIFF, or a PDF of scans (its pages rendered, crowdcat.services.scans.pdf), is one
item of its pages.

A file is imported whole or not at all: every frame is decoded and its derivatives are
written before any row is added, and the rows of one file go in under a savepoint.
Imports are idempotent by content hash (the same scan in the same project is skipped),
so a rerun after an interruption continues where the last committed batch ended.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from crowdcat import text_safety
from crowdcat.models import Access, Image, Item, Project, User
from crowdcat.services import audit
from crowdcat.services.errors import ServiceError
from crowdcat.services.scans import derivatives, images, pdf
from crowdcat.services.scans.storage import LocalStorage, content_hash

IMPORTED, SKIPPED, REJECTED = "imported", "skipped", "rejected"


@dataclass
class Source:
    """A named image to import; `read` returns its bytes (or raises ImageRejected)."""

    name: str
    read: Callable[[], bytes]
    prefill: dict[str, str] = field(default_factory=dict)
    # The item the image belongs to (its reference); None: an item of its own, named by it.
    item: str | None = None
    # Its page in the item (1, 2, ...) when the source knows it; taken, or None: after the
    # item's last page. A page imported late (a rerun, a file fixed) still finds its place.
    position: int | None = None


@dataclass
class Outcome:
    """What happened to one file."""

    name: str
    status: str
    pages: int = 0
    reason: str = ""
    item_ids: list[int] = field(default_factory=list)
    image_ids: list[int] = field(default_factory=list)
    # The item the file was to join (its reference), when the source named one.
    item: str | None = None


@dataclass
class Report:
    """The outcomes of an import run, in the order the files were seen."""

    outcomes: list[Outcome] = field(default_factory=list)
    # Warnings about the grouping (a page number missing from an item ...), in order.
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many files ended with `status`."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        """Images added in all."""
        return sum(o.pages for o in self.outcomes)

    @property
    def items(self) -> int:
        """Items that got images in this run."""
        return len({i for o in self.outcomes for i in o.item_ids})

    @property
    def incomplete(self) -> list[str]:
        """Items (references) a file of which was not imported: they lack a page."""
        return list(dict.fromkeys(o.item for o in self.outcomes
                                  if o.status == REJECTED and o.item))

    @property
    def rejected(self) -> list[Outcome]:
        """The files that were not imported, each with its reason."""
        return [o for o in self.outcomes if o.status == REJECTED]


def natural_key(name: str) -> list[Any]:
    """Sort key putting scan-2 before scan-10 (digit runs compare as numbers)."""
    return [(0, int(part), part) if part.isdigit() else (1, 0, part.casefold())
            for part in re.split(r"(\d+)", name) if part]


@dataclass
class _Prepared:
    """A decoded frame ready to become an Image row."""

    name: str
    key: str
    digest: str
    width: int
    height: int
    size: int


class Importer:
    """Imports files into one project; the caller commits (in batches for big runs)."""

    def __init__(self, session: Session, project: Project, storage: LocalStorage, *,
                 access: Access = Access.OPEN, max_pixels: int = images.DEFAULT_MAX_PIXELS,
                 actor: User | None = None) -> None:
        self.session = session
        self.project = project
        self.storage = storage
        self.store = derivatives.store_for(storage)
        self.access = access
        self.max_pixels = max_pixels
        self.actor = actor
        self.report = Report()

    def run(self, sources: Iterable[Source], *, batch: int = 20,
            commit: Callable[[], None] | None = None,
            progress: Callable[[Outcome], None] | None = None) -> Report:
        """Import every source in order, calling `commit` after each `batch` files."""
        for done, source in enumerate(sources, start=1):
            outcome = self.import_one(source)
            if progress:
                progress(outcome)
            if commit and done % batch == 0:
                commit()
        self.finish()
        if commit:
            commit()
        return self.report

    def import_one(self, source: Source) -> Outcome:
        """Import one file: all its pages, or none of them with the reason.

        Its name (a file name, or a IIIF canvas's label) is kept by crowdcat.text_safety's
        rule: a name with a refused character is reported, shown with that character spelt
        out, and not imported.
        """
        try:
            source.name = text_safety.clean(source.name)
        except text_safety.Refused as exc:
            outcome = Outcome(text_safety.visible(source.name), REJECTED,
                              reason=str(exc.message(_l("File name"))), item=source.item)
            self.report.outcomes.append(outcome)
            return outcome
        try:
            outcome = self._import(source)
        except ServiceError as exc:
            outcome = Outcome(source.name, REJECTED, reason=str(exc))
        except SQLAlchemyError:
            raise
        except Exception as exc:  # noqa: BLE001 - a malformed file may upset a decoder in any way
            outcome = Outcome(source.name, REJECTED, reason=str(_l(
                "The file could not be read as an image (%(detail)s).", detail=images.short(exc))))
        outcome.item = source.item
        self.report.outcomes.append(outcome)
        return outcome

    def finish(self) -> None:
        """Record the run in the audit trail (once, with its counts)."""
        if not self.report.outcomes:
            return
        audit.record(
            self.session, actor=self.actor, action="pages.import", object_type="project",
            object_id=self.project.id, project_id=self.project.id,
            after={"imported": self.report.count(IMPORTED), "skipped": self.report.count(SKIPPED),
                   "rejected": self.report.count(REJECTED), "items": self.report.items,
                   "images": self.report.pages, "pages": self.report.pages,
                   "incomplete_items": self.report.incomplete[:100],
                   "access": self.access.value},
        )
        self.session.flush()

    def _import(self, source: Source) -> Outcome:
        """Decode, store and add rows; raises ServiceError for a bad file."""
        data = source.read()
        digest = content_hash(data)
        if self._exists(digest):
            return Outcome(source.name, SKIPPED, reason=str(_l("Already in this project.")))
        if pdf.is_pdf(data):
            prepared = self._prepare_pdf(source.name, data)
        else:
            opened = images.open_checked(data, max_pixels=self.max_pixels)
            frames = getattr(opened, "n_frames", 1)
            prepared = [self._prepare_single(source.name, data, digest, opened)] \
                if frames == 1 else list(self._prepare_frames(source.name, opened, frames))
        fresh = [p for p in prepared if not self._exists(p.digest)]
        if not fresh:
            return Outcome(source.name, SKIPPED, reason=str(_l("Already in this project.")))
        added = self._add_rows(fresh, source.prefill, source.item or _stem(source.name),
                               grouped=source.item is not None,
                               position=source.position if len(fresh) == 1 else None)
        if not added:
            return Outcome(source.name, SKIPPED, reason=str(_l("Already in this project.")))
        return Outcome(source.name, IMPORTED, pages=len(added), item_ids=[added[0].item_id],
                       image_ids=[a.id for a in added])

    def _exists(self, digest: str) -> bool:
        """Whether the project already has an image with this content hash."""
        return self.session.scalar(select(Image.id).where(
            Image.project_id == self.project.id, Image.content_hash == digest)) is not None

    def _prepare_single(self, name: str, data: bytes, digest: str, opened) -> _Prepared:  # noqa: ANN001
        """One-image file: decode once (JPEG at reduced scale), store original + derivatives."""
        width, height = opened.size
        as_is = derivatives.tileable_as_is(opened)
        draft = images.fitted_size(opened.size, images.WEB_SIZE) if as_is else None
        frame = next(images.decoded_frames(opened, draft_size=draft))
        if not as_is:
            width, height = frame.size
            self.store.put(digest, derivatives.MASTER, images.jpeg_bytes(frame.image, 90))
        derivatives.save_small(self.store, digest, frame.image)
        key = self.storage.put(data, images.SUFFIXES[opened.format])
        return _Prepared(name, key, digest, width, height, len(data))

    def _prepare_frames(self, name: str, opened, count: int) -> Iterator[_Prepared]:  # noqa: ANN001
        """Multi-page TIFF: each page stored as its own lossless TIFF, an image of one item."""
        frames = list(images.decoded_frames(opened))  # all decoded first: whole file or nothing
        for frame in frames:
            blob = images.frame_original(opened, frame.index)
            digest = content_hash(blob)
            self.store.put(digest, derivatives.MASTER, images.jpeg_bytes(frame.image, 90))
            derivatives.save_small(self.store, digest, frame.image)
            key = self.storage.put(blob, ".tif")
            width, height = frame.size
            yield _Prepared(f"{name}#{frame.index + 1}/{count}", key, digest, width, height,
                            len(blob))

    def _prepare_pdf(self, name: str, data: bytes) -> list[_Prepared]:
        """PDF of scans: every page rendered first (whole file or nothing), then each stored
        as a JPEG original with its derivatives, an image of one item."""
        rendered = []
        for page in pdf.render_pages(data, self.max_pixels):
            blob = images.jpeg_bytes(page, 92)
            digest = content_hash(blob)
            derivatives.save_small(self.store, digest, page)
            rendered.append((blob, digest, page.size))
        prepared = []
        for number, (blob, digest, (width, height)) in enumerate(rendered, start=1):
            key = self.storage.put(blob, ".jpg")
            prepared.append(_Prepared(f"{name}#{number}/{len(rendered)}", key, digest, width,
                                      height, len(blob)))
        return prepared

    def _add_rows(self, prepared: list[_Prepared], prefill: dict[str, str], reference: str,
                  *, grouped: bool, position: int | None = None) -> list[Image]:
        """Add the images (and their item) under a savepoint; a concurrent import is a skip.

        grouped: the source named its item; its images join the project's item of that
        reference when there is one, at `position` if it is free, else after its last page.
        """
        for _attempt in range(3):
            try:
                with self.session.begin_nested():
                    item = self._item(reference) if grouped else None
                    if item is None:
                        item = self._new_item(reference, prefill)
                    elif prefill:
                        item.prefill = {**prefill, **(item.prefill or {})}
                    start = self._start(item, position)
                    added = [Image(item_id=item.id, project_id=self.project.id,
                                   position=start + i, image_key=p.key, content_hash=p.digest,
                                   width=p.width, height=p.height, byte_size=p.size,
                                   original_name=p.name[:500])
                             for i, p in enumerate(prepared, start=1)]
                    self.session.add_all(added)
                    self.session.flush()
                return added
            except IntegrityError:
                prepared = [p for p in prepared if not self._exists(p.digest)]
                if not prepared:
                    return []
        raise ServiceError(_l("The pages could not be numbered; please try again."))

    def _start(self, item: Item, position: int | None) -> int:
        """The position before the first of the images to add: `position` - 1 when that
        place is free, else the item's last position."""
        if position is not None and position >= 1 and self.session.scalar(
                select(Image.id).where(Image.item_id == item.id,
                                       Image.position == position)) is None:
            return position - 1
        return self.session.scalar(select(func.max(Image.position)).where(
            Image.item_id == item.id)) or 0

    def _item(self, reference: str) -> Item | None:
        """The project's item of this reference, if it has one."""
        return self.session.scalars(select(Item).where(
            Item.project_id == self.project.id, Item.reference == reference)
            .order_by(Item.sequence).limit(1)).first()

    def _new_item(self, reference: str, prefill: dict[str, str]) -> Item:
        """A new item at the end of the project's order; flushed."""
        first = (self.session.scalar(select(func.max(Item.sequence)).where(
            Item.project_id == self.project.id)) or 0) + 1
        item = Item(project_id=self.project.id, sequence=first, reference=reference[:500],
                    access=self.access, wanted=self.project.agree_needed, prefill=dict(prefill))
        self.session.add(item)
        self.session.flush()
        return item


def _stem(name: str) -> str:
    """A file's name without its extension (and a TIFF page's #n/m): its item's reference."""
    base = name.split("#", 1)[0]
    return base.rsplit(".", 1)[0] if "." in base else base
