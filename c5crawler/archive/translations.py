"""Linking a press conference's Chinese original and its English translation.

The Ministry publishes the Chinese transcript first and the English one hours or
days later, sometimes shorter. The two are the same kind (press conference,
remarks, statement) of the same source, on the same day (Beijing time), by the
same spokesperson (华春莹 is Hua Chunying); the countries each names must overlap:
at least MIN_OVERLAP of those named in the text naming fewer are named in the
other. Among several candidates the best overlap wins.

Links are made when either version is saved (whichever arrives first finds no
partner; the second finds the first) and made again by `c5crawler reparse`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select

from c5crawler.archive.models import Article, Mention, Translation, utcnow
from c5crawler.items import ArticleRecord
from c5crawler.normalise.dates import BEIJING
from c5crawler.normalise.turns import english_name, spokesperson_from_title

PAIRED_KINDS = frozenset({"press_conference", "remarks", "statement"})
ORIGINAL, TRANSLATED = "zh", "en"
MIN_OVERLAP = 0.5


def overlap(ours: set[str], theirs: set[str]) -> float | None:
    """Share of the countries of the text naming fewer that the other names too (None: one names none)."""
    if not ours or not theirs:
        return None
    return len(ours & theirs) / min(len(ours), len(theirs))


def _day_span(published_at: datetime) -> tuple[datetime, datetime]:
    """The Beijing day of `published_at`, as UTC bounds."""
    day = published_at.astimezone(BEIJING).date()
    start = datetime.combine(day, time(), tzinfo=BEIJING)
    return start, start + timedelta(days=1)


def _countries(connection: Connection, article_ids: list[int]) -> dict[int, set[str]]:
    """The countries each article names."""
    if not article_ids:
        return {}
    named: dict[int, set[str]] = {}
    query = select(Mention.article_id, Mention.name).where(Mention.article_id.in_(article_ids), Mention.kind == "country")
    for article_id, name in connection.execute(query):
        named.setdefault(article_id, set()).add(name)
    return named


def _pairable(record: ArticleRecord) -> bool:
    return record["kind"] in PAIRED_KINDS and record["language"] in (ORIGINAL, TRANSLATED) and bool(
        record["published_at"]
    )


def link(connection: Connection, article_id: int, record: ArticleRecord, new: bool = False) -> int | None:
    """Link the article (saved as `record`) to its version in the other language; returns that one's id.

    The old links of an article archived before are removed first, so it is linked as it now reads.
    """
    if not new:
        connection.execute(
            delete(Translation).where(or_(Translation.original_id == article_id, Translation.translation_id == article_id))
        )
    if not _pairable(record):
        return None
    speaker = english_name(spokesperson_from_title(record["title"]))
    published = datetime.fromisoformat(record["published_at"].replace("Z", "+00:00"))  # type: ignore[union-attr]
    start, end = _day_span(published)
    other = TRANSLATED if record["language"] == ORIGINAL else ORIGINAL
    # Only the published_at index is used (a source's index would scan all its articles); the
    # day's few articles are sorted out here.
    day = connection.execute(
        select(Article.id, Article.title, Article.source, Article.kind, Article.language).where(
            Article.published_at >= start, Article.published_at < end
        )
    ).all()
    candidates = [
        (row.id, row.title)
        for row in day
        if (row.source, row.kind, row.language) == (record["source"], record["kind"], other) and row.id != article_id
    ]
    ours = {str(entry["name"]) for entry in record["mentions"].get("countries", [])}
    best: tuple[float, int] | None = None
    same_speaker = [c for c, title in candidates if english_name(spokesperson_from_title(title)) == speaker]
    named = _countries(connection, same_speaker)
    for candidate_id in same_speaker:
        share = overlap(ours, named.get(candidate_id, set()))
        if share is not None and share < MIN_OVERLAP:
            continue
        score = -1.0 if share is None else share
        if best is None or score > best[0]:
            best = (score, candidate_id)
    if best is None:
        return None
    original, translation = (article_id, best[1]) if record["language"] == ORIGINAL else (best[1], article_id)
    pair = (Translation.original_id == original) & (Translation.translation_id == translation)
    if connection.scalar(select(Translation.id).where(pair)) is not None:
        return best[1]  # both versions saved together: linked when the first of them was
    connection.execute(
        insert(Translation).values(
            original_id=original,
            translation_id=translation,
            original_language=ORIGINAL,
            translation_language=TRANSLATED,
            country_overlap=None if best[0] < 0 else best[0],
            linked_at=utcnow(),
        )
    )
    return best[1]


def link_many(connection: Connection, saved: Iterable[tuple[int, ArticleRecord, bool]]) -> None:
    """Link each saved article (id, record, whether it is new) that can have a translation.

    A changed article is always relinked (it may have lost its date or kind); a new
    one that cannot have a translation costs nothing.
    """
    for article_id, record, new in saved:
        if _pairable(record) or not new:
            link(connection, article_id, record, new)


def translations_of(connection: Connection, article_id: int) -> list[dict[str, Any]]:
    """The article's versions in other languages: [{url, language, title}]."""
    other = Article.__table__.alias("other")
    query = (
        select(other.c.url, other.c.language, other.c.title)
        .select_from(Translation)
        .join(
            other,
            or_(
                (Translation.original_id == article_id) & (other.c.id == Translation.translation_id),
                (Translation.translation_id == article_id) & (other.c.id == Translation.original_id),
            ),
        )
        .order_by(other.c.id)
    )
    return [dict(row._mapping) for row in connection.execute(query)]
