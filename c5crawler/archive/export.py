"""Streaming exports of the archive: articles, credits, press-conference Q&A pairs, and
press conferences side by side with their translation.

Rows are read in batches on one connection (`yield_per`), so memory stays flat
however large the archive is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Engine, Select, select

from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.models import Article, Credit, Translation, Turn
from c5crawler.archive.store import CREDIT_ROLES
from c5crawler.enrich.alignment import align_questions
from c5crawler.normalise.dates import BEIJING, to_iso_z

BATCH = 1000

ARTICLE_FIELDS = [
    "id", "url", "source", "kind", "title", "summary", "section", "published_at",
    "updated_at", "date_raw", "date_source", "date_precision", "authors", "contributors",
    "agencies", "body", "language", "extractor", "content_hash", "first_seen_at",
    "last_seen_at", "deleted_at",
]
CREDIT_FIELDS = ["url", "published_at", "role", "name"]
# The CMFA PressCon corpus's layout: one row per question with the answer it got.
PAIR_FIELDS = ["date", "spokesperson", "outlet", "question", "answer", "url"]
# A press conference and its translation, one row per linked pair (see archive/translations.py).
TRANSLATION_FIELDS = [
    "date", "kind", "country_overlap",
    "original_language", "original_url", "original_title", "original_body",
    "translation_language", "translation_url", "translation_title", "translation_body",
]
# A question of the original with the same question of the translation (see translated_questions).
QUESTION_FIELDS = [
    "date", "original_url", "translation_url", "original_outlet", "translation_outlet",
    "original_question", "original_answer", "translation_question", "translation_answer", "likeness",
]


def _iso(value: datetime | None) -> str | None:
    return to_iso_z(value) if value else None


def _stream(engine: Engine, query: Select[Any]) -> Iterator[Any]:
    with engine.connect() as connection:
        yield from connection.execution_options(yield_per=BATCH).execute(query)


def article_rows(engine: Engine, where: ArticleFilter) -> Iterator[dict[str, Any]]:
    columns = [getattr(Article, f) for f in ARTICLE_FIELDS if hasattr(Article, f)]
    rows = _stream(engine, where.apply(select(*columns)).order_by(Article.published_at, Article.id))
    credits = _credits_by_article(engine, where)
    pending = next(credits, None)
    for row in rows:
        record = {k: (_iso(v) if isinstance(v, datetime) else v) for k, v in row._mapping.items()}
        names: dict[str, list[str]] = {key: [] for key, _ in CREDIT_ROLES}
        # Credits come in the same order as articles: merge them in one pass.
        while pending is not None and pending[0] == row.id:
            names = pending[1]
            pending = next(credits, None)
        yield {field: names.get(field, record.get(field)) for field in ARTICLE_FIELDS}


def _credits_by_article(engine: Engine, where: ArticleFilter) -> Iterator[tuple[int, dict[str, list[str]]]]:
    query = where.apply(
        select(Credit.article_id, Credit.role, Credit.name).join(Article, Article.id == Credit.article_id)
    ).order_by(Article.published_at, Article.id, Credit.role, Credit.position)
    keys = {role: key for key, role in CREDIT_ROLES}
    for article_id, group in groupby(_stream(engine, query), key=lambda r: r.article_id):
        names: dict[str, list[str]] = {key: [] for key, _ in CREDIT_ROLES}
        for credit in group:
            names[keys[credit.role]].append(credit.name)
        yield article_id, names


def credit_rows(engine: Engine, where: ArticleFilter) -> Iterator[dict[str, Any]]:
    query = where.apply(
        select(Article.url, Article.published_at, Credit.role, Credit.name).join(
            Credit, Credit.article_id == Article.id
        )
    ).order_by(Article.published_at, Article.id, Credit.role, Credit.position)
    for row in _stream(engine, query):
        yield {"url": row.url, "published_at": _iso(row.published_at), "role": row.role, "name": row.name}


def _answered(turns: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """(question, answer) turns: each journalist's question with the spokesperson's answer that follows it."""
    question = None
    for turn in turns:
        if turn.role == "journalist":
            question = turn
        elif turn.role == "spokesperson" and question is not None:
            yield question, turn
            question = None


def _beijing_day(published_at: datetime | None) -> str | None:
    """The day as the Ministry dates it (Beijing), not the UTC day."""
    return published_at.astimezone(BEIJING).date().isoformat() if published_at else None


def question_answer_pairs(engine: Engine, where: ArticleFilter) -> Iterator[dict[str, Any]]:
    """Each journalist's question with the spokesperson's answer that follows it.

    Announcements and unanswered questions are not pairs; they stay in `turns`.
    """
    query = where.apply(
        select(Article.id, Article.url, Article.published_at, Turn.role, Turn.speaker, Turn.outlet, Turn.text)
        .join(Turn, Turn.article_id == Article.id)
    ).order_by(Article.published_at, Article.id, Turn.position)
    for _, turns in groupby(_stream(engine, query), key=lambda r: r.id):
        for question, answer in _answered(turns):
            yield {
                "date": _beijing_day(answer.published_at),
                "spokesperson": answer.speaker,
                "outlet": question.outlet,
                "question": question.text,
                "answer": answer.text,
                "url": answer.url,
            }


def translation_pairs(engine: Engine, where: ArticleFilter) -> Iterator[dict[str, Any]]:
    """Each linked original (filtered by `where`) with its translation, side by side."""
    translated = Article.__table__.alias("translated")
    query = where.apply(
        select(
            Article.published_at, Article.kind, Translation.country_overlap,
            Translation.original_language, Article.url, Article.title, Article.body,
            Translation.translation_language, translated.c.url, translated.c.title, translated.c.body,
        )
        .join(Translation, Translation.original_id == Article.id)
        .join(translated, translated.c.id == Translation.translation_id)
    ).order_by(Article.published_at, Article.id, Translation.id)
    for row in _stream(engine, query):
        published, *rest = row
        yield dict(zip(TRANSLATION_FIELDS, [_beijing_day(published), *rest]))


def translated_questions(engine: Engine, where: ArticleFilter) -> Iterator[dict[str, Any]]:
    """Each question of a linked original (filtered by `where`) with the same question in the
    translation, and both answers, where their content agrees (see enrich/alignment.py)."""
    translated = Article.__table__.alias("translated")
    links = where.apply(
        select(Article.published_at, Article.url, translated.c.url, Translation.original_id, Translation.translation_id)
        .join(Translation, Translation.original_id == Article.id)
        .join(translated, translated.c.id == Translation.translation_id)
    ).order_by(Article.published_at, Article.id, Translation.id)
    turns = select(Turn.role, Turn.outlet, Turn.text).order_by(Turn.position)
    with engine.connect() as connection:
        for published, original_url, translation_url, original_id, translation_id in connection.execute(links).all():
            ours = list(_answered(connection.execute(turns.where(Turn.article_id == original_id))))
            theirs = list(_answered(connection.execute(turns.where(Turn.article_id == translation_id))))
            for i, j, score in align_questions([q.text for q, _ in ours], [q.text for q, _ in theirs]):
                yield dict(zip(QUESTION_FIELDS, [
                    _beijing_day(published), original_url, translation_url, ours[i][0].outlet, theirs[j][0].outlet,
                    ours[i][0].text, ours[i][1].text, theirs[j][0].text, theirs[j][1].text, round(score, 3),
                ]))
