"""The archive: SQLAlchemy models, the store (upsert, revisions) and search."""

from c5crawler.archive.db import ArchiveError, open_archive
from c5crawler.archive.store import ArchiveStore, RunCounts

__all__ = ["ArchiveError", "ArchiveStore", "RunCounts", "open_archive"]
