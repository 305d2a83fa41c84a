"""Rate-limit counters in an SQLite file: one store every worker of a server shares.

A `limits` storage for the `sqlite:///path` URI (`sqlite:////absolute/path`, as SQLAlchemy
writes them), used by Flask-Limiter and by the log-in throttle when no Redis is configured.
Each counter is one row (key, value, expiry); an increment is one atomic upsert, so gunicorn
workers and threads count together. The file is apart from the application's database:
counting a log-in never waits for a keying write. Several servers need a shared store (Redis).
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

_SCHEMA = """CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL)"""
# A counter past its expiry starts again from the increment.
_INCR = """INSERT INTO counters (key, value, expires_at) VALUES (:key, :amount, :expires_at)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN expires_at <= :now THEN excluded.value ELSE value + excluded.value END,
    expires_at = CASE WHEN expires_at <= :now THEN excluded.expires_at ELSE expires_at END
RETURNING value"""
# Expired rows are deleted every this many increments (per process).
_SWEEP_EVERY = 500


def path_of(uri: str) -> Path:
    """The file named by `sqlite:///relative` or `sqlite:////absolute`."""
    rest = uri.split("://", 1)[1]
    return Path(rest[1:] if rest.startswith("/") else rest)


class SQLiteStorage(Storage):
    """Fixed-window counters in an SQLite file (WAL mode, one connection per thread)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: object) -> None:
        self.path = path_of(uri)
        self._local = threading.local()
        self._increments = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection().execute(_SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        """Errors of the driver."""
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection in this process (autocommit: a statement, a transaction)."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():  # none yet, or forked
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter (a new window of `expiry` seconds if it had none)."""
        now = time.time()
        connection = self._connection()
        value = connection.execute(_INCR, {"key": key, "amount": amount, "now": now,
                                           "expires_at": now + expiry}).fetchone()[0]
        self._increments += 1
        if self._increments % _SWEEP_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(value)

    def get(self, key: str) -> int:
        """The counter's value in its current window (0 when none)."""
        row = self._connection().execute(
            "SELECT value FROM counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        """When the counter's window ends (now when it has none)."""
        now = time.time()
        row = self._connection().execute(
            "SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?",
            (key, now)).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        """Whether the file can be read."""
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; return how many there were."""
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        """Forget one counter."""
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
