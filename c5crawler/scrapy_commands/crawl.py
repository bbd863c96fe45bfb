"""`scrapy crawl SPIDER`, run as `c5crawler crawl SPIDER` runs: the same checks and one-line
errors (exit code 2), the archive's lock, the summary and the exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError as ScrapyUsageError

from c5crawler.commands.crawl import checked_settings, run_crawl
from c5crawler.commands.options import EXIT_USAGE, UsageError, pair_option

PROG = "scrapy crawl"


class Command(ScrapyCrawlCommand):
    # run_crawl makes the crawler process once the spider, its arguments and the archive
    # are checked: a mistake prints one line, not Scrapy's start-up log and a traceback.
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Run a spider into the archive, as `c5crawler crawl SPIDER` does"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        with one_line_errors():
            checked_settings(opts.set, self.settings)
            for pair in opts.spargs:
                pair_option("-a", pair)
            super().process_options(args, opts)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        with one_line_errors():
            if len(args) != 1:
                raise UsageError("name one spider, e.g. scrapy crawl cgtn (c5crawler crawl runs several)")
            self.exitcode = run_crawl(self.settings, args, opts.spargs, PROG)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Bad input as one line and exit code 2, as `c5crawler` prints it."""
    from c5crawler.archive import ArchiveError

    try:
        yield
    except (UsageError, ScrapyUsageError, ArchiveError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
