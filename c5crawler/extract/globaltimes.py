"""Global Times pages: URLs, listing links and article fields.

What is known (SITES.md, "Others, for later", and public scrapers):

- reported: article URLs `globaltimes.cn/page/YYYYMM/<id>.shtml`; title
  `div.article_title`; byline `span.byline` ("By X"); date `span.pub_time`,
  "Published: Apr 17, 2022 04:21 PM" (Beijing time); body `div.article_right`,
  its paragraphs split by `<br><br>` rather than `<p>`; section pages
  `globaltimes.cn/china/index.html`.
- guessed: the diplomacy section `globaltimes.cn/china/diplomacy/index.html`; an
  "Updated: ..." after the published time; the section in `div.article_column`
  ("CHINA / DIPLOMACY"); older URLs `globaltimes.cn/content/<id>.shtml` (no date
  in them). The URL's month is the cross-check for meta dates.
- seen: "By Xinhua " (an agency), "By Global Times " (the paper itself), "By Guo
  Yuandan and Liang Rui "; "Published: Aug 22, 2026 12:29 PM Updated: Aug 22, 2026
  10:15 PM"; a photo caption "… Photo: VCG" before the text (the shared furniture
  stage drops it).

Pure functions over HTML text and URLs: no Scrapy, no database, no network.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector

from c5crawler.extract.body import body_images, body_paragraphs
from c5crawler.extract.credits import split_byline
from c5crawler.extract.dating import UrlDate, cross_checked
from c5crawler.extract.fallback import with_fallback
from c5crawler.extract.html import (
    article_language,
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

SOURCE = "globaltimes"
CANONICAL_HOST = "https://www.globaltimes.cn"

_PAGE = re.compile(r"^/page/(?P<y>\d{4})(?P<m>\d{2})/(?P<id>\d+)\.shtml$")
_CONTENT = re.compile(r"^/content/(?P<id>\d+)\.shtml$")
_TITLE = (CSSSelector("div.article_title"), CSSSelector("h1"))
_BYLINE = (CSSSelector("span.byline"),)
_PUB_TIME = (CSSSelector("span.pub_time"),)
_SECTION = (CSSSelector("div.article_column"),)
_BODY = (CSSSelector("div.article_right"), CSSSelector("div.article_content"))
# "Published: Apr 17, 2022 04:21 PM" and, on edited pages, "Updated: ..." after it.
_STAMPS = re.compile(r"(?P<role>published|updated)\s*:\s*(?P<text>.+?)(?=\s*(?:published|updated)\s*:|$)", re.I)
_SITE_SUFFIX = re.compile(r"\s*[-|]\s*Global\s*Times\s*$", re.I)


def _path(url: str) -> str:
    return urlsplit(url.strip()).path


def is_article_url(url: str) -> bool:
    """True for a Global Times article page, on any host."""
    path = _path(url)
    return bool(_PAGE.match(path) or _CONTENT.match(path))


def canonical_url(url: str) -> str:
    """`https://www.globaltimes.cn/page/YYYYMM/<id>.shtml` (or `/content/<id>.shtml`) from
    any host; other URLs only lose tracking parameters."""
    path = _path(url)
    if _PAGE.match(path) or _CONTENT.match(path):
        return f"{CANONICAL_HOST}{path}"
    return strip_tracking(url)


def url_date(url: str) -> UrlDate | None:
    match = _PAGE.match(_path(url))
    return UrlDate.month(int(match["y"]), int(match["m"])) if match else None


def listing_links(page: str | bytes, url: str) -> list[str]:
    """Article links of a section page, one per article, in page order."""
    return article_links(page, url, is_article_url, canonical_url)


def page_dates(text: str) -> list[DateText]:
    """"Published: Apr 17, 2022 04:21 PM Updated: ..." -> one candidate per stamp."""
    return [
        DateText(text=f"{m['role'].capitalize()}: {m['text']}", source="page", role=m["role"].lower())
        for m in _STAMPS.finditer(text)
    ]


def extract_article(html: str | bytes, url: str) -> RawArticle:
    """Raw fields of one Global Times article.

    The generic extractor steps in when the selectors find no title or no body.
    Raises ExtractionError when neither can read the page.
    """
    tree = parse_html(html)
    body = first(tree, _BODY)
    paragraphs, headings = body_paragraphs(body)
    page_url = article_url(tree, url, is_article_url, canonical_url)
    dates = page_dates(first_text(tree, _PUB_TIME) or "")
    published = meta_content(tree, "article:published_time", "publishdate")
    if published:
        dates.append(DateText(text=published, source="meta", role="published"))
    byline, agency = split_byline(first_text(tree, _BYLINE))
    title = article_title(tree, _TITLE, _SITE_SUFFIX)
    raw = RawArticle(
        url=page_url,
        source=SOURCE,
        kind="article",
        title=title,
        summary=meta_content(tree, "description", "og:description"),
        section=first_text(tree, _SECTION),
        dates=cross_checked(dates, url_date(page_url)),
        date_zone="Asia/Shanghai",
        byline=byline,
        agency_text=agency,
        paragraphs=paragraphs,
        headings=headings,
        images=body_images(body, url),
        language=article_language(tree, title, paragraphs),
        extractor=SOURCE,
    )
    if not raw["title"] or not paragraphs:
        raw = with_fallback(raw, html, url)
    return raw
