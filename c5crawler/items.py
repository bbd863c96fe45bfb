"""The data handed along the flow: raw fields from an extractor, and the article record.

Both are plain dicts (Scrapy passes dicts as items), typed here so every step
agrees on the keys. `ArticleRecord` is the contract described in DESIGN.md.
"""

from __future__ import annotations

from typing import TypedDict

# The record's `kind`s and `language`s (DESIGN.md): what `--kind` and `--language` take,
# besides any other value an archive already holds.
KINDS = ("article", "video", "press_conference", "remarks", "statement")
LANGUAGES = ("en", "zh")


class Image(TypedDict):
    url: str
    caption: str | None


class Turn(TypedDict):
    speaker: str | None
    role: str  # spokesperson, journalist or announcement
    outlet: str | None
    text: str


class Quote(TypedDict):
    speaker: str | None
    text: str
    kind: str  # direct or reported


class DateText(TypedDict):
    """A date as some place shows it, before normalisation."""

    text: str
    source: str  # page, meta, feed, sitemap, url, title, image, listing, ...
    role: str  # published or updated


class RawArticle(TypedDict, total=False):
    """What an extractor reads off one page; normalisation turns it into a record."""

    url: str
    source: str
    kind: str
    title: str | None
    summary: str | None
    section: str | None
    dates: list[DateText]  # candidates, best first
    date_zone: str  # IANA zone of dates that name none (default Asia/Shanghai)
    byline: str | None
    agency_text: str | None
    paragraphs: list[str]  # body paragraphs in order, credit lines still in
    paragraph_bold: list[bool]  # per paragraph: does it open in bold (a speaker's label)
    headings: list[str]
    images: list[Image]
    turns: list[Turn]
    language: str
    extractor: str
    # The next page of a story split over several (`..._2.html`): the spider follows
    # it and joins the pages' paragraphs into this one article.
    next_page: str | None


class ArticleRecord(TypedDict):
    url: str
    source: str
    kind: str
    title: str
    summary: str | None
    section: str | None
    published_at: str | None
    updated_at: str | None
    date_raw: str | None
    date_source: str | None
    date_precision: str | None
    authors: list[str]
    contributors: list[str]
    agencies: list[str]
    body: str
    headings: list[str]
    images: list[Image]
    turns: list[Turn]
    quotes: list[Quote]
    mentions: dict[str, list[dict[str, object]]]
    topics: list[dict[str, object]]
    language: str
    extractor: str
    content_hash: str


class ExtractionError(ValueError):
    """A page that is not an article this extractor can read (the reason is the message)."""


class FetchedPage(TypedDict):
    """The page as the server gave it, kept in the archive's revisions."""

    url: str  # the URL fetched, after redirects
    status: int
    html: bytes
    fetched_at: str  # ISO 8601 UTC


class ArticleItem(TypedDict, total=False):
    """What a spider yields: raw fields, a deletion or a drop, with the page they came from.

    The normalise pipeline adds `record`; the archive pipeline stores it.
    """

    raw: RawArticle
    record: ArticleRecord
    page: FetchedPage
    deleted_url: str
    dropped_url: str  # a page that is not an article, with the reason in `drop_reason`
    drop_reason: str
    source: str
