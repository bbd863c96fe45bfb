"""Enrichment: mentions, quotes and diplomacy relevance, as one pure function of the record.

`enrich_record` is what the crawl (pipelines.EnrichPipeline) and `c5crawler extract`
both run. The name lists and rules are data files in `data/` (see docs/record.md).
"""

from __future__ import annotations

from c5crawler.enrich.mentions import Names, find_mentions, names_in, person_references
from c5crawler.enrich.quotes import find_quotes
from c5crawler.enrich.relevance import diplomacy_topic, rules
from c5crawler.items import ArticleRecord, Quote

DIPLOMACY = "diplomacy"
TOPICS = (DIPLOMACY,)  # every topic enrichment tags with: what `--topic` takes


def enrich_record(record: ArticleRecord) -> ArticleRecord:
    """A copy of the record with `mentions`, `quotes` and `topics` filled in."""
    title = record["title"]
    day = (record.get("published_at") or "")[:10] or None
    text, names, mentions = _read(title, record["body"], day, record.get("language"))
    score, reasons = diplomacy_topic(text, mentions, names.states, record["source"])
    topics = [{"name": DIPLOMACY, "score": score, "reasons": reasons}] if score >= rules().threshold else []
    return {
        **record,
        "mentions": mentions,
        "quotes": _turn_quotes(record) if record["turns"] else find_quotes(text, names.people, start=len(title) + 2),
        "topics": topics,
    }


def diplomacy_score(title: str, body: str, source: str | None = None) -> tuple[float, list[str], bool]:
    """The diplomacy score of a title and text, its reasons, and whether it reaches the threshold."""
    text, names, mentions = _read(title, body, None)
    score, reasons = diplomacy_topic(text, mentions, names.states, source)
    return score, reasons, score >= rules().threshold


def _read(
    title: str, body: str, day: str | None, language: str | None = None
) -> tuple[str, Names, dict[str, list[dict[str, object]]]]:
    """The text enrichment reads (title, then body), the names in it, and the mentions they make."""
    text = f"{title}\n\n{body}"
    names = names_in(text, chinese=language == "zh")
    return text, names, find_mentions(names, day)


def is_diplomacy(record: ArticleRecord) -> bool:
    """Did enrichment give the record the diplomacy topic?"""
    return any(topic["name"] == DIPLOMACY for topic in record["topics"])


def _turn_quotes(record: ArticleRecord) -> list[Quote]:
    """Quotes inside press-conference turns, each turn read on its own.

    The turns already say who speaks, so what a turn's own speaker says is not
    repeated as a quote; others quoted in it (a minister, a foreign official) are.
    """
    quotes: list[Quote] = []
    for turn in record["turns"]:
        quotes.extend(
            q for q in find_quotes(turn["text"], person_references(turn["text"])) if q["speaker"] != turn["speaker"]
        )
    return quotes
