"""One crawl at a time per archive: an advisory file lock that dies with its process.

`flock` is released by the kernel when the holder exits, even on SIGKILL, so a
killed run never leaves a stale lock behind for cron to trip over.
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

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from c5crawler.archive.db import ArchiveError


class LockHeld(RuntimeError):
    """Another crawl of the same archive is running."""


def lock_path(archive_url: str) -> Path:
    """Beside a SQLite archive; for a server database, in the temp dir, named by its URL."""
    try:
        url = make_url(archive_url)
    except ArgumentError:
        raise ArchiveError(f"not a database URL: {archive_url!r}") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.lock")
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"c5crawler-{digest}.lock"


@contextmanager
def crawl_lock(path: Path) -> Iterator[None]:
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
