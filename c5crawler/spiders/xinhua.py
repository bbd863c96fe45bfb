"""Xinhua English: its RSS feeds, sitemaps named in robots.txt, and the China and World sections.

Reported: `english.news.cn/rss/worldrss.xml` and the section pages
`english.news.cn/{china,world}/index.htm`. Guessed: `rss/chinarss.xml` beside it,
and sitemaps in robots.txt (a site without them costs one request).
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Response

from c5crawler.extract import xinhua
from c5crawler.items import RawArticle
from c5crawler.normalise.dates import ParsedDate
from c5crawler.spiders.base import NewsSpider


class XinhuaSpider(NewsSpider):
    name = "xinhua"
    allowed_domains = ["news.cn", "xinhuanet.com"]
    default_start_urls = [
        "https://english.news.cn/rss/worldrss.xml",
        "https://english.news.cn/rss/chinarss.xml",
        "https://english.news.cn/robots.txt",
        "https://english.news.cn/china/index.htm",
        "https://english.news.cn/world/index.htm",
    ]

    def canonical_url(self, url: str) -> str:
        return xinhua.canonical_url(url)

    def is_article_url(self, url: str) -> bool:
        return xinhua.is_article_url(url)

    def extract_article(self, html: bytes, url: str) -> RawArticle:
        return xinhua.extract_article(html, url)

    def listing_links(self, response: Response) -> Iterable[tuple[str, ParsedDate | None]]:
        return ((link, None) for link in xinhua.listing_links(response.body, response.url))
