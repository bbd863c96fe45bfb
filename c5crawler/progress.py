"""How far a crawl has got: a live line on a terminal, and a line in the log every minute.

The live line (drawn by rich) shows pages fetched, articles archived, archived articles
skipped as unchanged, failed requests and the rate; on a back-fill (`since`), also how
many of the articles found so far are done, the percentage and the time left. It is
drawn only when standard output is a terminal, so cron mails and pipes get the summary
alone. The log line goes wherever the log goes (`--log-file` included), every
`LOGSTATS_INTERVAL` seconds, in place of Scrapy's own "Crawled N pages".
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task

from c5crawler.failures import ARTICLES_DONE, FAILED

logger = logging.getLogger(__name__)

REDRAW_SECONDS = 0.5
PROGRESS_CHOICES = ("auto", "off")  # C5_PROGRESS: the live line on a terminal, or never


def progress_text(stats: Mapping[str, Any], elapsed: float) -> str:
    """`1,204 fetched · 300 archived · 850 skipped · 2 errors · 12.3 pages/s`."""
    fetched = int(stats.get("downloader/response_count", 0))
    archived = int(stats.get("c5/archive/new", 0)) + int(stats.get("c5/archive/updated", 0))
    skipped = int(stats.get("c5/skipped/unchanged", 0))
    errors = int(stats.get(FAILED, 0))
    rate = fetched / elapsed if elapsed > 0 else 0.0
    return f"{fetched:,} fetched · {archived:,} archived · {skipped:,} skipped · {errors:,} errors · {rate:.1f} pages/s"


def backfill_total(spider: Spider, stats: Mapping[str, Any]) -> int | None:
    """The number of articles a back-fill (`since`) has found so far: its total; else None."""
    if getattr(spider, "since", None) is None:
        return None
    return int(stats.get("c5/articles_discovered", 0)) or None


def articles_done(stats: Mapping[str, Any]) -> int:
    return int(stats.get(ARTICLES_DONE, 0))


class BackfillColumn(ProgressColumn):
    """`1,152/3,000 articles 38% ETA 0:02:30` when the total is known; nothing otherwise."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        left = task.time_remaining
        eta = f" ETA {timedelta(seconds=int(left))}" if left is not None else ""
        return Text(f"{task.completed:,.0f}/{task.total:,.0f} articles {task.percentage:.0f}%{eta}")


class LiveLine:
    """The rich display the crawlers of one process share (rich draws one at a time).

    While it is drawn, the log's terminal handler writes through it, so log lines
    scroll above the progress line instead of breaking it.
    """

    shared: LiveLine | None = None

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            TextColumn("{task.fields[counts]}"),
            BackfillColumn(),
            console=Console(file=sys.stdout),
            transient=True,  # the run's summary takes its place
        )
        self.users = 0
        self.rerouted: list[tuple[logging.StreamHandler[Any], Any]] = []

    @classmethod
    def join(cls, spider: str) -> tuple[LiveLine, TaskID]:
        line = cls.shared = cls.shared or cls()
        if line.users == 0:
            stderr = sys.stderr
            line.progress.start()  # from here on, sys.stderr writes through the display
            line.reroute_log(stderr)
        line.users += 1
        return line, line.progress.add_task(spider, total=None, counts="starting")

    def leave(self, task_id: TaskID) -> None:
        self.progress.remove_task(task_id)
        self.users -= 1
        if self.users == 0:
            self.progress.stop()
            for handler, stream in self.rerouted:
                handler.setStream(stream)
            self.rerouted = []

    def reroute_log(self, stderr: Any) -> None:
        """The log's handler for the terminal (Scrapy's, on `stderr`) writes through the display."""
        if sys.stderr is stderr:
            return  # the display did not take stderr over
        for handler in logging.getLogger().handlers:
            if type(handler) is logging.StreamHandler and handler.stream is stderr:
                self.rerouted.append((handler, handler.setStream(sys.stderr)))


class CrawlProgress:
    """Scrapy extension: the live line (C5_PROGRESS `auto`: on a terminal; `off`) and the
    progress line in the log every LOGSTATS_INTERVAL seconds (0: none)."""

    def __init__(self, crawler: Crawler, live: bool, log_every: float) -> None:
        self.crawler = crawler
        self.live = live
        self.log_every = log_every
        self.started = time.monotonic()
        self.timers: list[task.LoopingCall] = []
        self.line: LiveLine | None = None
        self.task_id: TaskID | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        settings = crawler.settings
        mode = settings.get("C5_PROGRESS", "auto")
        if mode not in PROGRESS_CHOICES:
            raise ValueError(f"C5_PROGRESS must be one of {', '.join(PROGRESS_CHOICES)}, not {mode!r}")
        live = mode == "auto" and sys.stdout.isatty()
        extension = cls(crawler, live, settings.getfloat("LOGSTATS_INTERVAL", 60.0))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        if self.live:
            self.line, self.task_id = LiveLine.join(spider.name)
            self.every(REDRAW_SECONDS, self.redraw)
        if self.log_every > 0:
            self.every(self.log_every, self.log)

    def every(self, seconds: float, call: Any) -> None:
        timer = task.LoopingCall(call, self.crawler.spider)
        timer.start(seconds, now=False)
        self.timers.append(timer)

    def stats(self) -> dict[str, Any]:
        assert self.crawler.stats is not None
        return self.crawler.stats.get_stats()

    def redraw(self, spider: Spider) -> None:
        assert self.line is not None and self.task_id is not None
        stats = self.stats()
        self.line.progress.update(
            self.task_id,
            total=backfill_total(spider, stats),
            completed=articles_done(stats),
            counts=progress_text(stats, time.monotonic() - self.started),
        )

    def log(self, spider: Spider) -> None:
        stats = self.stats()
        line = f"{spider.name} progress: {progress_text(stats, time.monotonic() - self.started)}"
        total = backfill_total(spider, stats)
        if total:
            done = articles_done(stats)
            line += f"; {done:,} of the {total:,} articles found so far ({done / total:.0%})"
        logger.info(line)

    def spider_closed(self, spider: Spider) -> None:
        for timer in self.timers:
            if timer.running:
                timer.stop()
        if self.line is not None and self.task_id is not None:
            self.line.leave(self.task_id)
