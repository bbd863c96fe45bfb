"""The filters `search`, `export` and `stats` share, as SQL conditions on `articles`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_
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
