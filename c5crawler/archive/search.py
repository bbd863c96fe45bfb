"""Full-text search over the archive: SQLite FTS5, or PostgreSQL's tsvector.

Both backends take the same syntax (see query.py), filter with the same
ArticleFilter and mark hits in snippets with the same `[` `]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, column, func, literal, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.models import Article
from c5crawler.archive.query import SearchQueryError, fts_query, parse, to_tsquery

__all__ = ["SORTS", "SearchHit", "SearchQueryError", "fts_query", "search"]

SORTS = ("relevance", "newest", "oldest")
_MARKERS = ("[", "]")


@dataclass
class SearchHit:
    id: int
    url: str
    source: str
    kind: str
    title: str
    section: str | None
    published_at: datetime | None
    snippet: str
    score: float  # higher is better; the scale is the backend's own


_COLUMNS = (Article.id, Article.url, Article.source, Article.kind, Article.title, Article.section, Article.published_at)


_FTS = table("articles_fts", column("rowid"))
_FTS_INDEX = literal_column("articles_fts")


def _sqlite_hits(query: str, best: int | None = None) -> Select[Any]:
    """Matching articles with their score.

    With `best`, only the rows scoring at least as well as the `best`-th best are
    joined to `articles`: the same first `best` rows by score (ties included), without
    joining every match of a common word. Only for unfiltered queries by relevance.
    """
    # Ranked inside the FTS table before the join: far faster on common words.
    # Title hits weigh 10, summary 3, body 1; bm25 is lower for better, so negate.
    hits = (
        select(
            _FTS.c.rowid.label("id"),
            (-func.bm25(_FTS_INDEX, literal_column("10.0"), literal_column("3.0"), literal_column("1.0"))).label("score"),
        )
        .select_from(_FTS)
        .where(_FTS_INDEX.op("MATCH")(fts_query(query)))
        .cte("hits")
    )
    if best is None:
        return select(*_COLUMNS, hits.c.score).join(hits, hits.c.id == Article.id)
    hits = hits.prefix_with("MATERIALIZED")  # bm25 once per row, read twice
    cut = select(hits.c.score).order_by(hits.c.score.desc()).limit(1).offset(best - 1).scalar_subquery()
    return (
        select(*_COLUMNS, hits.c.score)
        .join(hits, hits.c.id == Article.id)
        .where(hits.c.score >= func.coalesce(cut, literal_column("-1e308")))
    )


def _sqlite_snippets(query: str, ids: list[int]) -> Select[Any]:
    """Snippets of the rows shown only: snippet() reads the whole text of each row it is given."""
    return (
        select(
            _FTS.c.rowid.label("id"),
            func.snippet(_FTS_INDEX, literal_column("-1"), *map(literal, _MARKERS), literal("…"), literal_column("16")),
        )
        .select_from(_FTS)
        .where(_FTS_INDEX.op("MATCH")(fts_query(query)), _FTS.c.rowid.in_(ids))
    )


_ENGLISH = literal_column("'english'::regconfig")
_HEADLINE = f"StartSel={_MARKERS[0]}, StopSel={_MARKERS[1]}, MaxFragments=1, MaxWords=30, MinWords=12, FragmentDelimiter=…"


def _postgres_hits(query: str) -> tuple[Select[Any], ColumnElement[Any]]:
    tsquery = func.to_tsquery(_ENGLISH, to_tsquery(parse(query)))
    vector = literal_column("articles.search_vector")
    ranked = select(*_COLUMNS, func.ts_rank(vector, tsquery).label("score")).where(vector.op("@@")(tsquery))
    return ranked, tsquery


def _ordered(query: Select[Any], score: Any, published_at: Any, sort: str) -> Select[Any]:
    if sort == "newest":
        return query.order_by(published_at.desc().nulls_last(), score.desc())
    if sort == "oldest":
        return query.order_by(published_at.asc().nulls_last(), score.desc())
    return query.order_by(score.desc(), published_at.desc().nulls_last())


def _postgres_query(query: str, where: ArticleFilter, sort: str, limit: int) -> Select[Any]:
    ranked, tsquery = _postgres_hits(query)
    ranked = where.apply(ranked)
    top = _ordered(ranked, literal_column("score"), Article.published_at, sort).limit(limit).subquery("top")
    # ts_headline reads whole texts: only for the rows shown, after the limit.
    text = func.concat_ws(" ", Article.title, Article.summary, Article.body)
    snippet = func.ts_headline(_ENGLISH, text, tsquery, _HEADLINE).label("snippet")
    outer = select(*(top.c[c.key] for c in _COLUMNS), snippet, top.c.score).join(Article, Article.id == top.c.id)
    return _ordered(outer, top.c.score, top.c.published_at, sort)


def search(
    engine: Engine,
    query: str,
    where: ArticleFilter | None = None,
    *,
    sort: str = "relevance",
    limit: int = 20,
) -> list[SearchHit]:
    """Articles matching `query` (see query.py) and `where`, best or newest or oldest first."""
    if sort not in SORTS:
        raise SearchQueryError(f"unknown sort {sort!r} (known: {', '.join(SORTS)})")
    where = where or ArticleFilter()
    if engine.dialect.name == "postgresql":
        sql = _postgres_query(query, where, sort, limit)
    else:
        unfiltered = where == ArticleFilter()
        hits = where.apply(_sqlite_hits(query, limit if unfiltered and sort == "relevance" and limit > 0 else None))
        sql = _ordered(hits, literal_column("score"), Article.published_at, sort).limit(limit)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sql).all()
            if engine.dialect.name == "postgresql":
                snippets = {row.id: row.snippet for row in rows}
            else:
                ids = [row.id for row in rows]
                snippets = dict(connection.execute(_sqlite_snippets(query, ids)).all()) if ids else {}  # type: ignore[arg-type]
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise SearchQueryError(f"cannot search for {query[:80]!r}: {reason}") from exc
    # Snippets span paragraphs: one line each, for tables and CSV alike.
    return [
        SearchHit(**{**row._mapping, "snippet": " ".join((snippets.get(row.id) or "").split())})
        for row in rows
    ]
