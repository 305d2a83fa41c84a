"""Derivatives of a scan (web size, thumbnail, full-size tile source, IIIF tiles), made once.

They are cached next to the originals, under `<scans>/derived/<ab>/<content hash>/`, keyed
by the page's content hash and the variant name, so a derivative never goes stale (a hash
names one image forever) and any app server sharing the scans directory can serve it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from crowdcat.services.scans import images
from crowdcat.services.scans.storage import LocalStorage, write_atomically

WEB = "web"
THUMB = "thumb"
MASTER = "master"  # full-size 8-bit JPEG, made only when the original cannot be tiled as is
VARIANT_BOXES = {WEB: images.WEB_SIZE, THUMB: images.THUMB_SIZE}


@dataclass(frozen=True)
class Derived:
    """Where one derivative lives (or its bytes, when not cached) and the ETag naming it."""

    path: Path | None
    etag: str
    data: bytes | None = None

    def read(self) -> bytes:
        """The derivative's bytes."""
        if self.data is not None:
            return self.data
        return self.path.read_bytes()  # type: ignore[union-attr]


class DerivativeStore:
    """Derivative files under one root; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, content_hash: str, variant: str) -> Path:
        """The file of a variant (variant names are ours, never user input)."""
        return self.root / content_hash[:2] / content_hash / f"{variant}.jpg"

    def get(self, content_hash: str, variant: str) -> Derived | None:
        """The cached derivative, or None."""
        path = self.path(content_hash, variant)
        if not path.is_file():
            return None
        return Derived(path, f"{content_hash[:20]}-{variant}")

    def put(self, content_hash: str, variant: str, data: bytes) -> Derived:
        """Store a derivative atomically, so a reader never sees half a file."""
        path = self.path(content_hash, variant)
        write_atomically(path, data)
        return Derived(path, f"{content_hash[:20]}-{variant}")


def store_for(storage: LocalStorage) -> DerivativeStore:
    """The derivative store beside a storage's originals."""
    return DerivativeStore(storage.root / "derived")


def tileable_as_is(image: Image.Image) -> bool:
    """Whether an opened original can be cut into tiles directly (8-bit JPEG, upright)."""
    orientation = image.getexif().get(0x0112, 1) if image.format == "JPEG" else 1
    return image.format == "JPEG" and image.mode in ("RGB", "L") and orientation in (1, None)


def save_small(store: DerivativeStore, content_hash: str, frame: Image.Image) -> None:
    """Write the web-size and thumbnail derivatives of a decoded frame."""
    web = images.fit(frame, images.WEB_SIZE)
    store.put(content_hash, WEB, images.jpeg_bytes(web, 85))
    store.put(content_hash, THUMB, images.jpeg_bytes(images.fit(web, images.THUMB_SIZE), 80))


def tile_source(storage: LocalStorage, store: DerivativeStore, image_key: str,
                content_hash: str) -> Path:
    """The full-size JPEG tiles are cut from: the original, or the master derivative."""
    master = store.get(content_hash, MASTER)
    if master:
        return master.path
    return storage.path(image_key)


def ensure(storage: LocalStorage, store: DerivativeStore, image_key: str, content_hash: str,
           variant: str) -> Derived:
    """A web/thumb/master derivative, made now from the original if it is missing."""
    cached = store.get(content_hash, variant)
    if cached:
        return cached
    with storage.open(image_key) as handle:
        original = images.open_checked(handle.read(), max_pixels=2**62)  # vetted at import
    frame = next(images.decoded_frames(original)).image
    if variant == MASTER:
        return store.put(content_hash, MASTER, images.jpeg_bytes(frame, 90))
    save_small(store, content_hash, frame)
    return store.get(content_hash, variant)  # type: ignore[return-value]
