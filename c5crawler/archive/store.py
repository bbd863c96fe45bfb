"""Writing to the archive: one article per canonical URL, one revision per distinct version."""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, null, select
from sqlalchemy.orm import Session

from c5crawler.archive.models import (
    Article,
    CrawlRun,
    Credit,
    DroppedPage,
    Mention,
    Quote,
    Revision,
    Topic,
    Turn,
    utcnow,
)
from c5crawler.items import ArticleRecord, FetchedPage

CREDIT_ROLES = (("authors", "author"), ("contributors", "contributor"), ("agencies", "agency"))
MENTION_KINDS = (("countries", "country"), ("people", "person"), ("organisations", "organisation"))

# Record keys that are `articles` columns as they are.
_SCALAR_COLUMNS = (
    "source", "kind", "title", "summary", "section", "date_raw", "date_source",
    "date_precision", "body", "headings", "images", "topics", "language",
    "extractor", "content_hash",
)


@dataclass
class RunCounts:
    pages_fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    dropped: int = 0
    errors: int = 0


@dataclass(frozen=True)
class FetchState:
    last_seen_at: datetime
    published_at: datetime | None


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def apply_record(article: Article, record: ArticleRecord) -> None:
    """Make the article row (and its credits, turns, quotes, mentions) say what `record` says."""
    for key in _SCALAR_COLUMNS:
        setattr(article, key, record[key])  # type: ignore[literal-required]
    article.published_at = parse_iso(record["published_at"])
    article.updated_at = parse_iso(record["updated_at"])
    article.credits = [
        Credit(role=role, name=name, position=position)
        for key, role in CREDIT_ROLES
        for position, name in enumerate(record[key])  # type: ignore[literal-required]
    ]
    article.turns = [Turn(position=i, **turn) for i, turn in enumerate(record["turns"])]
    article.quotes = [Quote(position=i, **quote) for i, quote in enumerate(record["quotes"])]
    article.topic_entries = [
        Topic(name=str(topic["name"]), score=float(topic["score"]))  # type: ignore[arg-type]
        for topic in record["topics"]
    ]
    article.mentions = [
        Mention(kind=kind, name=str(entry["name"]), count=int(entry["count"]))  # type: ignore[call-overload]
        for key, kind in MENTION_KINDS
        for entry in record["mentions"].get(key, [])
    ]


class ArchiveStore:
    """The only writer of the archive; every call is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, record: ArticleRecord, page: FetchedPage, run_id: int | None = None) -> str:
        """Archive one fetched article; returns `new`, `updated` or `unchanged`."""
        fetched_at = parse_iso(page["fetched_at"]) or utcnow()
        with Session(self.engine) as session, session.begin():
            article = session.scalar(select(Article).where(Article.url == record["url"]))
            if article is not None and article.content_hash == record["content_hash"]:
                article.last_seen_at = fetched_at
                article.deleted_at = None
                return "unchanged"
            outcome = "new" if article is None else "updated"
            if article is None:
                session.execute(delete(DroppedPage).where(DroppedPage.url == record["url"]))
                article = Article(url=record["url"], first_seen_at=fetched_at)
                session.add(article)
            apply_record(article, record)
            article.last_seen_at = fetched_at
            article.deleted_at = None
            article.revisions.append(
                Revision(
                    fetched_at=fetched_at,
                    fetched_url=page["url"],
                    http_status=page["status"],
                    content_hash=record["content_hash"],
                    html_zlib=zlib.compress(page["html"], 6),
                    record=dict(record),
                    crawl_run_id=run_id,
                )
            )
            return outcome

    def fetch_state(self, url: str) -> FetchState | None:
        """When a page was last fetched (and published), archived or dropped; None if never."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(Article.last_seen_at, Article.published_at).where(Article.url == url)
            ).first()
            if row is None:
                row = connection.execute(
                    select(DroppedPage.last_seen_at, null()).where(DroppedPage.url == url)
                ).first()
        return FetchState(row[0], row[1]) if row else None

    def remember_dropped(self, url: str, source: str, reason: str, when: datetime) -> None:
        """Note a page that was fetched and not archived, so unchanged it is not fetched again."""
        with Session(self.engine) as session, session.begin():
            session.merge(DroppedPage(url=url, source=source, reason=reason, last_seen_at=when))

    def mark_deleted(self, url: str, when: datetime) -> bool:
        """Record that an archived article is gone from the site; its content stays."""
        with Session(self.engine) as session, session.begin():
            article = session.scalar(select(Article).where(Article.url == url))
            if article is None or article.deleted_at is not None:
                return False
            article.deleted_at = when
            return True

    def recent_run_stats(self, spider: str, limit: int = 10) -> list[dict[str, Any]]:
        """The stats of the spider's last finished runs, newest first (the alarms' history)."""
        with Session(self.engine) as session:
            return list(
                session.scalars(
                    select(CrawlRun.stats)
                    .where(CrawlRun.spider == spider, CrawlRun.outcome == "finished")
                    .order_by(CrawlRun.id.desc())
                    .limit(limit)
                )
            )

    def probe_write(self) -> None:
        """Raise now if the archive cannot take a write (read-only, locked, full), not mid-crawl."""
        with Session(self.engine) as session, session.begin():
            session.add(CrawlRun(spider="(write probe)", started_at=utcnow(), outcome="probe"))
            session.flush()
            session.rollback()

    def close_interrupted_runs(self) -> int:
        """Runs still `running` when no crawl holds the lock were killed: say so."""
        with Session(self.engine) as session, session.begin():
            runs = session.scalars(select(CrawlRun).where(CrawlRun.outcome == "running")).all()
            for run in runs:
                run.outcome = "interrupted"
            return len(runs)

    def start_run(self, spider: str) -> int:
        with Session(self.engine) as session, session.begin():
            run = CrawlRun(spider=spider, started_at=utcnow(), outcome="running")
            session.add(run)
            session.flush()
            return run.id

    def finish_run(
        self, run_id: int, counts: RunCounts, outcome: str, stats: dict[str, Any]
    ) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get_one(CrawlRun, run_id)
            for key, value in asdict(counts).items():
                setattr(run, key, value)
            run.finished_at = utcnow()
            run.outcome = outcome
            run.stats = stats


def revision_html(revision: Revision) -> bytes:
    """The page as it was fetched for this revision."""
    return zlib.decompress(revision.html_zlib) if revision.html_zlib else b""
