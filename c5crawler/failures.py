"""Why requests failed, per host, in a few words: what a run's summary and alarms report.

Each request that ends without a usable answer is counted once in the run's stats,
under `c5/host_failures/<host>/<cause>`, by the middleware that sees how requests end
(`c5crawler.middlewares.OutcomeMiddleware`). The functions here are pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

HOST_FAILURES = "c5/host_failures/"
ANSWERED = "c5/requests/answered"  # an answer with a page (status under 400)
GONE = "c5/requests/gone"  # an answer that the page is gone (HTTPERROR_ALLOWED_CODES: 404, 410)
FAILED = "c5/requests/failed"  # no answer after the retries, or an error status
ARTICLES_DONE = "c5/articles/done"  # article requests that ended, any way (the progress line's count)

# Exception classes (by name, so that Scrapy's and Twisted's both match) to causes.
_CAUSES = {
    "DownloadConnectionRefusedError": "connection refused",
    "ConnectionRefusedError": "connection refused",
    "CannotResolveHostError": "cannot resolve host",
    "DNSLookupError": "cannot resolve host",
    "NoRouteError": "no route to host",
    "DownloadTimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "TimeoutError": "timed out",
    "ResponseDataLossError": "connection lost",
    "DownloadFailedError": "connection lost",
    "ResponseFailed": "connection lost",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection lost",
    "DownloadCancelledError": "download cancelled",  # mostly a page over DOWNLOAD_MAXSIZE
    "CancelledError": "download cancelled",
}
# Causes that say the host cannot be reached at all: retrying them for minutes helps no
# one, unlike a reset, a timeout or a 5xx, which the MFA servers give and then recover from.
UNREACHABLE = frozenset({"connection refused", "cannot resolve host", "no route to host"})


class HostGivenUp(Exception):
    """A request not sent: its host was unreachable several times in a row this run."""

    def __init__(self, host: str, cause: str) -> None:
        super().__init__(f"{host}: {cause}; not tried again this run")
        self.cause = cause


def cause_of(exception: BaseException) -> str:
    """`connection refused`, `timed out`, ...: the cause of a failed download in a few words."""
    if isinstance(exception, HostGivenUp):
        return exception.cause
    for cls in type(exception).__mro__:
        if cls.__name__ in _CAUSES:
            return _CAUSES[cls.__name__]
    return type(exception).__name__


def host_of(url: str) -> str:
    """The host as the user wrote it, with its port when the URL names one (`127.0.0.1:8000`)."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def failure_key(url: str, cause: str) -> str:
    return f"{HOST_FAILURES}{host_of(url)}/{cause}"


def host_failures(stats: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Failed requests by host, then by cause; the hosts with most failures first."""
    found: dict[str, dict[str, int]] = {}
    for key, count in sorted(stats.items()):
        if key.startswith(HOST_FAILURES):
            host, _, cause = key.removeprefix(HOST_FAILURES).partition("/")
            found.setdefault(host, {})[cause] = int(count)
    return dict(sorted(found.items(), key=lambda item: -sum(item[1].values())))


def describe_failures(stats: Mapping[str, Any]) -> str:
    """`127.0.0.1:8000: connection refused ×16; www.cgtn.com: HTTP 503 ×2, timed out ×1`, or ''."""
    return "; ".join(
        f"{host}: " + ", ".join(f"{cause} ×{count}" for cause, count in causes.items())
        for host, causes in host_failures(stats).items()
    )


def request_counts(stats: Mapping[str, Any]) -> tuple[int, int]:
    """(requests that ended, requests that failed); retries are part of their request."""
    failed = int(stats.get(FAILED, 0))
    return int(stats.get(ANSWERED, 0)) + int(stats.get(GONE, 0)) + failed, failed


def fetched_nothing(stats: Mapping[str, Any]) -> bool:
    """Whether no request got a page: the site is unreachable, or refuses every request."""
    return int(stats.get(ANSWERED, 0)) == 0
