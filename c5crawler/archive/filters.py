"""The filters `search`, `export` and `stats` share, as SQL conditions on `articles`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, exists, func, or_, select
from sqlalchemy.orm import aliased

from c5crawler.archive.models import Article, Credit, Mention, Quote, Topic, Turn

# `--author` finds the byline and the "also contributed" names: both wrote it.
AUTHOR_ROLES = ("author", "contributor")


def _same_name(column: Any, value: str) -> ColumnElement[bool]:
    # Both sides through the database's lower(), so they fold the same way.
    return func.lower(column) == func.lower(value)


@dataclass
class ArticleFilter:
    source: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    author: str | None = None
    speaker: str | None = None  # a press-conference turn's speaker, or a quote's
    section: str | None = None
    mentions: str | None = None  # a country, person or organisation the article mentions
    topic: str | None = None  # a topic it is tagged with, e.g. diplomacy
    language: str | None = None  # the page's language code: en, zh, ...

    def dates(self) -> list[ColumnElement[bool]]:
        """The conditions on the publication date alone."""
        return [
            *([Article.published_at >= self.since] if self.since else []),
            *([Article.published_at < self.until] if self.until else []),
        ]

    def apply(self, query: Select[Any]) -> Select[Any]:
        query = query.where(*self.dates())
        if self.source:
            query = query.where(Article.source == self.source)
        if self.kind:
            query = query.where(Article.kind == self.kind)
        if self.section:
            query = query.where(_same_name(Article.section, self.section))
        if self.language:
            query = query.where(_same_name(Article.language, self.language))
        # Aliases: the query may itself read credits or turns (export does), and the
        # subqueries must not correlate to those.
        if self.author:
            credit = aliased(Credit)
            query = query.where(
                exists().where(
                    credit.article_id == Article.id,
                    credit.role.in_(AUTHOR_ROLES),
                    _same_name(credit.name, self.author),
                )
            )
        if self.speaker:
            turn, quote = aliased(Turn), aliased(Quote)
            query = query.where(
                or_(
                    exists().where(turn.article_id == Article.id, _same_name(turn.speaker, self.speaker)),
                    exists().where(quote.article_id == Article.id, _same_name(quote.speaker, self.speaker)),
                )
            )
        if self.mentions:
            mention = aliased(Mention)
            query = query.where(
                exists().where(mention.article_id == Article.id, _same_name(mention.name, self.mentions))
            )
        if self.topic:
            topic = aliased(Topic)
            query = query.where(exists().where(topic.article_id == Article.id, _same_name(topic.name, self.topic)))
        return query


class UnknownValue(ValueError):
    """A filter value neither the code nor the archive knows (the message lists the known ones)."""


def _code_values(name: str) -> set[str]:
    """The values the code itself gives the field: the registry of sources, the kinds, ..."""
    if name == "source":
        from c5crawler import settings
        from c5crawler.extract import SOURCES
        from c5crawler.sources import SourcesError, load_sources

        try:  # the configured sources file's ids are sources too, once `feeds` crawls them
            feeds = set(load_sources(settings.C5_SOURCES_FILE))
        except SourcesError:
            feeds = set()
        return set(SOURCES) | feeds
    if name == "topic":
        from c5crawler.enrich import TOPICS

        return set(TOPICS)
    from c5crawler.items import KINDS, LANGUAGES

    return set(KINDS if name == "kind" else LANGUAGES)


# The filters with a closed list of values, and where the archive holds theirs.
_CLOSED = {"source": Article.source, "kind": Article.kind, "language": Article.language, "topic": Topic.name}


def check_known(connection: Connection, where: ArticleFilter) -> None:
    """Raise UnknownValue for a source, kind, language or topic that the code does not know
    and that no archived article has: it can only be a typo (`cgnt`), never a match."""
    for name, column in _CLOSED.items():
        value = getattr(where, name)
        if value is None:
            continue
        code = _code_values(name)
        # A topic matches in any case, as `apply` compares it; the others exactly.
        fold = str.lower if name == "topic" else str
        if fold(value) in {fold(v) for v in code}:
            continue
        same = _same_name(column, value) if name == "topic" else column == value
        if connection.scalar(select(exists().where(same))):
            continue
        held = set(connection.scalars(select(column).distinct()))
        raise UnknownValue(f"unknown {name} {value!r} (known: {', '.join(sorted(code | held))})")
