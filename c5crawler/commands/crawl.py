"""`c5crawler crawl`: run spiders into the archive, one run at a time, with a summary per spider."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from c5crawler.commands.options import (
    EXIT_ALARM,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    UsageError,
    Verbs,
    archive_url,
    day,
    pair_option,
)


def register(verbs: Verbs) -> None:
    crawl = verbs.add("crawl", "run spiders into the archive (all of them by default)", db=True)
    crawl.add_argument("spiders", nargs="*", metavar="SPIDER", help="spider names, e.g. cgtn")
    crawl.add_argument("--start-urls", nargs="+", metavar="URL", help="begin here instead (a mirror, one feed)")
    crawl.add_argument("--since", type=day, help="only articles from this day (YYYY-MM-DD)")
    crawl.add_argument("--until", type=day, help="only articles up to this day (YYYY-MM-DD)")
    crawl.add_argument("--full", action="store_true", help="fetch every article found, ignoring what the archive holds")
    crawl.add_argument(
        "--refetch-dropped", action="store_true",
        help="first fetch again, once, the pages the archive remembers as dropped (they have no HTML)",
    )
    crawl.add_argument("--log-file", metavar="FILE", help="log here, rotated at 10 MB (5 old files kept)")
    crawl.add_argument("-a", "--arg", action="append", metavar="NAME=VALUE", help="a spider argument, e.g. sections=press_conferences")
    crawl.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    crawl.set_defaults(func=run)


def crawl_settings(args: argparse.Namespace) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "c5crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("ARCHIVE_URL", archive_url(args), priority="cmdline")
    for pair in args.set or []:
        name, value = pair_option("-s", pair)
        check_setting(name, value, settings.get(name))
        settings.set(name, value, priority="cmdline")
    return settings


def check_setting(name: str, value: str, default: Any) -> None:
    """Refuse a `-s` value of the wrong type here, as one line, not as a traceback inside Scrapy."""
    from scrapy.settings import BaseSettings

    from c5crawler.pipelines import KEEP_CHOICES

    if name == "C5_KEEP" and value not in KEEP_CHOICES:
        raise UsageError(f"-s C5_KEEP must be one of {', '.join(KEEP_CHOICES)}, not {value!r}")
    # Numbers as floats: Scrapy reads some int-valued settings (DOWNLOAD_TIMEOUT) as floats.
    getter = {bool: "getbool", int: "getfloat", float: "getfloat"}.get(type(default))
    if getter is None:
        return
    try:
        getattr(BaseSettings({name: value}), getter)(name)
    except ValueError:
        kind = "true or false" if isinstance(default, bool) else "a number"
        raise UsageError(f"-s {name} takes {kind} (default {default!r}), not {value!r}") from None


def run(args: argparse.Namespace) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiderloader import SpiderLoader

    from sqlalchemy.exc import SQLAlchemyError

    from c5crawler.archive import ArchiveError, ArchiveStore, open_archive
    from c5crawler.pipelines import one_line
    from c5crawler.runlock import LockHeld, crawl_lock, lock_path

    settings = crawl_settings(args)
    loader = SpiderLoader.from_settings(settings)
    known = loader.list()
    spiders = args.spiders or known
    unknown = [s for s in spiders if s not in known]
    if unknown:
        raise UsageError(f"unknown spider {unknown[0]!r} (known: {', '.join(sorted(known))})")
    spider_args = dict(pair_option("-a", pair) for pair in args.arg or [])
    spider_args.update(
        (key, value)
        for key, value in (
            ("start_urls", ",".join(args.start_urls) if args.start_urls else None),
            ("since", args.since.isoformat() if args.since else None),
            ("until", args.until.isoformat() if args.until else None),
            ("full", "1" if args.full else None),
            ("refetch_dropped", "1" if args.refetch_dropped else None),
        )
        if value
    )
    for name in spiders:
        try:  # a spider refuses bad arguments here, as one line, before anything runs
            loader.load(name)(**spider_args)
        except (TypeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
    archive = settings.get("ARCHIVE_URL")
    try:
        with crawl_lock(lock_path(archive)):
            store = ArchiveStore(open_archive(archive))  # fails here, before crawling, if it cannot open
            try:
                store.probe_write()
                store.close_interrupted_runs()
            except SQLAlchemyError as exc:
                if "locked" in one_line(exc):  # another writer (not a crawl) holds it: try again later
                    raise LockHeld(f"the archive is locked by another writer: {one_line(exc)}") from None
                raise ArchiveError(f"cannot write to the archive: {one_line(exc)}") from None
            finally:
                store.engine.dispose()
            if args.log_file:
                log_to_rotating_file(args.log_file, settings)
            settings.set("LOG_INSTALL_ROOT_HANDLER", not args.log_file, priority="cmdline")
            process = CrawlerProcess(settings)
            return crawl_in_process(process, spiders, spider_args)
    except LockHeld as exc:
        print(f"c5crawler: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except OSError as exc:  # the lock file's folder cannot be made or written
        raise UsageError(f"cannot create the lock file {exc.filename}: {exc.strerror}") from None


def crawl_in_process(process: Any, spiders: list[str], spider_args: dict[str, str]) -> int:
    """Run the spiders in one Scrapy process; print a summary per spider; the exit code."""
    crawlers = []
    for name in spiders:
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        process.crawl(crawler, **spider_args)
    process.start()
    code = EXIT_OK
    for crawler in crawlers:
        stats = crawler.stats.get_stats()
        print(run_summary(crawler.spidercls.name, stats))
        if stats.get("finish_reason") != "finished":
            code = EXIT_FAILED
        elif stats.get("c5/alarms") and code == EXIT_OK:
            code = EXIT_ALARM
    return code


def log_to_rotating_file(path: str, settings: Any) -> None:
    """Scrapy's log to `path`, rotated at 10 MB with 5 old files kept (cron runs for years)."""
    import logging
    from logging.handlers import RotatingFileHandler

    try:
        handler = RotatingFileHandler(path, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the log file {path}: {exc.strerror}") from None
    handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(settings.get("LOG_LEVEL"))


def run_summary(spider: str, stats: dict[str, Any]) -> str:
    """The paragraph a cron mail shows for one spider's run."""
    dropped = {k.removeprefix("c5/dropped/"): v for k, v in stats.items() if k.startswith("c5/dropped/")}
    elapsed = stats.get("elapsed_time_seconds")
    parts = [
        f"{spider}: {stats.get('finish_reason', 'not started')}"
        + (f" in {elapsed:.1f} s" if isinstance(elapsed, (int, float)) else "")
        + f"; {stats.get('downloader/response_count', 0)} pages fetched, "
        f"{stats.get('c5/skipped/unchanged', 0)} archived articles skipped as unchanged; "
        f"{stats.get('c5/archive/new', 0)} new, {stats.get('c5/archive/updated', 0)} updated, "
        f"{stats.get('c5/archive/unchanged', 0)} unchanged, "
        f"{stats.get('c5/archive/deleted', 0)} deleted, {sum(dropped.values())} dropped, "
        f"{stats.get('log_count/ERROR', 0)} errors."
    ]
    if dropped:
        parts.append("Dropped: " + ", ".join(f"{reason} {n}" for reason, n in sorted(dropped.items())) + ".")
    if stats.get("c5/archive/write_error"):
        parts.append(
            f"ARCHIVE ERROR: {stats['c5/archive/write_error']}; stopped, "
            f"{stats.get('c5/archive/not_written', 0)} pages not archived (the next run fetches them)."
        )
    alarms = stats.get("c5/alarms") or []
    parts.extend(f"ALARM: {alarm}." for alarm in alarms)
    return " ".join(parts)


