"""The archive's consistency checks (`c5crawler db check`): the database's and our own invariants.

Each check returns a verdict and a short detail; none of them writes. They are what
the fault tests and the soak test rely on to say "nothing was lost or half-written".
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

# Tables whose rows belong to an article: a row without its article is an orphan.
CHILD_TABLES = ("revisions", "credits", "turns", "quotes", "mentions")


@dataclass(frozen=True)
class Verdict:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def _sqlite_integrity(connection: Connection) -> Verdict:
    rows = [r[0] for r in connection.execute(text("PRAGMA integrity_check"))]
    return Verdict("integrity", rows == ["ok"], "; ".join(rows[:3]))


def _sqlite_foreign_keys(connection: Connection) -> Verdict:
    rows = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
    return Verdict("foreign keys", not rows, f"{len(rows)} rows break a foreign key" if rows else "ok")


def _revision_per_article(connection: Connection) -> Verdict:
    missing = connection.scalar(
        text("SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.article_id = a.id)")
    )
    total = connection.scalar(text("SELECT count(*) FROM articles"))
    return Verdict(
        "revisions", not missing, f"{missing} of {total} articles have no revision" if missing else f"{total} articles, each with a revision"
    )


def _orphans(connection: Connection) -> Verdict:
    counts = {
        table: connection.scalar(
            text(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.article_id)")
        )
        for table in CHILD_TABLES
    }
    bad = {t: n for t, n in counts.items() if n}
    return Verdict("orphans", not bad, ", ".join(f"{n} {t}" for t, n in bad.items()) + " without an article" if bad else "none")


def _sqlite_fts(connection: Connection) -> Verdict:
    articles = connection.scalar(text("SELECT count(*) FROM articles"))
    indexed = connection.scalar(text("SELECT count(*) FROM articles_fts_docsize"))
    try:
        # FTS5 compares its index with the content table and raises if they differ.
        connection.execute(text("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"))
    except Exception as exc:  # sqlite3 reports "database disk image is malformed" for a stale index
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        return Verdict("search index", False, f"FTS5 integrity-check failed ({reason}): the index is out of step")
    if indexed != articles:
        return Verdict("search index", False, f"{indexed} rows indexed for {articles} articles")
    return Verdict("search index", True, f"{indexed} articles indexed")


def _postgres_fts(connection: Connection) -> Verdict:
    missing = connection.scalar(text("SELECT count(*) FROM articles WHERE search_vector IS NULL"))
    return Verdict("search index", not missing, f"{missing} articles without a search vector" if missing else "ok")


def _revision_html(connection: Connection) -> Verdict:
    """Every stored page decompresses: the archive's promise that any page can be re-read."""
    broken = total = 0
    for (blob,) in connection.execute(text("SELECT html_zlib FROM revisions")).yield_per(500):
        total += 1
        if blob is None:
            continue
        try:
            zlib.decompress(blob)
        except zlib.error:
            broken += 1
    return Verdict("stored pages", not broken, f"{broken} of {total} do not decompress" if broken else f"{total} decompress")


def run_checks(engine: Engine) -> Iterator[Verdict]:
    """Every check, in order; on PostgreSQL the SQLite-only ones are left out."""
    sqlite = engine.dialect.name == "sqlite"
    checks: list[Callable[[Connection], Verdict]] = [
        *((_sqlite_integrity, _sqlite_foreign_keys) if sqlite else ()),
        _revision_per_article,
        _orphans,
        _sqlite_fts if sqlite else _postgres_fts,
        _revision_html,
    ]
    with engine.connect() as connection:
        for check in checks:
            yield check(connection)
        connection.rollback()  # FTS5's integrity-check is an INSERT statement: leave nothing open
