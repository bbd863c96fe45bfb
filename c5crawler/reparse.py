"""Re-extract archived pages with today's extractors, offline.

Every revision keeps the page as it was served, so an improved extractor can be
run over the whole archive: each revision's stored record is replaced by the new
extraction, and each article's current row follows its latest revision, its
Chinese text is indexed again and its translation linked again. The record is
enriched again too, so a change of the relevance rules or name lists promotes
articles to the diplomacy topic or demotes them (their `topics` rows follow),
with no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from c5crawler.archive import chinese, translations
from c5crawler.archive.models import Article, Revision
from c5crawler.archive.store import apply_record, revision_html
from c5crawler.enrich import DIPLOMACY, is_diplomacy
from c5crawler.extract import UnknownSource
from c5crawler.items import ArticleRecord, DateText, ExtractionError
from c5crawler.normalise.record import EXTERNAL_DATE_SOURCES
from c5crawler.records import record_of_page

BATCH = 200


@dataclass
class ReparseCounts:
    articles: int = 0
    revisions: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    promoted: int = 0  # now tagged diplomacy, not before
    demoted: int = 0  # tagged diplomacy before, not now


def reextract(revision: Revision, source: str) -> ArticleRecord:
    """The record today's code makes of a stored page."""
    stored = revision.record
    # A date that came from the feed or sitemap is not in the page: keep it as a hint.
    hints: list[DateText] = []
    if stored.get("date_source") in EXTERNAL_DATE_SOURCES and stored.get("date_raw"):
        hints.append(DateText(text=stored["date_raw"], source=stored["date_source"], role="published"))
    return record_of_page(revision_html(revision), revision.fetched_url, source, hints)


def reparse(
    engine: Engine,
    source: str | None = None,
    since: datetime | None = None,
    progress: Callable[[ReparseCounts], None] | None = None,
) -> ReparseCounts:
    counts = ReparseCounts()
    last_id = 0
    while True:
        with Session(engine) as session, session.begin():
            query = (
                select(Article)
                .where(Article.id > last_id)
                .options(selectinload(Article.revisions))
                .order_by(Article.id)
                .limit(BATCH)
            )
            if source:
                query = query.where(Article.source == source)
            if since:
                query = query.where(Article.published_at >= since)
            articles = session.scalars(query).all()
            if not articles:
                return counts
            changed = [article for article in articles if _reparse_article(article, counts)]
            session.flush()
            connection = session.connection()
            chinese.index_articles(connection, [(a.id, a.language, a.title, a.summary, a.body) for a in changed])
            # Every article is linked again: its partner may have been reparsed since.
            translations.link_many(
                connection,
                [(a.id, a.revisions[-1].record, False) for a in articles if a.revisions],  # type: ignore[misc]
            )
            last_id = articles[-1].id
        if progress:
            progress(counts)


def _reparse_article(article: Article, counts: ReparseCounts) -> bool:
    """Re-extract the article's revisions; whether its current row changed."""
    counts.articles += 1
    latest: ArticleRecord | None = None  # set when the newest revision's record changed
    for revision in article.revisions:
        counts.revisions += 1
        try:
            record = reextract(revision, article.source)
        except (ExtractionError, UnknownSource):
            counts.failed += 1
            continue
        if record == revision.record:
            counts.unchanged += 1
            continue
        counts.changed += 1
        revision.record = dict(record)
        revision.content_hash = record["content_hash"]
        if revision is article.revisions[-1]:
            latest = record
    if latest is not None:
        was = any(topic["name"] == DIPLOMACY for topic in article.topics or [])
        apply_record(article, latest)
        now = is_diplomacy(latest)
        counts.promoted += now and not was
        counts.demoted += was and not now
    return latest is not None
