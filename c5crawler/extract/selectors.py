"""Pages read with CSS selectors given as data (a sources-file entry), for sites with no module.

Each selector is optional: `title` and `byline` take the text of the first match,
`date` the `datetime` or `content` attribute of the first match (else its text),
`body` the paragraphs of every match (a container, or the paragraphs themselves).
Where the selectors find no title or no body, the generic extractor reads the
page (`extractor: fallback`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from lxml.cssselect import CSSSelector

from c5crawler.extract.body import body_images, body_paragraphs
from c5crawler.extract.fallback import with_fallback
from c5crawler.extract.html import (
    article_language,
    canonical_link,
    clean_space,
    element_text,
    meta_content,
    parse_html,
    strip_tracking,
)
from c5crawler.items import DateText, RawArticle

EXTRACTOR = "selectors"


@lru_cache(maxsize=256)
def _compiled(css: str) -> CSSSelector:
    return CSSSelector(css)


def extract_with_selectors(
    html: str | bytes, url: str, source: str, selectors: Mapping[str, str]
) -> RawArticle:
    """Raw fields of a page by the given CSS selectors (title, date, body, byline).

    Raises ExtractionError when neither the selectors nor the generic extractor
    find a title and a body.
    """
    tree = parse_html(html)

    def matches(name: str) -> list:
        css = selectors.get(name)
        return _compiled(css)(tree) if css else []

    paragraphs: list[str] = []
    headings: list[str] = []
    for element in matches("body"):
        more, more_headings = body_paragraphs(element)
        paragraphs += more
        headings += more_headings
    dates: list[DateText] = []
    for element in matches("date")[:1]:
        text = clean_space(element.get("datetime") or element.get("content")) or element_text(element)
        if text:
            dates.append(DateText(text=text, source="page", role="published"))
    published = meta_content(tree, "article:published_time", "datePublished", "pubdate")
    if published:
        dates.append(DateText(text=published, source="meta", role="published"))
    title = next((t for t in map(element_text, matches("title")) if t), None)
    if "title" not in selectors:  # no title selector: the page's own headline meta
        title = meta_content(tree, "og:title", "twitter:title")
    byline = next((t for t in map(element_text, matches("byline")) if t), None)
    raw = RawArticle(
        url=strip_tracking(canonical_link(tree, url) or meta_content(tree, "og:url") or url),
        source=source,
        kind="article",
        title=title,
        summary=meta_content(tree, "description", "og:description"),
        section=None,
        dates=dates,
        byline=byline,
        agency_text=None,
        paragraphs=paragraphs,
        headings=headings,
        images=[image for element in matches("body") for image in body_images(element, url)],
        language=article_language(tree, title, paragraphs),
        extractor=EXTRACTOR,
    )
    if not title or not paragraphs:
        raw = with_fallback(raw, html, url)
    return raw
