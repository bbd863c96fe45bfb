"""Thin Scrapy adapters: normalise the raw fields, enrich the record, then archive it."""

from __future__ import annotations

from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from c5crawler.archive import ArchiveStore, RunCounts, open_archive
from c5crawler.archive.store import parse_iso
from c5crawler.enrich import enrich_record, is_diplomacy
from c5crawler.items import ArticleItem, ExtractionError
from c5crawler.normalise.record import normalise_record


def dropped_count(stats: dict[str, Any]) -> int:
    return sum(v for k, v in stats.items() if k.startswith("c5/dropped/"))


class NormalisePipeline:
    """RawArticle -> ArticleRecord; a page that is not an article is dropped with its reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        if "raw" not in item:
            return item
        try:
            item["record"] = normalise_record(item["raw"])
        except ExtractionError as exc:
            self.stats.inc_value(f"c5/dropped/{exc}")
            raise DropItem(f"{item['raw'].get('url')}: {exc}") from exc
        if item["record"]["published_at"] is None:
            self.stats.inc_value("c5/no_date")
        return item


KEEP_CHOICES = ("diplomacy", "all")


class EnrichPipeline:
    """Mentions, quotes and topics; with C5_KEEP=diplomacy, other articles are dropped."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.keep: str = crawler.settings.get("C5_KEEP", "diplomacy")
        if self.keep not in KEEP_CHOICES:
            raise ValueError(f"C5_KEEP must be one of {', '.join(KEEP_CHOICES)}, not {self.keep!r}")
        self.keep_always = set(crawler.settings.getlist("C5_KEEP_ALWAYS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EnrichPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        if "record" not in item:
            return item
        record = item["record"] = enrich_record(item["record"])
        if self.keep == "diplomacy" and record["source"] not in self.keep_always and not is_diplomacy(record):
            self.stats.inc_value("c5/dropped/not diplomacy")
            raise DropItem(f"{record['url']}: not diplomacy")
        return item


class ArchivePipeline:
    """Stores records and deletions, and keeps the run's `crawl_runs` row."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive_url: str = crawler.settings.get("ARCHIVE_URL")
        self.store: ArchiveStore | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        # The close reason is only known once the spider has closed, after pipelines close.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        self.store = ArchiveStore(open_archive(self.archive_url))
        self.run_id = self.store.start_run(self.crawler.spider.name)  # type: ignore[union-attr]

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        assert self.store is not None
        if "deleted_url" in item:
            when = parse_iso(item["page"]["fetched_at"])
            if when and self.store.mark_deleted(item["deleted_url"], when):
                self.stats.inc_value("c5/archive/deleted")
            return item
        if "record" in item:
            outcome = self.store.save(item["record"], item["page"], self.run_id)
            self.stats.inc_value(f"c5/archive/{outcome}")
        return item

    def finish_run(self, spider: Spider, reason: str) -> None:
        if self.store is None or self.run_id is None:
            return
        stats = self.stats.get_stats()
        counts = RunCounts(
            pages_fetched=stats.get("downloader/response_count", 0),
            new=stats.get("c5/archive/new", 0),
            updated=stats.get("c5/archive/updated", 0),
            unchanged=stats.get("c5/archive/unchanged", 0),
            deleted=stats.get("c5/archive/deleted", 0),
            dropped=dropped_count(stats),
            errors=stats.get("log_count/ERROR", 0),
        )
        self.store.finish_run(
            self.run_id, counts, outcome=reason, stats={k: _plain(v) for k, v in stats.items()}
        )
        self.store.engine.dispose()


def _plain(value: Any) -> Any:
    """Stats values as JSON can hold them (start/finish times are datetimes)."""
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
