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
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, or_, select

from c5crawler.archive.models import Article, Mention, Translation, utcnow
from c5crawler.items import ArticleRecord
from c5crawler.normalise.dates import BEIJING
from c5crawler.normalise.turns import english_name, spokesperson_from_title

PAIRED_KINDS = frozenset({"press_conference", "remarks", "statement"})
ORIGINAL, TRANSLATED = "zh", "en"
MIN_OVERLAP = 0.5

# Built once: built anew for each article, the statements cost more than running them.
# Runs of days looked up per statement; the last run fills the statement's unused ones.
_SPANS = 16
_DAY_ARTICLES = select(Article.id, Article.title, Article.source, Article.kind, Article.published_at).where(
    or_(
        *(
            (Article.published_at >= bindparam(f"start{i}")) & (Article.published_at < bindparam(f"end{i}"))
            for i in range(_SPANS)
        )
    ),
    # The kind first: it is read before the body, the language after it.
    Article.kind.in_(sorted(PAIRED_KINDS)),
    Article.language == bindparam("language"),
)
_COUNTRIES = select(Mention.article_id, Mention.name).where(
    Mention.article_id.in_(bindparam("ids", expanding=True)), Mention.kind == "country"
)
_UNLINK = delete(Translation).where(
    or_(Translation.original_id == bindparam("article_id"), Translation.translation_id == bindparam("article_id"))
)
_PAIR = select(Translation.id).where(
    Translation.original_id == bindparam("original"), Translation.translation_id == bindparam("translation")
)
_LINK = insert(Translation)


def overlap(ours: set[str], theirs: set[str]) -> float | None:
    """Share of the countries of the text naming fewer that the other names too (None: one names none)."""
    if not ours or not theirs:
        return None
    return len(ours & theirs) / min(len(ours), len(theirs))


def _countries(connection: Connection, article_ids: set[int]) -> dict[int, set[str]]:
    """The countries each article names."""
    named: dict[int, set[str]] = {}
    for article_id, name in connection.execute(_COUNTRIES, {"ids": sorted(article_ids)}):
        named.setdefault(article_id, set()).add(name)
    return named


def _pairable(record: ArticleRecord) -> bool:
    return record["kind"] in PAIRED_KINDS and record["language"] in (ORIGINAL, TRANSLATED) and bool(
        record["published_at"]
    )


def _beijing_day(record: ArticleRecord) -> date:
    published = datetime.fromisoformat(record["published_at"].replace("Z", "+00:00"))  # type: ignore[union-attr]
    return published.astimezone(BEIJING).date()


def _published_on(connection: Connection, wanted: set[tuple[date, str]]) -> dict[tuple[date, str], list[Row[Any]]]:
    """The paired kinds' articles of each (Beijing day, language), in order of publication (then id).

    A range of the published_at index for each run of consecutive days of a language
    (a source's index would scan all its articles), up to _SPANS of them per statement.
    """
    found: dict[tuple[date, str], list[Row[Any]]] = {}
    for language in sorted({language for _, language in wanted}):
        spans: list[list[date]] = []
        for day in sorted(day for day, other in wanted if other == language):
            if spans and (day - spans[-1][1]).days == 1:
                spans[-1][1] = day
            else:
                spans.append([day, day])
        for chunk in range(0, len(spans), _SPANS):
            bounds: dict[str, Any] = {"language": language}
            for i in range(_SPANS):
                first, last = spans[min(chunk + i, len(spans) - 1)]
                bounds[f"start{i}"], bounds[f"end{i}"] = _midnight(first), _midnight(last + timedelta(days=1))
            for row in sorted(connection.execute(_DAY_ARTICLES, bounds), key=lambda row: (row.published_at, row.id)):
                found.setdefault((row.published_at.astimezone(BEIJING).date(), language), []).append(row)
    return found


def _other_language(record: ArticleRecord) -> str:
    return TRANSLATED if record["language"] == ORIGINAL else ORIGINAL


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BEIJING)


def link_many(connection: Connection, saved: Iterable[tuple[int, ArticleRecord, bool]]) -> None:
    """Link each saved article (id, record, whether it is new) to its version in the other language.

    In order, each as if linked alone: an article archived before loses its old links
    first, so it is linked as it now reads (a changed article may have lost its date or
    kind); a new one that cannot have a translation costs nothing. The candidates (the
    articles of each day) and the countries they name are read once for all of them.
    """
    saved = [(article_id, record, new) for article_id, record, new in saved if _pairable(record) or not new]
    pairable = [record for _, record, _ in saved if _pairable(record)]
    days = _published_on(connection, {(_beijing_day(record), _other_language(record)) for record in pairable})
    speakers: dict[int, str | None] = {}

    def speaker_of(row: Row[Any]) -> str | None:
        if row.id not in speakers:
            speakers[row.id] = english_name(spokesperson_from_title(row.title))
        return speakers[row.id]

    # Each article's candidates: the same day, source and kind, the other language, the same spokesperson.
    candidates: list[list[int] | None] = []
    for article_id, record, _ in saved:
        if not _pairable(record):
            candidates.append(None)
            continue
        speaker = english_name(spokesperson_from_title(record["title"]))
        candidates.append([
            row.id
            for row in days.get((_beijing_day(record), _other_language(record)), [])
            if (row.source, row.kind) == (record["source"], record["kind"]) and speaker_of(row) == speaker
        ])
    compared = {candidate for found in candidates if found for candidate in found}
    named = _countries(connection, compared) if compared else {}
    for (article_id, record, new), found in zip(saved, candidates):
        if not new:
            connection.execute(_UNLINK, {"article_id": article_id})
        if found is not None:
            _link(connection, article_id, record, found, named)


def _link(
    connection: Connection, article_id: int, record: ArticleRecord, candidates: list[int], named: dict[int, set[str]]
) -> None:
    """Link the article to the candidate (same day, kind and spokesperson) whose countries overlap best."""
    ours = {str(entry["name"]) for entry in record["mentions"].get("countries", [])}
    best: tuple[float, int] | None = None
    for candidate_id in candidates:
        share = overlap(ours, named.get(candidate_id, set()))
        if share is not None and share < MIN_OVERLAP:
            continue
        score = -1.0 if share is None else share
        if best is None or score > best[0]:
            best = (score, candidate_id)
    if best is None:
        return
    original, translation = (article_id, best[1]) if record["language"] == ORIGINAL else (best[1], article_id)
    if connection.scalar(_PAIR, {"original": original, "translation": translation}) is not None:
        return  # both versions saved together: linked when the first of them was
    connection.execute(
        _LINK,
        {
            "original_id": original,
            "translation_id": translation,
            "original_language": ORIGINAL,
            "translation_language": TRANSLATED,
            "country_overlap": None if best[0] < 0 else best[0],
            "linked_at": utcnow(),
        },
    )


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
