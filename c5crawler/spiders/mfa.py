"""China's Foreign Ministry, English and Chinese: press conferences, remarks, the Minister, ministry news.

`-a lang=en|zh|all` (default all) picks the languages, `-a sections=` the sections
(the Chinese site is crawled for its press conferences and spokesperson's answers,
发言人表态). Start URLs of either language may be given together.

Listings are paged by a JavaScript pager (`var countPage = N`); the spider reads
that count instead of following links. With `-a since=` it pages one page at a
time and stops once a page holds only articles older than `since`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response

from c5crawler.extract import mfa
from c5crawler.items import ExtractionError
from c5crawler.spiders.base import NewsSpider

SECTIONS = {
    "press_conferences": "xw/fyrbt/lxjzh/",
    "spokesperson_remarks": "xw/fyrbt/fyrbt/",
    "minister_activities": "wjb/wjbz/hd/",
    "minister_speeches": "wjb/wjbz/jh/",
    "speeches": "xw/zyjh/",
    "ministry_news": "xw/wjbxw/",
}
# The Chinese site's sections crawled (SITES.md): 发言人表态 holds the press conferences
# and the spokesperson's answers and remarks together.
CHINESE_SECTIONS = {
    "press_conferences": "wjdt_674879/fyrbt_674889/",
}
LANGUAGES = ("en", "zh", "all")
_URL_DAY = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+\.s?html?$")


def url_day(url: str) -> date | None:
    """The day a current-template URL carries (`t20240312_11258093.html`)."""
    match = _URL_DAY.search(url)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def start_urls_for(sections: str | None, lang: str | None) -> list[str]:
    """The listings of the chosen sections (all by default) in the chosen languages (`all` by default)."""
    lang = (lang or "all").strip().lower()
    if lang not in LANGUAGES:
        raise ValueError(f"-a lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    chosen = [s.strip() for s in sections.split(",") if s.strip()] if sections else list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise ValueError(f"-a sections: unknown section {unknown[0]!r} (known: {', '.join(SECTIONS)})")
    urls = []
    if lang in ("en", "all"):
        urls += [f"https://www.mfa.gov.cn/eng/{SECTIONS[s]}index.html" for s in chosen]
    if lang in ("zh", "all"):
        urls += [f"https://www.mfa.gov.cn/web/{CHINESE_SECTIONS[s]}" for s in chosen if s in CHINESE_SECTIONS]
    if not urls:
        raise ValueError(f"-a sections: the Chinese site is crawled for {', '.join(CHINESE_SECTIONS)} only")
    return urls


class MfaSpider(NewsSpider):
    name = "mfa"
    verified = True
    site = mfa
    allowed_domains = ["mfa.gov.cn", "fmprc.gov.cn"]

    def __init__(self, sections: str | None = None, lang: str | None = None, **kwargs: Any) -> None:
        self.default_start_urls = start_urls_for(sections, lang)
        super().__init__(**kwargs)

    def is_deleted(self, response: Response) -> bool:
        return mfa.is_deleted_page(response.body, response.url)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        self.crawler.stats.inc_value("c5/listing_pages")
        try:
            links = mfa.listing_links(response.body, response.url)
        except ExtractionError as exc:
            self.bad_listing(response, exc)
            return
        if not links:
            self.crawler.stats.inc_value("c5/listing_without_links")
        days = []
        for link in links:
            day = url_day(link)
            days.append(day)
            yield from self.follow_article(link, day=day)
        pages = mfa.listing_pages(response.body, response.url)
        here = mfa.canonical_url(response.url)
        if self.since is None:
            for page in pages:
                if mfa.canonical_url(page) != here:
                    yield scrapy.Request(page, callback=self.parse, errback=self.fetch_failed)
            return
        # Newest first: once a page's dated links all precede `since`, the rest do too.
        dated = [d for d in days if d is not None]
        if dated and max(dated) < self.since:
            self.crawler.stats.inc_value("c5/paging_stopped_at_since")
            return
        position = next((i for i, p in enumerate(pages) if mfa.canonical_url(p) == here), None)
        if position is not None and position + 1 < len(pages):
            yield scrapy.Request(pages[position + 1], callback=self.parse, errback=self.fetch_failed)
