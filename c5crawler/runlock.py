"""One crawl at a time: a file lock for a SQLite archive, a database lock for PostgreSQL.

Both die with their process: `flock` is released by the kernel when the holder
exits, even on SIGKILL, and PostgreSQL drops a session's advisory locks when its
connection ends, so a killed run never leaves a stale lock behind for cron to trip
over. The PostgreSQL lock is per spider and holds across machines; the workers of
a distributed crawl hold it shared, so they run together while a plain crawl of
the same spider waits for them (and they for it).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from c5crawler.archive.db import ArchiveError


class LockHeld(RuntimeError):
    """Another crawl of the same archive is running."""


def lock_path(archive_url: str) -> Path | None:
    """Beside a SQLite archive; None for PostgreSQL, which each crawl locks in the database
    (`DatabaseRunLock`); for another server database, in the temp dir, named by its URL."""
    try:
        url = make_url(archive_url)
    except ArgumentError:
        raise ArchiveError(f"not a database URL: {archive_url!r}") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.lock")
    if url.get_backend_name() == "postgresql":
        return None
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"c5crawler-{digest}.lock"


@contextmanager
def crawl_lock(path: Path | None) -> Iterator[None]:
    """Hold the file lock at `path` (None: nothing to hold here)."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockHeld(f"another crawl is running on this archive ({holder}); lock {path}") from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        handle.write(f"pid {os.getpid()}, started {started}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def advisory_key(name: str) -> int:
    """A signed 64-bit PostgreSQL advisory lock key for `name`."""
    return int.from_bytes(hashlib.sha256(f"c5crawler {name}".encode()).digest()[:8], "big", signed=True)


class DatabaseRunLock:
    """A spider's run lock in a PostgreSQL archive, held on a connection of its own until released."""

    def __init__(self, engine: Engine, spider: str, *, shared: bool) -> None:
        self.engine = engine
        self.spider = spider
        self.shared = shared
        self.key = advisory_key(f"spider {spider}")
        self.connection: Connection | None = None

    @property
    def _suffix(self) -> str:
        return "_shared" if self.shared else ""

    def acquire(self) -> None:
        """Take the lock now, or raise LockHeld."""
        # AUTOCOMMIT: the connection sits idle for the whole crawl, not "idle in transaction".
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.scalar(text(f"SELECT pg_try_advisory_lock{self._suffix}(:key)"), {"key": self.key})
        if not got:
            connection.close()
            mode = "a plain crawl" if self.shared else "another crawl"
            raise LockHeld(f"{mode} of {self.spider} is running on this archive")
        self.connection = connection

    def release(self) -> None:
        if self.connection is not None:
            # Unlocked by hand: closing gives the session back to the pool, lock and all.
            self.connection.execute(text(f"SELECT pg_advisory_unlock{self._suffix}(:key)"), {"key": self.key})
            self.connection.close()
            self.connection = None
