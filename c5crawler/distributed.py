"""Distributed mode: a crawl joins the shared crawl `C5_CRAWL_ID` on the Redis at `C5_REDIS_URL`.

A Scrapy add-on (in `ADDONS`, so `scrapy crawl` and `c5crawler crawl` both have
it): with `C5_REDIS_URL` set it checks the setup before anything runs, then swaps
in the shared frontier of c5crawler/frontier.py. Without it, nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings, Settings
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# A crawl id names Redis keys: kept to characters that need no quoting anywhere.
CRAWL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
REDIS_CONNECT_SECONDS = 5
DISTRIBUTED_CONCURRENT_ITEMS = 16


def _shown(url: str) -> str:
    """The URL without its password, fit for a message."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)


def check_settings(settings: BaseSettings) -> str | None:
    """Why a crawl with these settings cannot join a shared crawl, in one line; None if it can (or is not distributed)."""
    url: str = settings.get("C5_REDIS_URL") or ""
    if not url:
        return None
    crawl_id: str = settings.get("C5_CRAWL_ID") or ""
    if not CRAWL_ID.fullmatch(crawl_id):
        return (
            "a distributed crawl needs a crawl id of letters, digits, '.', '_' and '-' "
            f"(-s C5_CRAWL_ID=NAME), not {crawl_id!r}"
        )
    archive = settings.get("ARCHIVE_URL") or ""
    try:
        backend = make_url(archive).get_backend_name()
    except ArgumentError:
        return f"not a database URL: {archive!r}"
    if backend != "postgresql":
        return (
            f"a distributed crawl needs a PostgreSQL archive that every worker writes to, not {backend} "
            "(-s ARCHIVE_URL=postgresql+psycopg://...)"
        )
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError:
        return "a distributed crawl needs scrapy-redis: pip install 'c5crawler[distributed]'"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=REDIS_CONNECT_SECONDS).ping()
    except (redis.RedisError, ValueError) as exc:
        return f"cannot reach Redis at {_shown(url)}: {exc}"
    return None


class DistributedCrawl:
    """The Scrapy add-on: the shared frontier, for a setup `check_settings` passed (the crawl
    command checks it before the archive is opened)."""

    def update_settings(self, settings: Settings) -> None:
        url = settings.get("C5_REDIS_URL")
        if not url:
            return
        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", "c5crawler.frontier.SharedScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "c5crawler.frontier.ArticleDupeFilter", priority="addon")
        settings.set("SCHEDULER_SERIALIZER", "c5crawler.requestjson", priority="addon")
        # Scrapy hands a callback's output on one at a time between other work: with one
        # at a time (the project's setting), a worker reading a sitemap queues its links
        # only as fast as it fetches them itself, and the other workers starve.
        if settings.getpriority("CONCURRENT_ITEMS") <= SETTINGS_PRIORITIES["project"]:
            settings.set("CONCURRENT_ITEMS", DISTRIBUTED_CONCURRENT_ITEMS, priority="project")
        middlewares: Any = settings["DOWNLOADER_MIDDLEWARES"]
        # After the incremental middleware (50): a skipped article takes no turn at the site.
        middlewares["c5crawler.frontier.SharedPolitenessMiddleware"] = 60
