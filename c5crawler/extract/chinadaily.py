"""China Daily pages: URLs, listing links and article fields.

What is known (SITES.md, "Others, for later", and public scrapers):

- reported: article URLs `chinadaily.com.cn/a/YYYYMM/DD/WS<hex>.html`; title in
  `<h1>`; body `div#Content` (its `<p>`s); byline line `span.info_l`,
  "By X | China Daily | Updated: 2022-08-04 09:35" (Beijing time).
- reported in the issue: a `publishdate` meta that sometimes carries a
  Buddhist-era year (2565 for 2022); it loses to the URL's date.
- seen: the credit line also reads "chinadaily.com.cn | Updated: ..." (no byline);
  `meta name=author` is the editor, not the byline.
- Chinese China Daily (cn.chinadaily.com.cn, same paths): title `h1.dabiaoti`,
  `div.xinf-le` "作者：X 来源：中国日报网 2024-05-13 09:08" (the parts as
  present), the same `div#Content`, "【责任编辑：…】" at its end.
- guessed: long stories continue on `WS<hex>_2.html`, `_3.html`, ... linked from a
  pager (`div#div_currpage`); any link to the next page number of the same
  article is taken, wherever it sits. Regional hosts (`global.`, `usa.`,
  `europe.chinadaily.com.cn`) serve the same article paths. The breadcrumb
  (`div.da-bre`) names the section.

Pure functions over HTML text and URLs: no Scrapy, no database, no network.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from lxml.cssselect import CSSSelector

from c5crawler.extract.body import body_images, body_paragraphs
from c5crawler.extract.credits import split_byline
from c5crawler.extract.dating import UrlDate, cross_checked, page_date
from c5crawler.extract.fallback import with_fallback
from c5crawler.extract.html import (
    article_links,
    article_title,
    article_url,
    HtmlElement,
    absolute_url,
    article_language,
    element_text,
    first,
    first_text,
    meta_content,
    parse_html,
    strip_tracking,
)
from c5crawler.items import DateText, RawArticle

SOURCE = "chinadaily"
CANONICAL_HOST = "https://www.chinadaily.com.cn"

# /a/202208/04/WS62eb1f2ea310fd2b29e70a5b.html, or its page 2: ..._2.html
_ARTICLE_PATH = re.compile(
    r"^/a/(?P<ym>(?P<y>\d{4})(?P<m>\d{2}))/(?P<d>\d{2})/(?P<id>WS[0-9a-fA-F]+)(?:_(?P<page>\d+))?\.html$"
)
_TITLE = (CSSSelector("h1.dabiaoti"), CSSSelector("h1"))
_INFO = (CSSSelector("span.info_l"), CSSSelector("div.info span"))
_INFO_ZH = (CSSSelector("div.xinf-le"),)
_AUTHOR_ZH = re.compile(r"作者\s*[:：]\s*(?P<name>[^\s来]+(?:\s+[^\s来]+)*?)\s*(?=来源|\d{4}-|$)")
_SOURCE_ZH = re.compile(r"来源\s*[:：]\s*(?P<name>\S+?)\s*(?=作者|\d{4}-|$)")
_BODY = (CSSSelector("div#Content"),)
# The breadcrumb: `div.da-bre` (reported), `#bread-nav` ("Home / China / Society", seen).
_SECTION = CSSSelector("div.da-bre a, #bread-nav a")
_UPDATED = re.compile(r"^\s*updated\s*:?\s*", re.I)
_BY = re.compile(r"^\s*by\s+", re.I)
_SITE_SUFFIX = re.compile(r"\s*[-|_]\s*(?:Chinadaily\.com\.cn|China Daily|中国日报网?.*)\s*$", re.I)


def _match(url: str) -> re.Match[str] | None:
    return _ARTICLE_PATH.match(urlsplit(url.strip()).path)


def is_article_url(url: str) -> bool:
    """True for a China Daily article page (any host, first or later page)."""
    return _match(url) is not None


def canonical_url(url: str) -> str:
    """`https://www.chinadaily.com.cn/a/YYYYMM/DD/WS<hex>.html` for any page of an article
    on any host; other URLs only lose tracking parameters."""
    match = _match(url)
    if not match:
        return strip_tracking(url)
    return f"{CANONICAL_HOST}/a/{match['ym']}/{match['d']}/{match['id']}.html"


def first_page_url(url: str) -> str:
    """The first page of the article `url` is a page of, on the same host (a mirror stays a mirror)."""
    match = _match(url)
    if not match:
        return url
    parts = urlsplit(strip_tracking(url))
    return urlunsplit((parts.scheme, parts.netloc, f"/a/{match['ym']}/{match['d']}/{match['id']}.html", "", ""))


def page_number(url: str) -> int:
    match = _match(url)
    return int(match["page"]) if match and match["page"] else 1


def url_date(url: str) -> UrlDate | None:
    match = _match(url)
    return UrlDate.day(int(match["y"]), int(match["m"]), int(match["d"])) if match else None


def listing_links(page: str | bytes, url: str) -> list[str]:
    """Article links of a section page, first pages only, one per article, in page order."""
    return article_links(page, url, is_article_url, canonical_url, keep=first_page_url)


def next_page_url(tree: HtmlElement, url: str) -> str | None:
    """The link to the following page of this same article, if the page has one."""
    here = canonical_url(url)
    wanted = page_number(url) + 1
    for anchor in tree.iter("a"):
        link = absolute_url(url, anchor.get("href"))
        if link and canonical_url(link) == here and page_number(link) == wanted:
            return strip_tracking(link)
    return None


def split_info_line(text: str) -> tuple[str | None, str | None, str | None]:
    """"By X | China Daily | Updated: 2022-08-04 09:35" -> ("By X", "China Daily", "Updated: ...").

    The credit is whoever is named between byline and date: the paper itself or an
    agency (`Xinhua`); None when absent.
    """
    byline = credit = date = None
    for part in (p.strip() for p in text.split("|")):
        if not part:
            continue
        if _UPDATED.match(part):
            date = part
        elif _BY.match(part):
            byline = part
        elif credit is None:
            credit = part
    return byline, credit, date


def chinese_info_line(text: str) -> tuple[str | None, str | None, str | None]:
    """"作者：王晓雨 来源：中国日报网 2024-05-13 09:08" -> ("王晓雨", "中国日报网", "2024-05-13 09:08")."""
    author, source = _AUTHOR_ZH.search(text), _SOURCE_ZH.search(text)
    return (author["name"] if author else None, source["name"] if source else None, page_date(text))


def extract_article(html: str | bytes, url: str) -> RawArticle:
    """Raw fields of one page of a China Daily article, with `next_page` when it goes on.

    The generic extractor steps in when the selectors find no title or no body.
    Raises ExtractionError when neither can read the page.
    """
    tree = parse_html(html)
    body = first(tree, _BODY)
    paragraphs, headings = body_paragraphs(body)
    byline, credit, shown = split_info_line(first_text(tree, _INFO) or "")
    if not (byline or credit or shown):
        byline, credit, shown = chinese_info_line(first_text(tree, _INFO_ZH) or "")
    byline, by_agency = split_byline(byline)
    page_url = article_url(tree, url, is_article_url, canonical_url)
    dates: list[DateText] = []
    published = meta_content(tree, "publishdate", "article:published_time")
    if published:
        dates.append(DateText(text=published, source="meta", role="published"))
    if shown:
        # The English line says "Updated:"; the Chinese one shows the stamp alone.
        dates.append(DateText(text=shown, source="page", role="updated" if _UPDATED.match(shown) else "published"))
    title = article_title(tree, _TITLE, _SITE_SUFFIX)
    raw = RawArticle(
        url=page_url,
        source=SOURCE,
        kind="article",
        title=title,
        summary=meta_content(tree, "description", "og:description"),
        section=_section(tree),
        dates=cross_checked(dates, url_date(page_url)),
        date_zone="Asia/Shanghai",
        byline=byline,
        agency_text=", ".join(c for c in (by_agency, credit) if c) or None,
        paragraphs=paragraphs,
        headings=headings,
        images=body_images(body, url),
        language=article_language(tree, title, paragraphs),
        extractor=SOURCE,
        next_page=next_page_url(tree, url),
    )
    if not raw["title"] or not paragraphs:
        raw = with_fallback(raw, html, url)
    return raw


def _section(tree: HtmlElement) -> str | None:
    crumbs = [element_text(a).lstrip("/ ").strip() for a in _SECTION(tree)]
    crumbs = [c for c in crumbs if c]
    return crumbs[-1] if crumbs else None
