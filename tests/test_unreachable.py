"""A crawl that reaches nothing fails, fast and loud: exit code 1, the cause per host.

The crawls here use the project's own settings (politeness delays and back-off
included), as cron runs them, so the times measured are what a user waits. A refused
connection is a 127.0.0.1 port nobody listens on; an unresolvable host is under the
reserved `.invalid` top-level domain, which no resolver answers (RFC 6761).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from scrapy.exceptions import DownloadConnectionRefusedError
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from c5crawler import health
from c5crawler.failures import HostGivenUp, describe_failures, fetched_nothing, request_counts
from c5crawler.middlewares import BackoffRetryMiddleware
from tests.conftest import c5
from tests.faultserver import refused_url
from tests.faultsite import last_run

DEADLINE = 60.0  # "exits non-zero within a minute"


def timed_crawl(db: Path, *start_urls: str) -> tuple[float, str]:
    began = time.monotonic()
    result = c5("crawl", "cgtn", "--db", str(db), "--start-urls", *start_urls)
    elapsed = time.monotonic() - began
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "Traceback" not in result.stdout
    return elapsed, result.stdout


def test_a_refused_site_fails_within_seconds_naming_the_host(archive_path: Path) -> None:
    base = refused_url()
    feeds = [f"{base}/subscribe/rss/section/{s}.xml" for s in ("china", "world", "politics", "business", "opinion")]
    elapsed, out = timed_crawl(archive_path, f"{base}/robots.txt", *feeds)
    host = base.removeprefix("http://")
    # robots.txt, then the 6 start URLs: 7 requests, each reported once, retries included.
    assert "cgtn: unreachable in " in out
    assert f"FAILED: no request got a page. Failed requests: {host}: connection refused ×7." in out, out
    assert elapsed < DEADLINE / 4, f"took {elapsed:.1f} s"
    run = last_run(archive_path)
    assert run["outcome"] == "unreachable" and run["stats"]["c5/requests/failed"] == 7
    # Three refusals in a row give the host up: no request after them is sent or retried.
    assert run["stats"]["c5/failed/HostGivenUp"] == 6
    assert run["stats"]["downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError"] == 3


def test_an_unresolvable_host_fails_within_seconds_naming_it(archive_path: Path) -> None:
    base = "http://www.cgtn.invalid"
    elapsed, out = timed_crawl(archive_path, f"{base}/robots.txt", f"{base}/subscribe/rss/section/world.xml")
    assert "FAILED: no request got a page. Failed requests: www.cgtn.invalid: cannot resolve host ×3." in out, out
    assert elapsed < DEADLINE / 4, f"took {elapsed:.1f} s"
    assert last_run(archive_path)["outcome"] == "unreachable"


def test_refusals_in_a_row_give_a_host_up_and_an_answer_in_between_does_not() -> None:
    crawler = get_crawler(settings_dict={"C5_HOST_GIVE_UP_AFTER": 3, "RETRY_TIMES": 4, "RETRY_BACKOFF_BASE": 0})
    crawler.spider = crawler._create_spider("refused")
    retry = BackoffRetryMiddleware.from_crawler(crawler)
    refused = Request("http://127.0.0.1:9/a")
    for _ in range(2):
        retried = asyncio.run(retry.process_exception(refused, DownloadConnectionRefusedError()))
        assert isinstance(retried, Request)  # refused twice: retried
    asyncio.run(retry.process_response(refused, Response(refused.url, status=200)))  # it answered
    for _ in range(2):
        assert isinstance(asyncio.run(retry.process_exception(refused, DownloadConnectionRefusedError())), Request)
    assert retry.given_up == {}
    assert asyncio.run(retry.process_exception(refused, DownloadConnectionRefusedError())) is None  # a third in a row
    assert retry.given_up == {"127.0.0.1:9": "connection refused"}
    with pytest.raises(HostGivenUp, match=r"^127\.0\.0\.1:9: connection refused; not tried again this run$"):
        retry.process_request(Request("http://127.0.0.1:9/c"))
    retry.process_request(Request("http://127.0.0.1:8/b"))  # other hosts (and ports) are not affected


def test_the_failed_share_alarms_on_a_first_run_and_no_page_is_a_failure() -> None:
    stats = {
        "c5/requests/answered": 7, "c5/requests/gone": 1, "c5/requests/failed": 2,
        "c5/host_failures/www.mfa.gov.cn/HTTP 503": 1,
        "c5/host_failures/www.mfa.gov.cn/connection lost": 1,
    }
    assert request_counts(stats) == (10, 2)
    assert describe_failures(stats) == "www.mfa.gov.cn: HTTP 503 ×1, connection lost ×1"
    alarms = health.run_alarms(stats, [], {}, 5, {}, max_error_share=0.2)
    assert alarms == []  # 20% is not more than 20%
    stats["c5/requests/failed"] = 3
    alarms = health.run_alarms(stats, [], {}, 5, {}, max_error_share=0.2)
    assert alarms == ["3 of 11 requests failed (27%; C5_ALARM_MAX_ERROR_SHARE 20%)"]
    assert health.run_outcome("finished", stats, alarms) == "alarm"
    nothing = {"c5/requests/gone": 1, "c5/requests/failed": 4}
    assert fetched_nothing(nothing) and health.run_alarms(nothing, [], {}, 5, {}, 0.2) == []
    assert health.run_outcome("finished", nothing, []) == "unreachable"
    assert health.run_outcome("shutdown", nothing, []) == "shutdown"
