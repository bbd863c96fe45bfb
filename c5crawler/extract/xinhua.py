"""Xinhua pages, English and Chinese: URLs, listing links and article fields.

Templates (SITES.md, "Xinhua"; seen on real pages unless said otherwise):

- news.cn 2020+ and english.news.cn (`/YYYYMMDD/<32 hex>/c.html`, also
  `/<section>/YYYY-MM/DD/c_<n>.htm`): the date split over `div.header-time` spans
  (year, month/day, time), a mobile block repeating it whole, `h1 span.title`,
  body `#detail`.
- xinhuanet.com 2017-2020 (`/<section>/YYYY-MM/DD/c_<n>.htm`): `div.h-title`,
  `span.h-time`, body `#p-detail`; `<title>` ends "-新华网".
- regional hosts (`he.news.cn`): `div.source > span.time`, body
  `#detailContent`, a pager (`?page=2` ...) inside the body: the pages are one
  article (`next_page`).
- 2012 table pages in GB2312 (reported): `#pubtime` "2012年05月10日 08:23:45",
  `#title`, body `#content`; later pages `c_<n>_2.htm`.
- English (reported): `<meta name="publishdate">`, an "Editor:" line after the
  story; the agency from the dateline ("BEIJING, July 16 (Xinhua) -- "), in
  Chinese "新华社北京11月17日电"; the credited source in "来源：…".

Pure functions over HTML text and URLs: no Scrapy, no database, no network.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from lxml.cssselect import CSSSelector

from c5crawler.extract.body import body_images, body_paragraphs, default_skip
from c5crawler.extract.dating import UrlDate, cross_checked, page_date
from c5crawler.extract.fallback import with_fallback
from c5crawler.extract.html import (
    HtmlElement,
    absolute_url,
    article_language,
    article_links,
    article_title,
    article_url,
    element_text,
    first,
    meta_content,
    parse_html,
    strip_tracking,
)
from c5crawler.items import DateText, RawArticle

SOURCE = "xinhua"

# /20220804/5f3c...32 hex.../c.html, on a section path or not (/video/2022...).
_CURRENT = re.compile(r"^(?P<section>(?:/[\w-]+)*?)/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/(?P<id>[0-9a-f]{32})/c\.html$")
# /english/2020-07/16/c_139217426.htm, /local/2020-02/19/c_1125597921.htm, page 2: c_..._2.htm
_DATED = re.compile(
    r"^(?P<section>(?:/[\w-]+)*?)/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>c_\d+)(?:_(?P<page>\d+))?\.htm$"
)
_OWN_HOSTS = ("news.cn", "xinhuanet.com")
_TITLE = (
    CSSSelector("div.h-title"),
    CSSSelector("div.head-line span.title"),
    CSSSelector("h1 span.title"),
    CSSSelector("h1#title"),
    CSSSelector("#title"),
    CSSSelector("h1"),
)
# The page's own stamp, in the order the templates were seen.
_PAGE_DATE = (
    CSSSelector("div.header-time"),
    CSSSelector("span.h-time"),
    CSSSelector("div.source span.time"),
    CSSSelector("#pubtime"),
    CSSSelector("div.mheader div.info"),
    CSSSelector("span.time"),
)
_SOURCE_TEXT = (
    CSSSelector("div.source span.sourceText"),
    CSSSelector("div.h-info span"),
    CSSSelector("div.header-cont div.source"),
    CSSSelector("#source"),
)
_CREDITED = re.compile(r"来源\s*[:：]\s*(?P<name>\S[^|]*?)\s*$")
_BODY = (
    CSSSelector("#detailContent"),
    CSSSelector("div#detail"),
    CSSSelector("div#p-detail"),
    CSSSelector("#content"),
    CSSSelector("#Content"),
)
# Inside the body but not the story: the editor block, gallery, like button, tags, pager.
_FURNITURE_IDS = frozenset({"articleEdit", "xinhuaPagerBox"})
_FURNITURE_CLASS = re.compile(r"\b(?:xinhuaPager|lb|zan-wap|p-tags|tiyi\w*|advise)\b")
_DATELINE_AGENCY = re.compile(r"^[^()]{2,80}\((?P<agency>[^)]+)\)\s*--")
_DATELINE_AGENCY_ZH = re.compile(r"^(?P<agency>新华社|中新社|新华网)[^\s，,。]{0,24}?电")
_SITE_SUFFIX = re.compile(r"\s*[-_|]\s*(?:新华网.*|Xinhua.*|english\.news\.cn)\s*$", re.I)


def _match(url: str) -> re.Match[str] | None:
    path = urlsplit(url.strip()).path
    return _CURRENT.match(path) or _DATED.match(path)


def is_article_url(url: str) -> bool:
    """True for a Xinhua article, English or Chinese, current or older path, on any host."""
    return _match(url) is not None


def canonical_url(url: str) -> str:
    """One URL per article, whichever of its pages: on its own Xinhua host, over https.

    A path away from Xinhua's hosts (a mirror) goes to the site that serves it:
    `/english/...` to www.xinhuanet.com, `/YYYYMMDD/<hex>/c.html` to english.news.cn,
    other dated paths to www.news.cn. Other URLs only lose tracking parameters.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    current, dated = _CURRENT.match(parts.path), _DATED.match(parts.path)
    if not (current or dated):
        return strip_tracking(url)
    path = parts.path
    if dated and dated["page"]:
        path = f"{dated['section']}/{dated['y']}-{dated['m']}/{dated['d']}/{dated['id']}.htm"
    if not any(host == own or host.endswith("." + own) for own in _OWN_HOSTS):
        if current:
            host = "english.news.cn"
        else:
            host = "www.xinhuanet.com" if path.startswith("/english/") else "www.news.cn"
    return f"https://{host}{path}"


def page_number(url: str) -> int:
    """Which page of its article `url` is: `?page=3` or `c_<n>_3.htm`; 1 without either."""
    parts = urlsplit(url.strip())
    dated = _DATED.match(parts.path)
    if dated and dated["page"]:
        return int(dated["page"])
    page = dict(parse_qsl(parts.query)).get("page", "")
    return int(page) if page.isdigit() else 1


def url_date(url: str) -> UrlDate | None:
    match = _match(url)
    return UrlDate.day(int(match["y"]), int(match["m"]), int(match["d"])) if match else None


def listing_links(page: str | bytes, url: str) -> list[str]:
    """Article links of a section page, one per article, in page order."""
    return article_links(page, url, is_article_url, canonical_url)


def next_page_url(body: HtmlElement | None, url: str) -> str | None:
    """The link in the body (the pager) to the following page of this same article."""
    if body is None:
        return None
    here, wanted = canonical_url(url), page_number(url) + 1
    for anchor in body.iter("a"):
        link = absolute_url(url, anchor.get("href"))
        if link and is_article_url(link) and canonical_url(link) == here and page_number(link) == wanted:
            return link.split("#", 1)[0]
    return None


def _skip(element: HtmlElement) -> bool:
    return (
        default_skip(element)
        or element.get("id") in _FURNITURE_IDS
        or bool(_FURNITURE_CLASS.search(element.get("class") or ""))
    )


def _agency_text(tree: HtmlElement, paragraphs: list[str]) -> str | None:
    """The dateline's agency and the "来源：" credit, as one credit text."""
    credits: list[str] = []
    if paragraphs:
        dateline = _DATELINE_AGENCY.match(paragraphs[0]) or _DATELINE_AGENCY_ZH.match(paragraphs[0])
        if dateline:
            credits.append(dateline["agency"])
    for selector in _SOURCE_TEXT:
        for element in selector(tree):
            text = element_text(element)
            credited = _CREDITED.search(text)
            name = credited["name"] if credited else (text if element.get("class") == "sourceText" else "")
            if name:
                credits.append(name)
                return ", ".join(credits)
    return ", ".join(credits) or None


def extract_article(html: str | bytes, url: str) -> RawArticle:
    """Raw fields of one Xinhua article page, with `next_page` when the story goes on.

    The generic extractor steps in when the selectors find no title or no body.
    Raises ExtractionError when neither can read the page.
    """
    tree = parse_html(html)
    body = first(tree, _BODY)
    paragraphs, headings = body_paragraphs(body, _skip)
    page_url = article_url(tree, url, is_article_url, canonical_url)
    dates: list[DateText] = []
    published = meta_content(tree, "publishdate", "article:published_time")
    if published:
        dates.append(DateText(text=published, source="meta", role="published"))
    shown = next((d for d in (page_date(element_text(e)) for s in _PAGE_DATE for e in s(tree)) if d), None)
    if shown:
        dates.append(DateText(text=shown, source="page", role="published"))
    title = article_title(tree, _TITLE, _SITE_SUFFIX)
    raw = RawArticle(
        url=page_url,
        source=SOURCE,
        kind="article",
        title=title,
        summary=meta_content(tree, "description", "og:description"),
        section=meta_content(tree, "section", "article:section"),
        dates=cross_checked(dates, url_date(page_url)),
        date_zone="Asia/Shanghai",
        byline=None,
        agency_text=_agency_text(tree, paragraphs),
        paragraphs=paragraphs,
        headings=headings,
        images=body_images(body, url, _skip),
        language=article_language(tree, title, paragraphs),
        extractor=SOURCE,
        next_page=next_page_url(body, url),
    )
    if not raw["title"] or not paragraphs:
        raw = with_fallback(raw, html, url)
    return raw
