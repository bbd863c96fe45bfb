"""Xinhua English pages: URLs, listing links and article fields.

What is known (SITES.md, "Others, for later", and public scrapers):

- reported: article URLs `english.news.cn/YYYYMMDD/<32 hex>/c.html`; body `#detail`;
  `<meta name="publishdate">` (Beijing time); section pages
  `english.news.cn/{china,world}/index.htm`; an RSS feed
  `english.news.cn/rss/worldrss.xml`.
- guessed: the 2020-2021 site `www.xinhuanet.com/english/YYYY-MM/DD/c_<n>.htm`
  (where the July 2020 stories live) with the same fields and body `#p-detail`;
  the headline in `<h1>` (else `og:title`, `<title>`); a page date in
  `div.header-time`; an "Editor:" line after the story, which is not body text.
  The agency is read from the dateline ("BEIJING, July 16 (Xinhua) -- ").

Pure functions over HTML text and URLs: no Scrapy, no database, no network.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector

from c5crawler.extract.body import body_images, body_paragraphs
from c5crawler.extract.dating import UrlDate, cross_checked
from c5crawler.extract.fallback import with_fallback
from c5crawler.extract.html import (
    article_links,
    article_title,
    article_url,
    first,
    first_text,
    meta_content,
    parse_html,
    strip_tracking,
)
from c5crawler.items import DateText, RawArticle

SOURCE = "xinhua"

# /20220804/5f3c2a...32 hex.../c.html
_CURRENT = re.compile(r"^/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/(?P<id>[0-9a-f]{32})/c\.html$")
# /english/2020-07/16/c_139217426.htm
_OLD = re.compile(r"^/english/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>c_\d+)\.htm$")
_TITLE = (CSSSelector("h1"), CSSSelector("div.head-line span.title"))
_PAGE_DATE = (CSSSelector("div.header-time"), CSSSelector("span.time"))
_BODY = (CSSSelector("div#detail"), CSSSelector("div#p-detail"))
_DATELINE_AGENCY = re.compile(r"^[^()]{2,80}\((?P<agency>[^)]+)\)\s*--")
_EDITOR_LINE = re.compile(r"^\[?\s*editors?\s*:", re.I)
_SITE_SUFFIX = re.compile(r"\s*[-|]\s*(?:Xinhua|english\.news\.cn)\s*$", re.I)


def _match(url: str) -> re.Match[str] | None:
    path = urlsplit(url.strip()).path
    return _CURRENT.match(path) or _OLD.match(path)


def is_article_url(url: str) -> bool:
    """True for a Xinhua English article, current or 2020-2021 path, on any host."""
    return _match(url) is not None


def canonical_url(url: str) -> str:
    """The article on its own site (`https://english.news.cn/...` or
    `https://www.xinhuanet.com/english/...`); other URLs only lose tracking parameters."""
    path = urlsplit(url.strip()).path
    if _CURRENT.match(path):
        return f"https://english.news.cn{path}"
    if _OLD.match(path):
        return f"https://www.xinhuanet.com{path}"
    return strip_tracking(url)


def url_date(url: str) -> UrlDate | None:
    match = _match(url)
    return UrlDate.day(int(match["y"]), int(match["m"]), int(match["d"])) if match else None


def listing_links(page: str | bytes, url: str) -> list[str]:
    """Article links of a section page, one per article, in page order."""
    return article_links(page, url, is_article_url, canonical_url)


def extract_article(html: str | bytes, url: str) -> RawArticle:
    """Raw fields of one Xinhua English article.

    The generic extractor steps in when the selectors find no title or no body.
    Raises ExtractionError when neither can read the page.
    """
    tree = parse_html(html)
    body = first(tree, _BODY)
    paragraphs, headings = body_paragraphs(body)
    paragraphs = [p for p in paragraphs if not _EDITOR_LINE.match(p)]
    page_url = article_url(tree, url, is_article_url, canonical_url)
    dates: list[DateText] = []
    published = meta_content(tree, "publishdate", "article:published_time")
    if published:
        dates.append(DateText(text=published, source="meta", role="published"))
    shown = first_text(tree, _PAGE_DATE)
    if shown:
        dates.append(DateText(text=shown, source="page", role="published"))
    dateline = _DATELINE_AGENCY.match(paragraphs[0]) if paragraphs else None
    raw = RawArticle(
        url=page_url,
        source=SOURCE,
        kind="article",
        title=article_title(tree, _TITLE, _SITE_SUFFIX),
        summary=meta_content(tree, "description", "og:description"),
        section=meta_content(tree, "section", "article:section"),
        dates=cross_checked(dates, url_date(page_url)),
        date_zone="Asia/Shanghai",
        byline=None,
        agency_text=dateline["agency"] if dateline else None,
        paragraphs=paragraphs,
        headings=headings,
        images=body_images(body, url),
        language="en",
        extractor=SOURCE,
    )
    if not raw["title"] or not paragraphs:
        raw = with_fallback(raw, html, url)
    return raw
