"""CGTN: section RSS feeds and news sitemaps for what is new, yearly archive sitemaps to back-fill."""

from __future__ import annotations

import re

from c5crawler.extract import cgtn
from c5crawler.spiders.base import NewsSpider

FEED_SECTIONS = (
    "china", "world", "politics", "business", "opinion", "tech-sci", "culture",
    "sports", "travel", "nature", "live", "video", "gstringer",
)
_ARCHIVE_SITEMAP = re.compile(r"sitemap_archived_(\d{4})(?:_\d+)?\.xml")


class CgtnSpider(NewsSpider):
    name = "cgtn"
    verified = True
    site = cgtn
    allowed_domains = ["cgtn.com"]
    default_start_urls = [
        *(f"https://www.cgtn.com/subscribe/rss/section/{s}.xml" for s in FEED_SECTIONS),
        # robots.txt lists the news sitemaps and the yearly archives.
        "https://www.cgtn.com/robots.txt",
    ]

    def follow_sitemap(self, url: str) -> bool:
        """Yearly archives only for the years `-a since`/`-a until` ask for."""
        match = _ARCHIVE_SITEMAP.search(url)
        if not match:
            return True
        if self.since is None:
            return False
        year = int(match.group(1))
        return self.since.year <= year and (self.until is None or year <= self.until.year)
