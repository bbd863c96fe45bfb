"""Health alarms for a crawl run: has a site redesign quietly broken extraction?

Pure functions over a run's stats and the recent runs of the same spider. A run
alarms when the share of its pages with a field (a date, a body of some length,
a byline, the site's own extractor) falls under a threshold or to under half of
what the spider usually gets, when it found no article links where it usually
finds some, or when more than a set share of its requests failed. A run that found
nothing new is not an alarm: coverage is judged only on runs that fetched enough
article pages. A run in which no request got a page is not an alarm but a failure
(`run_outcome`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import median
from typing import Any

from c5crawler.failures import fetched_nothing, request_counts

# Fields measured on each archived page, as `c5/coverage/<field>` counters.
FIELDS = ("date", "body", "byline", "site_extractor")
FIELD_NAMES = {
    "date": "a date",
    "body": "a body of at least the minimum words",
    "byline": "a byline",
    "site_extractor": "the site's own extractor (not the fallback)",
}
COLLAPSE = 0.5  # under half the usual share is a collapse


# Chinese is written without spaces: its words are counted as about two characters each.
CHARACTERS_PER_CHINESE_WORD = 2


def body_words(record: Mapping[str, Any]) -> int:
    body = str(record.get("body", ""))
    if record.get("language") == "zh":
        return len("".join(body.split())) // CHARACTERS_PER_CHINESE_WORD
    return len(body.split())


def covered_fields(record: Mapping[str, Any], min_body_words: int) -> list[str]:
    """Which FIELDS one article record has."""
    have = {
        "date": record.get("published_at") is not None,
        "body": body_words(record) >= min_body_words,
        "byline": bool(record.get("authors")),
        "site_extractor": record.get("extractor") != "fallback",
    }
    return [field for field in FIELDS if have[field]]


def shares(stats: Mapping[str, Any]) -> tuple[int, dict[str, float]]:
    """Pages measured, and the share of them with each field."""
    items = int(stats.get("c5/coverage/items", 0))
    if not items:
        return 0, {}
    return items, {f: int(stats.get(f"c5/coverage/{f}", 0)) / items for f in FIELDS}


def run_alarms(
    stats: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    thresholds: Mapping[str, float],
    min_items: int,
    examples: Mapping[str, Sequence[str]],
    max_error_share: float = 1.0,
    judge_discovery: bool = True,
) -> list[str]:
    """One line per alarm for this run; `history` is the stats of recent finished runs.

    `judge_discovery` is False for a worker of a distributed crawl: which worker
    reads the feeds and sitemaps is chance, so one that found no links is no alarm.
    """
    alarms: list[str] = []
    requests, failed = request_counts(stats)
    if requests and not fetched_nothing(stats) and failed / requests > max_error_share:
        alarms.append(
            f"{failed} of {requests} requests failed ({failed / requests:.0%}; "
            f"C5_ALARM_MAX_ERROR_SHARE {max_error_share:.0%})"
        )
    discovered = int(stats.get("c5/articles_discovered", 0))
    usual_discovered = [int(h.get("c5/articles_discovered", 0)) for h in history]
    if judge_discovery and discovered == 0 and usual_discovered and median(usual_discovered) > 0:
        alarms.append(
            f"no article links discovered (usually {median(usual_discovered):g}): "
            "feeds, sitemaps or listings may have changed"
        )
    items, now = shares(stats)
    if items < min_items:
        return alarms
    usual: dict[str, list[float]] = {f: [] for f in FIELDS}
    for past in history:
        past_items, past_shares = shares(past)
        if past_items >= min_items:
            for field, share in past_shares.items():
                usual[field].append(share)
    for field in FIELDS:
        share = now[field]
        threshold = thresholds.get(field)
        typical = median(usual[field]) if usual[field] else None
        below = threshold is not None and share < threshold
        collapsed = typical is not None and typical >= 0.2 and share < typical * COLLAPSE
        if not (below or collapsed):
            continue
        reasons = []
        if below:
            reasons.append(f"threshold {threshold:.0%}")
        if typical is not None:
            reasons.append(f"usually {typical:.0%}")
        sample = ", ".join(examples.get(field, [])[:3])
        alarms.append(
            f"{field}: {share:.0%} of {items} pages have {FIELD_NAMES[field]} "
            f"({'; '.join(reasons)})" + (f"; e.g. {sample}" if sample else "")
        )
    return alarms


def run_outcome(reason: str, stats: Mapping[str, Any], alarms: Sequence[str]) -> str:
    """What `crawl_runs.outcome` records: Scrapy's close reason, or for a run that
    finished, `unreachable` when no request got a page, `alarm` when it alarmed;
    `archive_error` whenever the archive refused a write, as the spider closed too."""
    if stats.get("c5/archive/write_error"):
        return "archive_error"
    if reason != "finished":
        return reason
    if fetched_nothing(stats):
        return "unreachable"
    return "alarm" if alarms else reason
