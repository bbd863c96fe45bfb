"""One crawl in its own process (so its memory and time are its own); writes Scrapy's stats as JSON.

python bench/crawl_worker.py bare|c5 START_URL ARCHIVE_URL OUT.json [SETTING=VALUE ...]

`bare` is the ceiling: a plain Scrapy spider that reads the sitemap and follows every
link of every page, and does nothing else. `c5` is the project's CGTN spider with the
project's settings, middlewares and pipelines (extract, normalise, enrich, archive).
Both get the same concurrency and no politeness delays.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.settings import Settings  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402

SAME_FOR_BOTH = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
}
_LOC = re.compile(rb"<loc>([^<]+)</loc>")


class BareSpider(scrapy.Spider):
    """Follows links, nothing more: the rate Scrapy itself allows on this machine."""

    name = "bare"
    allowed_domains = ["127.0.0.1"]

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]

    def parse(self, response: Any, **kwargs: Any) -> Any:
        if response.url.endswith(".xml"):
            for loc in _LOC.findall(response.body):
                yield scrapy.Request(loc.decode())
            return
        # Links of this site only (as a LinkExtractor with allow_domains would pick):
        # the off-site navigation is not turned into requests only to be filtered.
        for href in response.css("a::attr(href)").getall():
            if href.startswith("/") and not href.startswith("//"):
                yield response.follow(href)


def main() -> None:
    kind, start_url, archive_url, out = sys.argv[1:5]
    extra = dict(arg.split("=", 1) for arg in sys.argv[5:])
    if kind == "bare":
        settings = Settings()
        settings.setdict(SAME_FOR_BOTH, priority="cmdline")
    else:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "c5crawler.settings")
        settings = get_project_settings()
        settings.setdict({**SAME_FOR_BOTH, "ARCHIVE_URL": archive_url, "C5_KEEP": "all"}, priority="cmdline")
    settings.setdict(extra, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider if kind == "bare" else "cgtn")
    if kind == "bare":
        process.crawl(crawler, start_url=start_url)
    else:
        process.crawl(crawler, start_urls=start_url)
    process.start()
    stats = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in crawler.stats.get_stats().items()}
    Path(out).write_text(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
