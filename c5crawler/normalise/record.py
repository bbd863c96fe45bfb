"""Raw extractor fields to the article record (DESIGN.md, "The article record")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil import tz

from c5crawler.items import ArticleRecord, DateText, ExtractionError, Image, RawArticle, Turn
from c5crawler.normalise.attribution import (
    agencies_from_text,
    authors_from_byline,
    split_agency_credits,
    split_credit_lines,
    without_own_outlet,
)
from c5crawler.normalise.dates import BEIJING, ParsedDate, parse_date
from c5crawler.normalise.furniture import strip_furniture
from c5crawler.normalise.language import page_language
from c5crawler.normalise.turns import split_turns
from c5crawler.normalise.text import clean_paragraphs, clean_text, content_hash, join_cleaned


def normalise_record(raw: RawArticle) -> ArticleRecord:
    """Clean text, split credits from the body, pick the dates, hash the content.

    Raises ExtractionError("no title") when the title is empty after clean-up.
    """
    title = clean_text(raw.get("title"))
    if not title:
        raise ExtractionError("no title")
    paragraphs, photographers = strip_furniture(clean_paragraphs(raw.get("paragraphs", [])))
    paragraphs, credited_agencies = split_agency_credits(paragraphs)
    paragraphs, contributors = split_credit_lines(paragraphs)
    contributors = list(dict.fromkeys(contributors + photographers))
    agencies = without_own_outlet(
        list(dict.fromkeys(agencies_from_text(raw.get("agency_text")) + credited_agencies)), raw["source"]
    )
    body = join_cleaned(paragraphs)
    zone = _zone(raw)
    dated = _parsed_dates(raw.get("dates", []), zone)
    published, updated = _pick_dates(dated, zone)
    published, conflict = _visible_wins(published, dated, zone)
    shown = published or updated
    return ArticleRecord(
        url=raw["url"],
        source=raw["source"],
        kind=raw.get("kind") or "article",
        title=title,
        summary=clean_text(raw.get("summary")) or None,
        section=clean_text(raw.get("section")) or None,
        published_at=(published or updated)[1].iso if shown else None,
        updated_at=(updated or published)[1].iso if shown else None,
        date_raw=clean_text(shown[0]["text"]) if shown else None,
        date_source=(shown[0]["source"] + (f" ({conflict})" if conflict else "")) if shown else None,
        date_precision=shown[1].precision if shown else None,
        authors=authors_from_byline(raw.get("byline")),
        contributors=contributors,
        agencies=agencies,
        body=body,
        headings=clean_paragraphs(raw.get("headings", [])),
        images=_unique_images(raw.get("images", [])),
        turns=_turns(raw, title),
        quotes=[],
        mentions={"countries": [], "people": [], "organisations": []},
        topics=[],
        # Extractors check the page's declaration against its text; this serves raw
        # fields from elsewhere (an older archive's revisions) that carry none.
        language=raw.get("language") or page_language([], title + " " + body),
        extractor=raw.get("extractor") or raw["source"],
        content_hash=content_hash(title, body, cleaned=True),
    )


Dated = tuple[DateText, ParsedDate]


# Dates found around the page (feed entries, sitemaps, listings) rather than on it.
EXTERNAL_DATE_SOURCES = frozenset({"feed", "sitemap", "listing"})


# No source in the archive publishes before the web did; a date past tomorrow is a
# typo or a placeholder (1900-01-01, 2099-12-31). Such a date is ignored like text
# that is not a date: the next candidate serves, or the record has no date (c5/no_date).
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=timezone.utc)
FUTURE_SLACK = timedelta(days=1)
# Two dates of one article further apart than this disagree (a day-only date and a
# time late on the same day are 24 hours apart at most).
CONFLICT = timedelta(days=1)


def plausible(value: datetime) -> bool:
    return EARLIEST_DATE <= value <= datetime.now(timezone.utc) + FUTURE_SLACK


def _parsed_dates(dates: Iterable[DateText], zone: tzinfo) -> list[Dated]:
    """The candidates that parse as a plausible date, in the extractor's order of preference."""
    return [(c, p) for c in dates if (p := parse_date(c["text"], zone)) is not None and plausible(p.value)]


def _pick_dates(parsed: list[Dated], zone: tzinfo) -> tuple[Dated | None, Dated | None]:
    """The first candidate of each role, in the extractor's order of preference.

    The page's own dates win; feed, sitemap and listing dates fill in when the page
    has none, or make a day-only page date exact when they fall on the same day.
    """
    own = [d for d in parsed if d[0]["source"] not in EXTERNAL_DATE_SOURCES]
    external = [d for d in parsed if d[0]["source"] in EXTERNAL_DATE_SOURCES]
    published, updated = _first_by_role(own or external)
    if published and published[1].precision == "day":
        # A time shown to the minute on the same day: another of the page's own (a meta
        # date gives the day, the page the time), its "Updated" stamp when it shows no
        # other (as CGTN's and China Daily's do), else a feed's or sitemap's.
        day = published[1].value.astimezone(zone).date()
        own_published = [d for d in own if d[0]["role"] != "updated"]
        published = next(
            (
                d
                for d in [*own_published, *([updated] if updated else []), *external]
                if d[1].precision == "minute" and d[1].value.astimezone(zone).date() == day
            ),
            published,
        )
    return published, updated


def _visible_wins(published: Dated | None, parsed: list[Dated], zone: tzinfo) -> tuple[Dated | None, str | None]:
    """The published date, the page's visible one when candidates disagree by more than a day.

    Returns it with a note naming the first candidate that disagreed, e.g.
    "meta disagreed: 2019-01-10", which the record appends to `date_source`.
    """
    if published is None:
        return None, None
    others = [d for d in parsed if d[0]["role"] == "published" and d[0]["source"] not in EXTERNAL_DATE_SOURCES]
    visible = next((d for d in others if d[0]["source"] == "page"), None)
    if visible and abs(visible[1].value - published[1].value) > CONFLICT:
        published = visible
    disagreeing = next((d for d in others if abs(d[1].value - published[1].value) > CONFLICT), None)
    if disagreeing is None:
        return published, None
    day = disagreeing[1].value.astimezone(zone).date().isoformat()
    return published, f"{disagreeing[0]['source']} disagreed: {day}"


def _first_by_role(dates: Iterable[Dated]) -> tuple[Dated | None, Dated | None]:
    published: Dated | None = None
    updated: Dated | None = None
    for candidate, parsed in dates:
        if candidate["role"] == "updated":
            updated = updated or (candidate, parsed)
        else:
            published = published or (candidate, parsed)
    return published, updated


def _turns(raw: RawArticle, title: str) -> list[Turn]:
    """Who said what: the extractor's turns, or a press conference's paragraphs split by speaker."""
    if raw.get("turns"):
        return list(raw["turns"])
    if raw.get("kind") != "press_conference":
        return []
    return split_turns(raw.get("paragraphs", []), title, raw.get("paragraph_bold"))


def _zone(raw: RawArticle) -> tzinfo:
    """The zone dates without one are in: the source's `date_zone`, else Beijing."""
    return tz.gettz(raw.get("date_zone") or "Asia/Shanghai") or BEIJING


def _unique_images(images: Iterable[Image]) -> list[Image]:
    """One entry per image URL, the first caption that is not empty kept."""
    by_url: dict[str, Image] = {}
    for image in images:
        url = image["url"].strip()
        caption = clean_text(image.get("caption")) or None
        if url not in by_url:
            by_url[url] = Image(url=url, caption=caption)
        elif by_url[url]["caption"] is None:
            by_url[url]["caption"] = caption
    return list(by_url.values())
