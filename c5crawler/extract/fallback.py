"""The generic extractor (trafilatura), for pages whose site selectors find nothing.

A redesign should not silently empty the archive: this reads any article-like
page, and the record says `extractor: fallback` so such pages can be counted
and re-extracted once the site extractor learns the new template.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from trafilatura import bare_extraction

from c5crawler.extract.html import (
    HtmlElement,
    article_language,
    canonical_link,
    clean_space,
    meta_content,
    parse_html,
    strip_tracking,
)
from c5crawler.items import DateText, ExtractionError, RawArticle

# trafilatura's element names for blocks of running text (its XML output format).
_TEXT_BLOCKS = frozenset({"p", "quote", "item"})


# Fewer words than this is no article's text (a login form's "user", an error notice).
MIN_WORDS = 5


def extract_generic(html: str | bytes | HtmlElement, url: str, source: str) -> RawArticle:
    """Title, text, headings, byline and date of any article-like page.

    `html` may be the tree a site extractor already parsed (trafilatura reads a copy).
    Raises ExtractionError for input that is not HTML, or when nothing
    article-like is found.
    """
    tree = html if isinstance(html, HtmlElement) else parse_html(html)
    page_url = canonical_link(tree, url) or meta_content(tree, "og:url") or url
    document = bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
    )
    if document is None:
        raise ExtractionError("no text")
    # trafilatura 2.x returns a Document, 1.x a dict: read both as a dict.
    fields: dict[str, Any] = document if isinstance(document, dict) else document.as_dict()
    title = clean_space(fields.get("title"))
    body = fields.get("body")
    paragraphs, headings = _blocks(body) if body is not None else ([], [])
    if not paragraphs and fields.get("text"):
        paragraphs = [line for line in map(clean_space, fields["text"].splitlines()) if line]
    # The page's own headline often comes back as a heading: it is the title, not body.
    paragraphs = [paragraph for paragraph in paragraphs if paragraph != title]
    headings = [heading for heading in headings if heading != title]
    if sum(len(paragraph.split()) for paragraph in paragraphs) < MIN_WORDS:
        # Every fetched article is archived: a login form or an error notice must not pass for one.
        raise ExtractionError("no text")
    # trafilatura gives the day only: a meta stamp with its time comes first.
    stamp = meta_content(tree, "article:published_time", "datePublished", "pubdate")
    dates = [DateText(text=stamp, source="meta", role="published")] if stamp else []
    date = fields.get("date")
    if date:
        dates.append(DateText(text=date, source="fallback", role="published"))
    return RawArticle(
        url=strip_tracking(page_url),
        source=source,
        kind="article",
        title=title or None,
        summary=clean_space(fields.get("description")) or None,
        section=None,
        dates=dates,
        byline=clean_space(fields.get("author")) or None,
        agency_text=None,
        paragraphs=paragraphs,
        headings=headings,
        images=[],
        language=article_language(tree, title, paragraphs),
        extractor="fallback",
    )


def with_fallback(raw: RawArticle, html: str | bytes, url: str) -> RawArticle:
    """The generic extractor's text for a page whose site selectors found no title or body.

    What the site extractor did find wins: identity, kind, title, credits, dates
    (first), zone and next page. Raises ExtractionError("no title" / "no text")
    when the page still lacks one.
    """
    try:
        generic = extract_generic(html, url, raw["source"])
    except ExtractionError:
        raise ExtractionError("no text" if raw.get("title") else "no title") from None
    if not (raw.get("title") or generic.get("title")):
        raise ExtractionError("no title")
    if not generic.get("paragraphs"):
        raise ExtractionError("no text")
    merged = RawArticle(**generic)
    for key in ("url", "kind", "title", "summary", "section", "byline", "agency_text", "date_zone", "next_page"):
        if raw.get(key):
            merged[key] = raw[key]  # type: ignore[literal-required]
    merged["dates"] = list(raw.get("dates", [])) + generic.get("dates", [])
    merged["images"] = raw.get("images") or generic.get("images", [])
    return merged


def _blocks(body: etree._Element) -> tuple[list[str], list[str]]:
    """Paragraphs (headings included) and headings from trafilatura's output tree."""
    paragraphs: list[str] = []
    headings: list[str] = []
    for element in body.iter("head", *_TEXT_BLOCKS):
        if any(ancestor.tag in _TEXT_BLOCKS for ancestor in element.iterancestors()):
            continue  # already read as part of the enclosing block (a quote's paragraphs)
        text = clean_space("".join(element.itertext()))
        if not text:
            continue
        paragraphs.append(text)
        if element.tag == "head":
            headings.append(text)
    return paragraphs, headings
