"""Scrapy downloader middlewares: retries that back off, skipping what the archive holds,
and counting how each request ended."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from c5crawler.archive import ArchiveStore, open_archive
from c5crawler.archive.store import FetchState
from c5crawler.failures import ANSWERED, ARTICLES_DONE, FAILED, GONE, UNREACHABLE, HostGivenUp, cause_of, failure_key, host_of
from c5crawler.normalise.dates import parse_date

logger = logging.getLogger(__name__)


def backoff_delay(attempt: int, base: float, cap: float, retry_after: bytes | None) -> float:
    """Seconds to wait before retry number `attempt` (1-based); `Retry-After` wins when sane."""
    if retry_after:
        try:
            return min(cap, max(0.0, float(retry_after.decode().strip())))
        except ValueError:
            pass  # an HTTP-date Retry-After: fall back to exponential back-off
    return min(cap, base * 2 ** (attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting longer each time; and a host that refuses connections or does
    not resolve `C5_HOST_GIVE_UP_AFTER` times in a row is given up for the run: its other
    requests fail at once (`HostGivenUp`) instead of each retrying for a minute."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.give_up_after = max(1, settings.getint("C5_HOST_GIVE_UP_AFTER", 3))
        self.unreachable_in_a_row: dict[str, int] = {}
        self.given_up: dict[str, str] = {}  # host -> cause

    def process_request(self, request: Request, spider: Any = None) -> None:
        host = host_of(request.url)
        if host in self.given_up:
            raise HostGivenUp(host, self.given_up[host])

    async def _wait(self, retry: Request, retry_after: bytes | None) -> Request:
        delay = backoff_delay(
            retry.meta.get("retry_times", 1), self.backoff_base, self.backoff_max, retry_after
        )
        if delay > 0:
            # Imported here: importing the reactor at module load would install the wrong one.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return retry

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        self.unreachable_in_a_row.pop(host_of(request.url), None)
        result = super().process_response(request, response)
        if isinstance(result, Request):
            return await self._wait(result, response.headers.get("Retry-After"))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        if isinstance(exception, HostGivenUp):
            return None  # never sent: nothing to retry
        cause = cause_of(exception)
        if cause in UNREACHABLE and self.count_unreachable(host_of(request.url), cause):
            return None
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            return await self._wait(result, None)
        return result

    def count_unreachable(self, host: str, cause: str) -> bool:
        """Count one more refused or unresolved attempt; whether the host is now given up."""
        count = self.unreachable_in_a_row[host] = self.unreachable_in_a_row.get(host, 0) + 1
        if count < self.give_up_after:
            return False
        if host not in self.given_up:
            logger.error("%s: %s %d times in a row; its other requests fail at once this run", host, cause, count)
        self.given_up[host] = cause
        return True


class OutcomeMiddleware:
    """Counts how each request ended: with a page, with the page gone (404, 410), or failed,
    by host and cause (`c5/host_failures/<host>/<cause>`).

    It sits outside the retry and redirect middlewares, so it sees each request's last
    attempt only; a request the crawl chose not to send (`IgnoreRequest`: unchanged,
    off-site, robots.txt) is not a failure.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutcomeMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status < 400:
            self.count(request, ANSWERED)
        elif response.status in (404, 410):
            self.count(request, GONE)
        else:
            self.count(request, FAILED, f"HTTP {response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        if isinstance(exception, IgnoreRequest):
            self.count(request, None)
        else:
            self.count(request, FAILED, cause_of(exception))

    def count(self, request: Request, outcome: str | None, cause: str | None = None) -> None:
        stats = self.crawler.stats
        assert stats is not None
        if outcome:
            stats.inc_value(outcome)
        if cause:
            stats.inc_value(failure_key(request.url, cause))
        if "c5_article" in request.meta:
            stats.inc_value(ARTICLES_DONE)


def fetch_reason(
    state: FetchState | None,
    changed: datetime | None,
    now: datetime,
    revisit_within: timedelta,
    revisit_every: timedelta,
) -> str | None:
    """Why an article page must be downloaded (`new`, `changed`, `revisit`), or None to skip it."""
    if state is None:
        return "new"
    if changed is not None and changed > state.last_seen_at:
        return "changed"
    recent = state.published_at is not None and now - state.published_at < revisit_within
    if recent and now - state.last_seen_at >= revisit_every:
        return "revisit"  # sites edit fresh stories after publication
    return None


class IncrementalMiddleware:
    """Downloads an article page only if it is new, changed, or due a revisit.

    The state is the archive itself: an article's `last_seen_at` against the
    `lastmod`/`pubDate`/`data-time` its feed, sitemap or listing shows. Spiders
    mark article requests with `c5_article` (the canonical URL) and `c5_changed`.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.revisit_within = timedelta(days=settings.getfloat("C5_REVISIT_DAYS", 7))
        self.revisit_every = timedelta(hours=settings.getfloat("C5_REVISIT_EVERY_HOURS", 24))
        self.store: ArchiveStore | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        if not getattr(spider, "full", False):
            self.store = ArchiveStore(open_archive(self.crawler.settings.get("ARCHIVE_URL")))

    def spider_closed(self, spider: Any) -> None:
        if self.store is not None:
            self.store.engine.dispose()

    def process_request(self, request: Request, spider: Any = None) -> None:
        key = request.meta.get("c5_article")
        if key is None or self.store is None or "retry_times" in request.meta or "redirect_times" in request.meta:
            return  # a retry or a redirect hop was already judged (and counted) on its first attempt
        stats = self.crawler.stats
        assert stats is not None
        if request.meta.get("c5_refetch"):  # asked for by `crawl --refetch-dropped`
            stats.inc_value("c5/fetch/refetch")
            return
        parsed = parse_date(request.meta.get("c5_changed"))
        now = datetime.now(timezone.utc)
        reason = fetch_reason(
            self.store.fetch_state(key),
            parsed.value if parsed else None,
            now,
            self.revisit_within,
            self.revisit_every,
        )
        if reason is None:
            stats.inc_value("c5/skipped/unchanged")
            raise IgnoreRequest(f"archived and unchanged: {key}")
        stats.inc_value(f"c5/fetch/{reason}")
