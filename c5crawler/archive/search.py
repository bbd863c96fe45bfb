"""Full-text search over the archive (SQLite FTS5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, text
from sqlalchemy.exc import OperationalError

from c5crawler.archive.models import UTCDateTime


class SearchQueryError(ValueError):
    """A query the full-text index cannot run; the message is one line for the user."""


@dataclass
class SearchHit:
    id: int
    url: str
    source: str
    kind: str
    title: str
    published_at: datetime | None
    snippet: str
    score: float


_OPERATORS = {"AND", "OR", "NOT"}
_BAREWORD = re.compile(r"^[\w]+\*?$", re.UNICODE)
_TOKENS = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')


def fts_query(user_text: str) -> str:
    """Turn what a person types into FTS5 syntax.

    Words, "quoted phrases", OR/AND/NOT, prefix* and parentheses keep their FTS5
    meaning; any other token (China-Central, Wang's, U.S.) becomes a phrase, so
    punctuation never turns into a syntax error or a column filter.
    """
    parts: list[str] = []
    for token in _TOKENS.findall(user_text):
        if token in _OPERATORS or token in "()" or _BAREWORD.match(token):
            parts.append(token)
        else:
            words = token.strip('"').replace('"', " ")
            if words.strip():
                parts.append(f'"{words}"')
    query = " ".join(parts)
    if not query:
        raise SearchQueryError("empty search query")
    return query


def search(
    engine: Engine,
    query: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    source: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Articles matching `query`, best first (BM25, title weighted over body)."""
    filters = ["1 = 1"]
    params: dict[str, object] = {"query": fts_query(query), "limit": limit}
    if since is not None:
        filters.append("a.published_at >= :since")
        params["since"] = since
    if until is not None:
        filters.append("a.published_at < :until")
        params["until"] = until
    if source:
        filters.append("a.source = :source")
        params["source"] = source
    # Rank inside the FTS table first, then join: far faster on common words.
    sql = f"""
        WITH hits AS (
            SELECT rowid AS id, bm25(articles_fts, 10.0, 3.0, 1.0) AS score,
                   snippet(articles_fts, -1, '[', ']', '…', 16) AS snippet
            FROM articles_fts WHERE articles_fts MATCH :query
        )
        SELECT a.id, a.url, a.source, a.kind, a.title, a.published_at, hits.snippet, hits.score
        FROM hits JOIN articles AS a ON a.id = hits.id
        WHERE {' AND '.join(filters)}
        ORDER BY hits.score, a.published_at DESC
        LIMIT :limit
    """
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(sql)
                .bindparams(*(bindparam(k, type_=UTCDateTime) for k in ("since", "until") if k in params))
                .columns(published_at=UTCDateTime),
                params,
            ).all()
    except OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else "query failed"
        raise SearchQueryError(f"cannot search for {query!r}: {reason}") from exc
    return [
        SearchHit(
            id=row.id,
            url=row.url,
            source=row.source,
            kind=row.kind,
            title=row.title,
            published_at=row.published_at,
            snippet=row.snippet,
            score=row.score,
        )
        for row in rows
    ]
