"""One crawl in its own process (so its memory and time are its own); writes Scrapy's stats as JSON.

python bench/crawl_worker.py fetch|fetch-default|bare|c5 START_URL ARCHIVE_URL OUT.json [SETTING=VALUE ...]

`fetch` is the ceiling: a plain Scrapy spider that reads the sitemap, fetches each
URL it lists and does nothing else, the same requests c5crawler makes. `fetch-default` is the same spider with Scrapy's default
CONCURRENT_ITEMS (100), the ceiling as first measured. `bare` also
follows every same-site link of every page (about 25 extra requests a page, which
the dupefilter drops): more work than c5crawler does, kept as a second row. `c5` is
the project's CGTN spider with the project's settings, middlewares and pipelines
(extract, normalise, enrich, archive). All get the same concurrency and no
politeness delays.
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scrapy  # noqa: E402
from scrapy import signals  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.settings import Settings  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402

SAME_FOR_ALL = {
    # c5crawler's own setting, given to every crawler: Scrapy's default (100) starts 100
    # asyncio tasks for each response's output, about 0.8 ms of CPU a page that a
    # ceiling must not be charged for. `fetch-default` keeps Scrapy's default.
    "CONCURRENT_ITEMS": 1,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
}
_LOC = re.compile(rb"<loc>([^<]+)</loc>")


class FetchSpider(scrapy.Spider):
    """Reads the sitemap and fetches every URL in it, nothing more: Scrapy's own rate for this crawl."""

    name = "fetch"
    allowed_domains = ["127.0.0.1"]

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start_url]

    def parse(self, response: Any, **kwargs: Any) -> Any:
        if response.url.endswith(".xml"):
            for loc in _LOC.findall(response.body):
                yield scrapy.Request(loc.decode())


class BareSpider(FetchSpider):
    """Also follows every same-site link of every page: more work than c5crawler does."""

    name = "bare"

    def parse(self, response: Any, **kwargs: Any) -> Any:
        if response.url.endswith(".xml"):
            yield from super().parse(response)
            return
        # Links of this site only (as a LinkExtractor with allow_domains would pick):
        # the off-site navigation is not turned into requests only to be filtered.
        for href in response.css("a::attr(href)").getall():
            if href.startswith("/") and not href.startswith("//"):
                yield response.follow(href)


def cpu_seconds(who: int) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def main() -> None:
    kind, start_url, archive_url, out = sys.argv[1:5]
    extra = dict(arg.split("=", 1) for arg in sys.argv[5:])
    spiders = {"fetch": FetchSpider, "fetch-default": FetchSpider, "bare": BareSpider}
    if kind in spiders:
        settings = Settings()
        settings.setdict(SAME_FOR_ALL, priority="cmdline")
        if kind == "fetch-default":
            settings.set("CONCURRENT_ITEMS", Settings().getint("CONCURRENT_ITEMS"), priority="cmdline")
    else:
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "c5crawler.settings")
        settings = get_project_settings()
        settings.setdict({**SAME_FOR_ALL, "ARCHIVE_URL": archive_url, "C5_KEEP": "all"}, priority="cmdline")
    settings.setdict(extra, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spiders.get(kind, "cgtn"))
    opened = [0.0]
    crawler.signals.connect(lambda: opened.__setitem__(0, cpu_seconds(resource.RUSAGE_SELF)), signals.spider_opened)
    if kind in spiders:
        process.crawl(crawler, start_url=start_url)
    else:
        process.crawl(crawler, start_urls=start_url)
    process.start()
    stats = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in crawler.stats.get_stats().items()}
    # CPU seconds of the crawl's own process from the spider's opening (imports and
    # migrations aside).
    stats["bench/cpu_self_seconds"] = cpu_seconds(resource.RUSAGE_SELF) - opened[0]
    Path(out).write_text(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
