"""Scrapy downloader middleware: retries that back off instead of hammering."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


def backoff_delay(attempt: int, base: float, cap: float, retry_after: bytes | None) -> float:
    """Seconds to wait before retry number `attempt` (1-based); `Retry-After` wins when sane."""
    if retry_after:
        try:
            return min(cap, max(0.0, float(retry_after.decode().strip())))
        except ValueError:
            pass  # an HTTP-date Retry-After: fall back to exponential back-off
    return min(cap, base * 2 ** (attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

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
        result = super().process_response(request, response)
        if isinstance(result, Request):
            return await self._wait(result, response.headers.get("Retry-After"))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            return await self._wait(result, None)
        return result
