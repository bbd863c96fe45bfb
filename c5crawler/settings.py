"""Every knob of c5crawler, in one place.

Override with `scrapy crawl ... -s NAME=value`, with `C5_`-prefixed environment
variables for the ones read below, or with `c5crawler` flags.
"""

from __future__ import annotations

import os

BOT_NAME = "c5crawler"
SPIDER_MODULES = ["c5crawler.spiders"]
NEWSPIDER_MODULE = "c5crawler.spiders"
# `scrapy crawl` as `c5crawler crawl`: the same checks, summary and exit codes.
COMMANDS_MODULE = "c5crawler.scrapy_commands"

# Where the archive lives: any SQLAlchemy URL.
ARCHIVE_URL = os.environ.get("C5_ARCHIVE_URL", "sqlite:///data/archive.sqlite3")

# Politeness: an honest user agent with a way to reach whoever runs the crawl.
C5_CONTACT = os.environ.get("C5_CONTACT", "https://github.com/c5crawler/c5crawler")
USER_AGENT = f"c5crawler/0.1 (+{C5_CONTACT}; research archive of diplomacy reporting)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# An article page yields one item and the pipelines are synchronous: Scrapy's default of
# 100 starts 100 tasks per response for nothing (about a tenth of the crawl's CPU).
CONCURRENT_ITEMS = 1

# Retries with exponential back-off (the MFA servers reset connections often).
RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry; doubles each time
RETRY_BACKOFF_MAX = 60.0
# A host that refuses connections or does not resolve this many times in a row is
# given up for the run: its other requests fail at once, so an unreachable site
# fails the crawl in seconds (resets, timeouts and 5xx keep their retries).
C5_HOST_GIVE_UP_AFTER = 3
DNS_TIMEOUT = 10  # Scrapy's 60 s, three times over, would pass a minute
DOWNLOADER_MIDDLEWARES = {
    # Outside retries and redirects: it sees how each request finally ended.
    "c5crawler.middlewares.OutcomeMiddleware": 40,
    "c5crawler.middlewares.IncrementalMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "c5crawler.middlewares.BackoffRetryMiddleware": 550,
}

# Incremental crawling: an archived article is downloaded again only when its feed,
# sitemap or listing shows a change since it was last fetched, or, while it is
# younger than C5_REVISIT_DAYS, once every C5_REVISIT_EVERY_HOURS (stories get
# edited after publication). `-a full=1` / `c5crawler crawl --full` fetches all.
C5_REVISIT_DAYS = 7.0
C5_REVISIT_EVERY_HOURS = 24.0

ITEM_PIPELINES = {
    "c5crawler.pipelines.NormalisePipeline": 100,
    "c5crawler.pipelines.EnrichPipeline": 500,
    "c5crawler.pipelines.ArchivePipeline": 800,
}

# Archived records are written in batches, one transaction each: every N articles or
# T seconds, whichever comes first, and at the end. A killed run loses at most the
# batch not yet written (the next run fetches it again).
C5_ARCHIVE_BATCH_SIZE = 50
C5_ARCHIVE_BATCH_SECONDS = 1.0

# What to archive: "all" (the default) archives every fetched article page, tagged
# with its topics, so nothing fetched is lost: the query side shows diplomacy unless
# asked for `--all`, and `c5crawler reparse` re-tags after a change of rules.
# "diplomacy" is an opt-in storage saver: it archives only articles enrichment tags
# diplomacy (docs/relevance.md), dropping the rest as `c5/dropped/not diplomacy`
# (remembered without their HTML; `crawl --refetch-dropped` fetches them again).
C5_KEEP = os.environ.get("C5_KEEP", "all")

# Pages under 404/410 are deletions for the archive, not errors to hide.
HTTPERROR_ALLOWED_CODES = [404, 410]

# Health alarms (c5crawler/health.py): a run whose pages lose a field alarms when
# the share of pages with it falls under these thresholds, or under half of what the
# spider's recent runs had; judged only when a run archived C5_ALARM_MIN_PAGES pages.
C5_ALARM_MIN_PAGES = 5
C5_ALARM_MIN_BODY_WORDS = 50
C5_ALARM_THRESHOLDS = {"date": 0.8, "body": 0.8, "site_extractor": 0.5}
# A run in which more than this share of requests failed (after their retries) alarms,
# first run included; one in which no request got a page fails (exit code 1).
C5_ALARM_MAX_ERROR_SHARE = 0.2

# Progress (c5crawler/progress.py): a live line when standard output is a terminal
# ("auto"; "off": never), and a progress line in the log every LOGSTATS_INTERVAL seconds.
C5_PROGRESS = os.environ.get("C5_PROGRESS", "auto")
LOGSTATS_INTERVAL = 60.0
EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,  # its "Crawled N pages" line is ours now
    "c5crawler.progress.CrawlProgress": 500,
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "c5crawler.logformat.OneLineLogFormatter"  # a dropped page is one log line
LOG_LEVEL = os.environ.get("C5_LOG_LEVEL", "INFO")
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Distributed mode (docs/distributed.md): with a Redis URL, this process is one worker of
# the shared crawl named C5_CRAWL_ID; the archive must then be PostgreSQL.
C5_REDIS_URL = os.environ.get("C5_REDIS_URL", "")
C5_CRAWL_ID = os.environ.get("C5_CRAWL_ID", "")
# A worker silent (no heartbeat) this many seconds is dead: its requests go back in the queue.
C5_LEASE_TIMEOUT = 60.0
ADDONS = {"c5crawler.distributed.DistributedCrawl": 0}

# The `feeds` spider's sources file (TOML; see c5crawler/sources.py and docs/spiders.md).
C5_SOURCES_FILE = os.environ.get(
    "C5_SOURCES_FILE", os.path.join(os.path.dirname(__file__), "sources.toml")
)
