"""Global Times: its RSS feed, sitemaps named in robots.txt, and the China and diplomacy sections.

Reported: the section page `globaltimes.cn/china/index.html`. Guessed: the
diplomacy section `globaltimes.cn/china/diplomacy/index.html`, the feed
`globaltimes.cn/rss/outbrain.xml`, and sitemaps in robots.txt.
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import Response

from c5crawler.extract import globaltimes
from c5crawler.items import RawArticle
from c5crawler.normalise.dates import ParsedDate
from c5crawler.spiders.base import NewsSpider


class GlobalTimesSpider(NewsSpider):
    name = "globaltimes"
    allowed_domains = ["globaltimes.cn"]
    default_start_urls = [
        "https://www.globaltimes.cn/rss/outbrain.xml",
        "https://www.globaltimes.cn/robots.txt",
        "https://www.globaltimes.cn/china/diplomacy/index.html",
        "https://www.globaltimes.cn/china/index.html",
    ]

    def canonical_url(self, url: str) -> str:
        return globaltimes.canonical_url(url)

    def is_article_url(self, url: str) -> bool:
        return globaltimes.is_article_url(url)

    def extract_article(self, html: bytes, url: str) -> RawArticle:
        return globaltimes.extract_article(html, url)

    def listing_links(self, response: Response) -> Iterable[tuple[str, ParsedDate | None]]:
        return ((link, None) for link in globaltimes.listing_links(response.body, response.url))
