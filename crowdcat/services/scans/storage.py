"""Where scan images live: a small interface, stored by content hash.

Today the data directory; an S3-compatible object store can implement the same
three methods so that several app servers share the scans.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol


class Storage(Protocol):
    """Content-addressed blob storage."""

    def put(self, data: bytes, suffix: str = "") -> str:
        """Store bytes; return their key (idempotent: same bytes, same key)."""

    def open(self, key: str) -> BinaryIO:
        """Open a stored blob for reading (raises FileNotFoundError)."""

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""


def content_hash(data: bytes) -> str:
    """SHA-256 hex digest: the identity of a scan."""
    return hashlib.sha256(data).hexdigest()


def write_atomically(target: Path, data: bytes) -> None:
    """Write a file through a temporary file and a rename: readers never see half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class LocalStorage:
    """Blobs under a directory, in two-level fan-out folders (ab/abcdef...)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def key_for(self, digest: str, suffix: str = "") -> str:
        """The key of a blob with this digest."""
        return f"{digest[:2]}/{digest}{suffix}"

    def path(self, key: str) -> Path:
        """Filesystem path of a key (refuses keys that leave the root)."""
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise FileNotFoundError(key)
        return path

    def put(self, data: bytes, suffix: str = "") -> str:
        """Write atomically (temp file + rename) so a crash never leaves half a scan."""
        key = self.key_for(content_hash(data), suffix)
        target = self.path(key)
        if not target.exists():
            write_atomically(target, data)
        return key

    def open(self, key: str) -> BinaryIO:
        """Open for reading."""
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        """Whether the key's file exists."""
        try:
            return self.path(key).is_file()
        except FileNotFoundError:
            return False


def storage_for(config: dict) -> LocalStorage:
    """The storage configured for an app (config: SCANS_DIR, default DATA_DIR/scans)."""
    root = config.get("SCANS_DIR") or Path(config["DATA_DIR"]) / "scans"
    return LocalStorage(Path(root))
