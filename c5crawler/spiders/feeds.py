"""Any news or ministry feed named in a sources file (see c5crawler/sources.py): data, no code.

    scrapy crawl feeds -a sources=PATH -a source=ID[,ID]

The file defaults to the setting C5_SOURCES_FILE (the bundled example
`c5crawler/sources.toml`). Every request made from a source's feed or sitemap
carries the source's id, so its articles are read with its selectors (or the
generic extractor) and its time zone, and archived under its id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from c5crawler.extract.fallback import extract_generic
from c5crawler.extract.html import strip_tracking
from c5crawler.extract.selectors import extract_with_selectors
from c5crawler.items import RawArticle
from c5crawler.sources import BUNDLED_SOURCES, Source, choose, load_sources
from c5crawler.spiders.base import NewsSpider

SOURCE_KEY = "c5_source"


class FeedsSpider(NewsSpider):
    name = "feeds"

    @classmethod
    def runs_by_default(cls, settings: Any, spider_args: dict[str, str]) -> bool:
        """Only with a sources file of the user's: the bundled one holds unchecked examples."""
        given = spider_args.get("sources") or settings.get("C5_SOURCES_FILE")
        return bool(given) and Path(given).resolve() != BUNDLED_SOURCES.resolve()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FeedsSpider:
        kwargs.setdefault("sources", crawler.settings.get("C5_SOURCES_FILE"))
        spider: FeedsSpider = super().from_crawler(crawler, *args, **kwargs)
        return spider

    def __init__(self, sources: str | None = None, source: str | None = None, **kwargs: Any) -> None:
        self.sources = {s.id: s for s in choose(load_sources(Path(sources or BUNDLED_SOURCES)), source)}
        self.default_start_urls = [url for s in self.sources.values() for url in s.urls]
        self.allowed_domains = sorted({d for s in self.sources.values() for d in s.allowed_domains})
        super().__init__(**kwargs)
        if kwargs.get("start_urls") and len(self.sources) != 1:
            raise ValueError("-a start_urls: name the one source they belong to with -a source=ID")

    def source_of_start(self, url: str) -> Source:
        return next(
            (s for s in self.sources.values() if url in s.urls),
            next(iter(self.sources.values())),  # `-a start_urls=` with its one `-a source=`
        )

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed, meta={SOURCE_KEY: self.source_of_start(url).id})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """The shared routing, with every request made from here tagged with this source."""
        source_id = response.meta[SOURCE_KEY]
        for output in super().parse(response, **kwargs):
            if isinstance(output, scrapy.Request):
                output.meta.setdefault(SOURCE_KEY, source_id)
            yield output

    def canonical_url(self, url: str) -> str:
        return strip_tracking(url)

    def is_article_url(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        allowed = any(host == d or host.endswith("." + d) for d in self.allowed_domains)
        return allowed and any(s.accepts(url) for s in self.sources.values())

    def extract_response(self, response: Response) -> RawArticle:
        source = self.sources[response.meta[SOURCE_KEY]]
        if source.selectors:
            raw = extract_with_selectors(response.body, response.url, source.id, source.selectors)
        else:
            raw = extract_generic(response.body, response.url, source.id)
        if source.time_zone:
            raw["date_zone"] = source.time_zone
        return raw
