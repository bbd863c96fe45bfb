"""The filters `search`, `export` and `stats` share, as SQL conditions on `articles`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_

from c5crawler.archive.models import Article, Credit, Quote, Turn

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

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.source:
            query = query.where(Article.source == self.source)
        if self.kind:
            query = query.where(Article.kind == self.kind)
        if self.since:
            query = query.where(Article.published_at >= self.since)
        if self.until:
            query = query.where(Article.published_at < self.until)
        if self.section:
            query = query.where(_same_name(Article.section, self.section))
        if self.author:
            query = query.where(
                exists().where(
                    Credit.article_id == Article.id,
                    Credit.role.in_(AUTHOR_ROLES),
                    _same_name(Credit.name, self.author),
                )
            )
        if self.speaker:
            query = query.where(
                or_(
                    exists().where(Turn.article_id == Article.id, _same_name(Turn.speaker, self.speaker)),
                    exists().where(Quote.article_id == Article.id, _same_name(Quote.speaker, self.speaker)),
                )
            )
        return query
