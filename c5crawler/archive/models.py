"""The archive's tables, as SQL users see them (documented in docs/schema.md)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the archive")
        value = value.astimezone(timezone.utc)
        # SQLite has no time zones: keep plain UTC text that sorts and compares.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One row per canonical URL: the current version of the article."""

    __tablename__ = "articles"
    # Source first: a search filtered by source and dates reads the ids it needs from this index alone.
    __table_args__ = (Index("ix_articles_source_published_at", "source", "published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(128))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_raw: Mapped[str | None] = mapped_column(Text)
    date_source: Mapped[str | None] = mapped_column(String(128))  # a conflict between dates is noted here
    date_precision: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    headings: Mapped[list[str]] = mapped_column(JSON, default=list)
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    topics: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="en")
    extractor: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    revisions: Mapped[list[Revision]] = relationship(
        back_populates="article", order_by="Revision.id", cascade="all, delete-orphan"
    )
    credits: Mapped[list[Credit]] = relationship(
        order_by="Credit.position", cascade="all, delete-orphan"
    )
    turns: Mapped[list[Turn]] = relationship(order_by="Turn.position", cascade="all, delete-orphan")
    quotes: Mapped[list[Quote]] = relationship(
        order_by="Quote.position", cascade="all, delete-orphan"
    )
    mentions: Mapped[list[Mention]] = relationship(cascade="all, delete-orphan")
    # The `topics` JSON as rows, so SQL (and `--topic`) can filter on it on any backend.
    topic_entries: Mapped[list[Topic]] = relationship(cascade="all, delete-orphan")


class Revision(Base):
    """Every distinct version ever fetched, with the page as served (zlib-compressed)."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fetched_url: Mapped[str] = mapped_column(String(2048))
    http_status: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    html_zlib: Mapped[bytes | None] = mapped_column(LargeBinary)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))

    article: Mapped[Article] = relationship(back_populates="revisions")


class Credit(Base):
    """Who the article credits: role `author`, `contributor` or `agency`."""

    __tablename__ = "credits"
    __table_args__ = (Index("ix_credits_role_name", "role", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(256))
    position: Mapped[int] = mapped_column(Integer)


class Turn(Base):
    """One speaker's turn in a press conference, in order."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(256), index=True)
    role: Mapped[str] = mapped_column(String(16))
    outlet: Mapped[str | None] = mapped_column(String(256))
    text: Mapped[str] = mapped_column(Text)


class Quote(Base):
    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(256), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class Mention(Base):
    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_kind_name", "kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # country, person, organisation
    name: Mapped[str] = mapped_column(String(256))
    count: Mapped[int] = mapped_column(Integer)


class Topic(Base):
    """A topic an article was tagged with (see c5crawler/enrich), with its score."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[float] = mapped_column(Float)


class Translation(Base):
    """The same press conference (or remarks) in two languages: the Chinese original and its translation.

    Linked by date, spokesperson and kind; `country_overlap` is the share of the
    countries named in the shorter text that the other names too (see translations.py).
    """

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("original_id", "translation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    original_language: Mapped[str] = mapped_column(String(8))
    translation_language: Mapped[str] = mapped_column(String(8))
    country_overlap: Mapped[float | None] = mapped_column(Float)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DroppedPage(Base):
    """A page a crawl fetched and did not archive (not an article; not diplomacy under C5_KEEP=diplomacy).

    Remembered so that later runs do not download it again until its feed,
    sitemap or listing shows a change, or `crawl --refetch-dropped` asks for it.
    """

    __tablename__ = "dropped_pages"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(256))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where it was fetched from (a mirror's address); None for rows older than revision 0004.
    fetched_url: Mapped[str | None] = mapped_column(String(2048))


class CrawlRun(Base):
    """One row per run of a spider: what it did and how it ended."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(32), default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Which process ran it (`host:pid`) and, for a shared crawl, its crawl id.
    worker_id: Mapped[str | None] = mapped_column(String(128))
    crawl_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # Renewed while the run is alive: a `running` run whose heartbeat stopped is stale.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
