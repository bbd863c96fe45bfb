"""Opening an archive: engine, SQLite pragmas, and its schema brought up to date."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from c5crawler.archive import migrate


class ArchiveError(RuntimeError):
    """The archive cannot be opened or written; the message is one line for the user."""


# How long a write waits for another writer before "database is locked"; a SQLite
# URL's own `?timeout=SECONDS` (pysqlite's parameter) changes it.
BUSY_TIMEOUT_SECONDS = 30.0
# The archive's writer checkpoints the write-ahead log on a thread of its own after
# each batch (ArchiveStore); SQLite's own checkpoint in the committing thread, with
# its fsyncs, waits until the log holds this many pages (64 MB of 4 KB pages).
WAL_AUTOCHECKPOINT_PAGES = 16384


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers (search, Datasette) work while a crawl writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    return on_connect


def open_archive(url: str, *, create: bool = True, upgrade: bool = True) -> Engine:
    """An engine on the archive at `url`, its schema brought to the newest revision unless `upgrade` is False."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ArchiveError(f"not a database URL: {url!r}") from exc
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not create and not path.exists():
            raise ArchiveError(f"no archive at {path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"cannot create {path.parent}: {exc.strerror}") from exc
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise ArchiveError(f"cannot use archive {url!r}: {exc}") from exc
    if is_sqlite:
        try:
            busy = float(parsed.query.get("timeout", BUSY_TIMEOUT_SECONDS))  # type: ignore[arg-type]
        except ValueError:
            raise ArchiveError(f"timeout= takes seconds, not {parsed.query['timeout']!r}") from None
        event.listen(engine, "connect", _sqlite_pragmas(int(busy * 1000)))
    if not upgrade:
        return engine
    try:
        # A new archive is created, an older one migrated (see migrate.py).
        migrate.upgrade(engine)
    except (SQLAlchemyError, CommandError) as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ArchiveError(f"cannot open archive {parsed.render_as_string()}: {reason}") from exc
    return engine
