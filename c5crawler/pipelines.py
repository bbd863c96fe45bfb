"""Thin Scrapy adapters: normalise the raw fields, enrich the record, then archive it."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from c5crawler import health
from c5crawler.archive import ArchiveStore, RunCounts, open_archive
from c5crawler.archive.store import parse_iso
from c5crawler.enrich import enrich_record, is_diplomacy
from c5crawler.items import ArticleItem, ArticleRecord, ExtractionError
from c5crawler.normalise.record import normalise_record
from c5crawler.runlock import DatabaseRunLock, LockHeld


logger = logging.getLogger(__name__)
T = TypeVar("T")

# Sent as the ArchivePipeline hands a batch to its writing thread (with it, everything
# handed to the pipeline before), then as that batch is committed, in the same order:
# a distributed crawl's worker lets go of the requests those pages came from.
archive_writing = object()
archive_committed = object()
# How often a running crawl run says it is alive (see ArchiveStore.close_interrupted_runs).
HEARTBEAT_SECONDS = 60.0


def dropped_count(stats: dict[str, Any]) -> int:
    return sum(v for k, v in stats.items() if k.startswith("c5/dropped/"))


class PageDropped(DropItem):
    """A fetched page the archive does not keep, and why; ArchivePipeline counts and remembers it."""

    def __init__(self, url: str, source: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.source, self.reason = url, source, reason


class NormalisePipeline:
    """RawArticle -> ArticleRecord; a page that is not an article is dropped with its reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        if "drop_reason" in item:
            raise PageDropped(item["dropped_url"], item["source"], item["drop_reason"])
        if "raw" not in item:
            return item
        try:
            item["record"] = normalise_record(item["raw"])
        except ExtractionError as exc:
            raw = item["raw"]
            raise PageDropped(raw["url"], raw["source"], str(exc)) from exc
        if item["record"]["published_at"] is None:
            self.stats.inc_value("c5/no_date")
        return item


KEEP_CHOICES = ("all", "diplomacy")


class EnrichPipeline:
    """Mentions, quotes and topics; only with C5_KEEP=diplomacy (a storage saver) are other articles dropped."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.keep: str = crawler.settings.get("C5_KEEP", "all")
        if self.keep not in KEEP_CHOICES:
            raise ValueError(f"C5_KEEP must be one of {', '.join(KEEP_CHOICES)}, not {self.keep!r}")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EnrichPipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        if "record" not in item:
            return item
        record = item["record"] = enrich_record(item["record"])
        if self.keep == "diplomacy" and not is_diplomacy(record):
            raise PageDropped(record["url"], record["source"], "not diplomacy")
        return item


class ArchivePipeline:
    """Stores records and deletions, keeps the run's `crawl_runs` row, and raises its alarms.

    Records are stored in batches, each batch one transaction: every
    `C5_ARCHIVE_BATCH_SIZE` articles or `C5_ARCHIVE_BATCH_SECONDS` seconds, whichever
    comes first, before a deletion is recorded, and when the spider closes. The writes
    run on one thread of their own, one after another in the order they were asked
    (SQLite, PostgreSQL's driver and zlib release the interpreter, so the crawl goes on
    fetching and reading pages meanwhile). While a batch is being written the next one
    gathers; when it is full, items wait. A run killed outright loses at most those two
    batches, which the next run fetches again (they are not in the archive), and never
    leaves part of an article.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.archive_url: str = settings.get("ARCHIVE_URL")
        self.min_body_words = settings.getint("C5_ALARM_MIN_BODY_WORDS")
        self.min_items = settings.getint("C5_ALARM_MIN_PAGES")
        self.thresholds: dict[str, float] = settings.getdict("C5_ALARM_THRESHOLDS")
        self.max_error_share = settings.getfloat("C5_ALARM_MAX_ERROR_SHARE", 1.0)
        self.batch_size = max(1, settings.getint("C5_ARCHIVE_BATCH_SIZE", 50))
        self.batch_seconds = settings.getfloat("C5_ARCHIVE_BATCH_SECONDS", 1.0)
        self.pending: list[tuple[ArticleRecord, Any]] = []
        self.pending_since = 0.0
        self.timer: task.LoopingCall | None = None
        self.store: ArchiveStore | None = None
        self.run_id: int | None = None
        self.run_lock: DatabaseRunLock | None = None
        self.heartbeat: task.LoopingCall | None = None
        # Set in distributed mode (see c5crawler/distributed.py): the shared crawl's id.
        self.crawl_id: str | None = settings.get("C5_CRAWL_ID") if settings.get("C5_REDIS_URL") else None
        self.missing: dict[str, list[str]] = {field: [] for field in health.FIELDS}
        self.write_error: str | None = None
        # The archive's writing thread: one, so writes keep the order they were asked in.
        self.writer = ThreadPool(minthreads=1, maxthreads=1, name="c5-archive-writer")
        self.writes_in_flight = 0
        self.waiting: list[Deferred[None]] = []  # fired when no write is in flight
        # Set on the writing thread as a write is refused: no write queued after it is tried.
        self.refused = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        # The close reason is only known once the spider has closed, after pipelines close.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        # Drops happen in the pipelines before this one: hear of them by signal.
        crawler.signals.connect(pipeline.page_dropped, signal=signals.item_dropped)
        # An idle crawl commits what it holds (a distributed worker's leases end with it).
        crawler.signals.connect(pipeline.flush, signal=signals.spider_idle)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        self.store = ArchiveStore(open_archive(self.archive_url))
        name: str = self.crawler.spider.name  # type: ignore[union-attr]
        if self.store.concurrent:
            # PostgreSQL: other crawls may share the archive, from any machine.
            self.run_lock = DatabaseRunLock(self.store.engine, name, shared=self.crawl_id is not None)
            try:
                self.run_lock.acquire()
            except LockHeld as exc:
                logger.error("%s", exc)
                self.run_lock = None
                raise CloseSpider("locked") from None
            self.store.close_interrupted_runs()
        self.run_id = self.store.start_run(name, self.crawl_id)
        self.writer.start()
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(HEARTBEAT_SECONDS, now=False)
        if self.batch_seconds > 0:
            self.timer = task.LoopingCall(self.flush_if_due)
            self.timer.start(self.batch_seconds / 2, now=False)

    def write(self, work: Callable[[], T], done: Callable[[T], None] | None = None, size: int = 1) -> None:
        """Run `work` on the writing thread after the writes asked before it, then `done` on the crawl's.

        A refused write stops the crawl; the `size` articles of a write that is refused,
        or not tried after one was, are counted as not written.
        """
        def on_writing_thread() -> T:
            if self.refused:
                raise _NotTried()
            try:
                return work()
            except Exception:
                self.refused = True
                raise

        def failed(failure: Failure) -> None:
            self.stats.inc_value("c5/archive/not_written", size)
            if failure.check(_NotTried) or self.write_error is not None:
                return
            if not failure.check(SQLAlchemyError):  # not the database's refusal: a fault of ours, shown whole
                logger.error("archive write failed:\n%s", failure.getTraceback())
            self.stop_on_write_error(failure.value)

        def finished(result: None) -> None:
            self.writes_in_flight -= 1
            if not self.writes_in_flight:
                waiting, self.waiting = self.waiting, []
                for deferred in waiting:
                    deferred.callback(None)

        from twisted.internet import reactor  # imported late: the reactor is chosen at start

        self.writes_in_flight += 1
        deferred = deferToThreadPool(reactor, self.writer, on_writing_thread)  # type: ignore[arg-type]
        if done is not None:
            deferred.addCallback(done)
        deferred.addErrback(failed)
        deferred.addBoth(finished)

    def written(self) -> Deferred[None]:
        """Fires once every write asked so far is done."""
        deferred: Deferred[None] = Deferred()
        if self.writes_in_flight:
            self.waiting.append(deferred)
        else:
            deferred.callback(None)
        return deferred

    def beat(self) -> None:
        assert self.store is not None and self.run_id is not None
        store, run_id = self.store, self.run_id

        def renew() -> None:
            try:
                store.heartbeat(run_id)
            except SQLAlchemyError as exc:  # the next beat may get through; a crawl is not stopped for it
                logger.warning("could not renew the run's heartbeat: %s", one_line(exc))

        self.write(renew)

    async def close_spider(self, spider: Spider | None = None) -> None:
        for timer in (self.timer, self.heartbeat):
            if timer is not None and timer.running:
                timer.stop()
        self.flush()
        await maybe_deferred_to_future(self.written())
        if self.writer.started:
            self.writer.stop()

    def flush_if_due(self) -> None:
        if not self.pending or time.monotonic() - self.pending_since >= self.batch_seconds:
            self.flush()

    def flush(self, spider: Spider | None = None) -> None:
        """Hand the pending records to the writing thread, one transaction; then say when all is committed."""
        if self.store is None or self.write_error is not None or not self.writer.started:
            return
        batch, self.pending = self.pending, []
        store, run_id = self.store, self.run_id

        def committed(outcomes: list[str]) -> None:
            for outcome in outcomes:
                self.stats.inc_value(f"c5/archive/{outcome}")
            self.crawler.signals.send_catch_log(archive_committed)

        self.crawler.signals.send_catch_log(archive_writing)
        self.write(lambda: store.save_many(batch, run_id) if batch else [], committed, size=len(batch))

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem | Awaitable[ArticleItem]:
        assert self.store is not None
        if self.write_error is not None:
            # The archive refused a write (full disk, locked, read-only): the crawl is
            # stopping; what is still in flight is counted, and fetched again next run.
            self.stats.inc_value("c5/archive/not_written")
            return item
        if "deleted_url" in item:
            self.flush()  # in the order the pages came
            when = parse_iso(item["page"]["fetched_at"])
            if when:
                store, url = self.store, item["deleted_url"]
                self.write(lambda: store.mark_deleted(url, when), self.count_deleted)
            return item
        if "record" in item:
            record = item["record"]
            if not self.pending:
                self.pending_since = time.monotonic()
            self.pending.append((record, item["page"]))
            self.measure(record)
            if len(self.pending) >= self.batch_size:
                if not self.writes_in_flight:
                    self.flush()
                    return item
                # A batch is being written and the next is full: the item waits for it.
                return self.flush_when_written(item)
        return item

    async def flush_when_written(self, item: ArticleItem) -> ArticleItem:
        await maybe_deferred_to_future(self.written())
        if len(self.pending) >= self.batch_size:  # another waiting item may have flushed it
            self.flush()
        return item

    def count_deleted(self, marked: bool) -> None:
        if marked:
            self.stats.inc_value("c5/archive/deleted")

    def stop_on_write_error(self, exc: BaseException) -> None:
        """Stop the crawl: going on would fetch pages only to lose them.

        Each batch is one transaction, so the failed one left nothing half-written and
        everything archived before it stays; the run ends `archive_error` (exit code 1).
        """
        self.write_error = one_line(exc)
        self.stats.set_value("c5/archive/write_error", self.write_error)
        logger.error("the archive refused a write, stopping the crawl: %s", self.write_error)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))

    def page_dropped(self, item: ArticleItem, exception: BaseException, **_: Any) -> None:
        """Count the drop by its reason, and remember the page so unchanged it is not fetched again."""
        if not isinstance(exception, PageDropped):
            return
        self.stats.inc_value(f"c5/dropped/{exception.reason}")
        if self.store is None or self.write_error is not None or "page" not in item:
            return
        when = parse_iso(item["page"]["fetched_at"])
        if when is None:
            return
        store, url, source, reason, fetched_url = (
            self.store, exception.url, exception.source, exception.reason, item["page"]["url"]
        )
        self.write(lambda: store.remember_dropped(url, source, reason, when, fetched_url))

    def measure(self, record: ArticleRecord) -> None:
        """Count the fields this page has, keeping a few URLs of pages without each."""
        self.stats.inc_value("c5/coverage/items")
        have = health.covered_fields(record, self.min_body_words)
        for field in health.FIELDS:
            if field in have:
                self.stats.inc_value(f"c5/coverage/{field}")
            elif len(self.missing[field]) < 5:
                self.missing[field].append(record["url"])

    def finish_run(self, spider: Spider, reason: str) -> None:
        try:
            self.record_run(spider, reason)
        finally:
            if self.run_lock is not None:
                self.run_lock.release()

    def record_run(self, spider: Spider, reason: str) -> None:
        """The run's counts, stats and outcome in its `crawl_runs` row; alarms raised."""
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
        alarms: list[str] = []
        if reason == "finished":
            alarms = health.run_alarms(
                stats,
                self.store.recent_run_stats(spider.name),
                self.thresholds,
                self.min_items,
                self.missing,
                self.max_error_share,
                judge_discovery=self.crawl_id is None,
            )
        for alarm in alarms:
            logger.error("ALARM %s: %s", spider.name, alarm)
        self.stats.set_value("c5/alarms", alarms)
        outcome = health.run_outcome(reason, stats, alarms)
        self.stats.set_value("c5/outcome", outcome)
        stats = self.stats.get_stats()
        try:
            self.store.finish_run(self.run_id, counts, outcome, {k: _plain(v) for k, v in stats.items()})
        except SQLAlchemyError as exc:
            # The run stays `running`, and the next crawl marks it `interrupted`.
            logger.error("could not record the run's outcome in the archive: %s", one_line(exc))
        self.store.engine.dispose()


class _NotTried(Exception):
    """A write queued after the archive refused one: not tried."""


def one_line(exc: BaseException) -> str:
    """The database's own message (`database or disk is full`), without SQLAlchemy's SQL dump."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _plain(value: Any) -> Any:
    """Stats values as JSON can hold them (start/finish times are datetimes)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)
