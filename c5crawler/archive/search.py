"""Full-text search over the archive: SQLite FTS5, or PostgreSQL's tsvector.

Both backends take the same syntax (see query.py), filter with the same
ArticleFilter and mark hits in snippets with the same `[` `]`. A query with Han
characters runs on the Chinese index instead (see chinese.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, bindparam, column, delete, false, func, insert, literal, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from c5crawler.archive import chinese
from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.models import Article
from c5crawler.archive.query import (
    SearchQueryError,
    chinese_words,
    fts_query,
    is_chinese,
    parse,
    segmented,
    to_tsquery,
)

__all__ = ["RANK_WINDOW", "SORTS", "SearchHit", "SearchQueryError", "fts_query", "more_matches_than", "search"]

SORTS = ("relevance", "newest", "oldest")
# By relevance, the matches ranked: the most recently archived this many (see _sqlite_query).
RANK_WINDOW = 1000
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
_FTS_ZH = table(chinese.TABLE, column("rowid"))
_FTS_ZH_INDEX = literal_column(chinese.TABLE)
_POSTGRES_ZH = table(chinese.TABLE, column("article_id"), column("search_vector"))


def _fts(query: str) -> tuple[Any, ColumnElement[Any]]:
    """The FTS5 table a query runs on, and the same as a column for MATCH and bm25."""
    return (_FTS_ZH, _FTS_ZH_INDEX) if is_chinese(parse(query)) else (_FTS, _FTS_INDEX)


_SHOWN_TABLE = table("shown_fts", column("rowid"), column("title"), column("summary"), column("body"), schema="temp")


@dataclass(frozen=True)
class Span:
    """The first and last id of the articles in a filter's dates (and source), and how many there are."""

    first: int | None
    last: int | None
    articles: int


# Up to this many articles in a filter's dates, the ids that pass the whole filter are read once
# (0.2 microseconds each) and each match is checked against them, instead of joining each match
# to `articles` (up to 2 microseconds each: a read of the article's own page).
_FEW_ARTICLES = 20_000


def _date_span(connection: Connection, where: ArticleFilter) -> Span | None:
    """The articles in the filter's dates (and source): FTS5 then scans only that range of its index.

    Articles are mostly archived in date order, so a year is a narrow range of ids; when
    they are not, the range is wider and the filter on `articles` still decides. Read
    first and bound as numbers: as subqueries FTS5 would evaluate them again. The index
    on (source, published_at) answers it without reading the articles.
    """
    dates = where.dates()
    if not dates:
        return None
    source = [Article.source == where.source] if where.source else []
    counted = select(func.min(Article.id), func.max(Article.id), func.count()).where(*source, *dates)
    return Span(*connection.execute(counted).one())


def _sqlite_matches(query: str, where: ArticleFilter, span: Span | None) -> Select[Any]:
    """The ids of the articles matching `query` and `where` (in `span`), read from the FTS index."""
    fts, index = _fts(query)
    matches = select(fts.c.rowid.label("id")).select_from(fts).where(index.op("MATCH")(fts_query(query)))
    if span is not None:
        # No article in the dates: none to read (FTS5 takes a NULL bound for no bound).
        matches = matches.where(fts.c.rowid.between(span.first, span.last) if span.articles else false())
    if where == ArticleFilter():
        return matches
    # `+ 0`: the ids are checked on each match FTS5 reads. Were rowid constrained by them,
    # SQLite could read the articles first and have FTS5 look each one up in the index
    # anew (minutes, for a common word and a source's 30,000 articles).
    rowid = fts.c.rowid + literal_column("0")
    if span is not None and span.articles <= _FEW_ARTICLES:
        return matches.where(rowid.in_(where.apply(select(Article.id))))
    return where.apply(matches.join(Article, Article.id == rowid))


def _sqlite_query(
    query: str, where: ArticleFilter, span: Span | None, sort: str, limit: int, window: int | None
) -> Select[Any]:
    """The first `limit` matches in `sort` order, each with its score.

    bm25 costs about two microseconds a row and must see every row it ranks (a word in
    nearly all of 100,000 articles: 200 ms), so by relevance it ranks only the `window`
    most recently archived matches, which FTS5 reads newest first without scoring the rest.
    """
    # Ranked inside the FTS table and joined after: far faster on common words.
    # Title hits weigh 10, summary 3, body 1; bm25 is lower for better, so negate.
    fts, index = _fts(query)
    score = -func.bm25(index, literal_column("10.0"), literal_column("3.0"), literal_column("1.0"))
    hits = _sqlite_matches(query, where, span).add_columns(score.label("score"))
    if sort == "relevance" and window is not None:
        hits = hits.order_by(fts.c.rowid.desc()).limit(window)
    ranked = hits.cte("hits").prefix_with("MATERIALIZED")  # bm25 once per row, read twice
    rows = select(*_COLUMNS, ranked.c.score).join(ranked, ranked.c.id == Article.id)
    if sort == "relevance" and limit > 0:
        # Only the rows scoring at least as well as the limit-th best are joined: the same first rows.
        cut = select(ranked.c.score).order_by(ranked.c.score.desc()).limit(1).offset(limit - 1).scalar_subquery()
        rows = rows.where(ranked.c.score >= func.coalesce(cut, literal_column("-1e308")))
    return _ordered(rows, ranked.c.score, Article.published_at, sort).limit(limit)


# The rows shown, indexed again on their own, with the archive's FTS5 options (migration 0001).
# Made once for each connection: a table made or dropped for each search would change the
# schema, and SQLite would then prepare every statement of the connection anew.
_SHOWN_FTS = (
    "PRAGMA temp_store = MEMORY",
    'CREATE VIRTUAL TABLE IF NOT EXISTS temp.shown_fts USING fts5(title, summary, body, tokenize="porter unicode61 remove_diacritics 2")',
)


# Built once, run with each search's ids and query: a search spends no time making them.
_CLEAR_SHOWN = delete(_SHOWN_TABLE)
_INDEX_SHOWN = insert(_SHOWN_TABLE).from_select(
    ["rowid", "title", "summary", "body"],
    select(Article.id, Article.title, Article.summary, Article.body).where(
        Article.id.in_(bindparam("ids", expanding=True))
    ),
)
_SHOWN = literal_column("shown_fts")
_SNIPPETS = select(
    _SHOWN_TABLE.c.rowid,
    func.snippet(_SHOWN, literal_column("-1"), *map(literal, _MARKERS), literal("…"), literal_column("16")),
).where(_SHOWN.op("MATCH")(bindparam("query")))


def _sqlite_snippets(connection: Connection, query: str, ids: list[int]) -> dict[int, str]:
    """FTS5 snippets of the rows shown, from an in-memory index of just those rows.

    snippet() on the archive's index must find each row again through it (0.15 ms a row
    for a common word); indexing the 20 rows shown anew and matching there is a fifth of
    that, with the same tokenizer, stemming and choice of fragment.
    """
    if not ids:
        return {}
    if is_chinese(parse(query)):
        return _chinese_snippets(connection, query, ids)
    if not connection.info.get("shown_fts"):
        for statement in _SHOWN_FTS:
            connection.exec_driver_sql(statement)
        connection.info["shown_fts"] = True
    connection.execute(_CLEAR_SHOWN)  # a search that failed half-way may have left rows
    connection.execute(_INDEX_SHOWN, {"ids": ids})
    return dict(connection.execute(_SNIPPETS, {"query": fts_query(query)}).all())  # type: ignore[arg-type]


def _chinese_snippets(connection: Connection, query: str, ids: list[int]) -> dict[int, str]:
    """Passages of the rows shown around the query's Chinese words (the index holds bigrams)."""
    needles = chinese_words(parse(query))
    texts = select(Article.id, Article.title, Article.summary, Article.body).where(Article.id.in_(ids))
    return {row.id: chinese.snippet(row[1:], needles) for row in connection.execute(texts)}


_ENGLISH = literal_column("'english'::regconfig")
_SIMPLE = literal_column("'simple'::regconfig")
_HEADLINE = f"StartSel={_MARKERS[0]}, StopSel={_MARKERS[1]}, MaxFragments=1, MaxWords=30, MinWords=12, FragmentDelimiter=…"


def _postgres_vector(query: str) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The tsvector a query runs on (the Chinese one for a query with Han characters), and the tsquery."""
    if is_chinese(node := parse(query)):
        return _POSTGRES_ZH.c.search_vector, func.to_tsquery(_SIMPLE, to_tsquery(segmented(node)))
    return literal_column("articles.search_vector"), func.to_tsquery(_ENGLISH, to_tsquery(node))


def _postgres_matches(query: str, where: ArticleFilter) -> tuple[Select[Any], ColumnElement[Any]]:
    """The ids of the articles matching `query` and `where`, and the tsquery."""
    vector, tsquery = _postgres_vector(query)
    matches = _with_vector(select(Article.id).where(vector.op("@@")(tsquery)), vector)
    return where.apply(matches), tsquery


def _with_vector(query: Select[Any], vector: ColumnElement[Any]) -> Select[Any]:
    """The query joined to the Chinese index when it reads that index's vector."""
    if vector is _POSTGRES_ZH.c.search_vector:
        return query.join(_POSTGRES_ZH, _POSTGRES_ZH.c.article_id == Article.id)
    return query


def _ordered(query: Select[Any], score: Any, published_at: Any, sort: str) -> Select[Any]:
    if sort == "newest":
        return query.order_by(published_at.desc().nulls_last(), score.desc())
    if sort == "oldest":
        return query.order_by(published_at.asc().nulls_last(), score.desc())
    return query.order_by(score.desc(), published_at.desc().nulls_last())


def _postgres_query(query: str, where: ArticleFilter, sort: str, limit: int, window: int | None) -> Select[Any]:
    matches, tsquery = _postgres_matches(query, where)
    if sort == "relevance" and window is not None:
        matches = matches.order_by(Article.id.desc()).limit(window)
    ids = matches.subquery("matches")
    vector, _ = _postgres_vector(query)
    score = func.ts_rank(vector, tsquery).label("score")
    ranked = _with_vector(select(*_COLUMNS, score).join(ids, ids.c.id == Article.id), vector)
    top = _ordered(ranked, literal_column("score"), Article.published_at, sort).limit(limit).subquery("top")
    # ts_headline reads whole texts: only for the rows shown, after the limit.
    text = func.concat_ws(" ", Article.title, Article.summary, Article.body)
    snippet = func.ts_headline(_ENGLISH, text, tsquery, _HEADLINE).label("snippet")
    outer = select(*(top.c[c.key] for c in _COLUMNS), snippet, top.c.score).join(Article, Article.id == top.c.id)
    return _ordered(outer, top.c.score, top.c.published_at, sort)


def _failed(query: str, exc: DBAPIError) -> SearchQueryError:
    reason = str(exc.orig or exc).strip().splitlines()[0]
    return SearchQueryError(f"cannot search for {query[:80]!r}: {reason}")


def more_matches_than(engine: Engine, query: str, where: ArticleFilter | None, count: int) -> bool:
    """Whether more than `count` articles match: reads at most `count` + 1 matches."""
    where = where or ArticleFilter()
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                matches = _postgres_matches(query, where)[0]
            else:
                matches = _sqlite_matches(query, where, _date_span(connection, where))
            counted = select(func.count()).select_from(matches.limit(count + 1).subquery())
            return connection.execute(counted).scalar_one() > count
    except DBAPIError as exc:
        raise _failed(query, exc) from exc


def search(
    engine: Engine,
    query: str,
    where: ArticleFilter | None = None,
    *,
    sort: str = "relevance",
    limit: int = 20,
    window: int | None = RANK_WINDOW,
) -> list[SearchHit]:
    """Articles matching `query` (see query.py) and `where`, best or newest or oldest first.

    By relevance, only the `window` most recently archived matches are ranked (None: all of them).
    """
    if sort not in SORTS:
        raise SearchQueryError(f"unknown sort {sort!r} (known: {', '.join(SORTS)})")
    where = where or ArticleFilter()
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                rows = connection.execute(_postgres_query(query, where, sort, limit, window)).all()
                snippets = {row.id: row.snippet for row in rows}
                if is_chinese(parse(query)):
                    snippets = _chinese_snippets(connection, query, list(snippets))
            else:
                span = _date_span(connection, where)
                rows = connection.execute(_sqlite_query(query, where, span, sort, limit, window)).all()
                snippets = _sqlite_snippets(connection, query, [row.id for row in rows])
    except DBAPIError as exc:
        raise _failed(query, exc) from exc
    # Snippets span paragraphs: one line each, for tables and CSV alike.
    return [
        SearchHit(**{**row._mapping, "snippet": " ".join((snippets.get(row.id) or "").split())})
        for row in rows
    ]
