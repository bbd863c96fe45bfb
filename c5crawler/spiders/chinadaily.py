"""China Daily: RSS feeds, sitemaps named in robots.txt, and the diplomacy and world sections.

All start points here are guessed (SITES.md reports only the article template):
`chinadaily.com.cn/rss/{china,world}_rss.xml`, `robots.txt`, and the section pages
`chinadaily.com.cn/china/diplomacy` and `chinadaily.com.cn/world`.

A story split over pages (`WS<hex>.html`, `WS<hex>_2.html`, ...) is one article:
whichever page a feed or listing names, the first page is fetched, and the next
pages are followed from it and joined (NewsSpider.next_page_or_item).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import scrapy

from c5crawler.extract import chinadaily
from c5crawler.items import DateText
from c5crawler.spiders.base import NewsSpider


class ChinaDailySpider(NewsSpider):
    name = "chinadaily"
    verified = True
    site = chinadaily
    allowed_domains = ["chinadaily.com.cn"]
    default_start_urls = [
        "https://www.chinadaily.com.cn/rss/china_rss.xml",
        "https://www.chinadaily.com.cn/rss/world_rss.xml",
        "https://www.chinadaily.com.cn/robots.txt",
        "https://www.chinadaily.com.cn/china/diplomacy",
        "https://www.chinadaily.com.cn/world",
    ]

    def follow_article(
        self,
        url: str,
        hint: DateText | None = None,
        day: date | None = None,
        changed: str | None = None,
    ) -> Iterator[scrapy.Request]:
        """Always from the first page: later pages are reached through it."""
        return super().follow_article(chinadaily.first_page_url(url), hint, day, changed)
