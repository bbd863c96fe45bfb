"""Opening an archive: engine, SQLite pragmas, and its schema brought up to date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from c5crawler.archive import migrate


class ArchiveError(RuntimeError):
    """The archive cannot be opened or written; the message is one line for the user."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (search, Datasette) work while a crawl writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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
        event.listen(engine, "connect", _sqlite_pragmas)
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
