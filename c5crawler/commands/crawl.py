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
    date_range,
    day,
    pair_option,
)


def register(verbs: Verbs) -> None:
    crawl = verbs.add("crawl", "run spiders into the archive (the verified ones by default)", db=True)
    crawl.add_argument("spiders", nargs="*", metavar="SPIDER", action=SpiderNames)
    crawl.add_argument("--start-urls", nargs="+", metavar="URL", help="begin here instead (a mirror, one feed); needs a SPIDER")
    crawl.add_argument("--since", type=day, help="only articles from this day (YYYY-MM-DD)")
    crawl.add_argument("--until", type=day, help="only articles up to this day (YYYY-MM-DD)")
    crawl.add_argument("--full", action="store_true", help="fetch every article found, ignoring what the archive holds")
    crawl.add_argument(
        "--refetch-dropped", action="store_true",
        help="first fetch again, once, the pages the archive remembers as dropped (they have no HTML)",
    )
    crawl.add_argument("--log-file", metavar="FILE", help="log here, rotated at 10 MB (5 old files kept)")
    crawl.add_argument(
        "--redis", metavar="URL", help="join a shared crawl through this Redis (C5_REDIS_URL; needs a PostgreSQL --db)"
    )
    crawl.add_argument("--crawl-id", metavar="ID", help="the shared crawl to join, with --redis (C5_CRAWL_ID)")
    crawl.add_argument("-a", "--arg", action="append", metavar="NAME=VALUE", help="a spider argument, e.g. sections=press_conferences")
    crawl.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    crawl.set_defaults(func=run)


class SpiderNames(argparse.Action):
    """The SPIDER argument. Its help names the spiders, which are loaded only when the help
    is shown: loading them imports Scrapy, too slow for every other command's start."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: Any = None) -> None:
        setattr(namespace, self.dest, values)

    @property  # type: ignore[override]
    def help(self) -> str:
        spiders = spider_registry(project_settings())
        default = ", ".join(name for name, cls in spiders.items() if cls.verified)
        others = ", ".join(name for name, cls in spiders.items() if not cls.verified)
        return (
            f"spiders to run: by default the verified ones, {default}; when named: {others} "
            "(feeds also by default when given a sources file of your own, -a sources=FILE)"
        )

    @help.setter
    def help(self, value: str | None) -> None:
        pass  # the help is always the list above


def project_settings() -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "c5crawler.settings")
    from scrapy.utils.project import get_project_settings

    return get_project_settings()


def spider_registry(settings: Any) -> dict[str, Any]:
    """Each spider's class by its name (a NewsSpider: `verified`, `runs_by_default`)."""
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(settings)
    return {name: loader.load(name) for name in sorted(loader.list())}


def crawl_settings(args: argparse.Namespace) -> Any:
    settings = project_settings()
    settings.set("ARCHIVE_URL", archive_url(args), priority="cmdline")
    for name, value in (("C5_REDIS_URL", args.redis), ("C5_CRAWL_ID", args.crawl_id)):
        if value:
            settings.set(name, value, priority="cmdline")
    for name, value in checked_settings(args.set or [], settings):
        settings.set(name, value, priority="cmdline")
    return settings


def checked_settings(pairs: list[str], settings: Any) -> list[tuple[str, str]]:
    """`-s NAME=VALUE` pairs, each checked against the type of its current value."""
    checked = [pair_option("-s", pair) for pair in pairs]
    for name, value in checked:
        check_setting(name, value, settings.get(name))
    return checked


def check_setting(name: str, value: str, default: Any) -> None:
    """Refuse a `-s` value of the wrong type here, as one line, not as a traceback inside Scrapy."""
    from scrapy.settings import BaseSettings

    from c5crawler.pipelines import KEEP_CHOICES
    from c5crawler.progress import PROGRESS_CHOICES

    choices = {"C5_KEEP": KEEP_CHOICES, "C5_PROGRESS": PROGRESS_CHOICES}.get(name)
    if choices and value not in choices:
        raise UsageError(f"-s {name} must be one of {', '.join(choices)}, not {value!r}")
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
    date_range(args.since, args.until)
    settings = crawl_settings(args)
    if args.start_urls and not args.spiders:
        raise UsageError(
            "--start-urls needs the spider that reads them, e.g. "
            f"c5crawler crawl cgtn --start-urls {args.start_urls[0]}"
        )
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
    return run_crawl(settings, args.spiders, spider_args, "c5crawler", log_file=args.log_file)


def chosen_spiders(settings: Any, names: list[str], spider_args: dict[str, str]) -> list[str]:
    """The spiders to run, checked with their arguments: the named ones, or by default
    the verified ones and those that say they should run (`feeds`, given a sources file)."""
    registry = spider_registry(settings)
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise UsageError(f"unknown spider {unknown[0]!r} (known: {', '.join(registry)})")
    chosen = names or [name for name, cls in registry.items() if cls.runs_by_default(settings, spider_args)]
    for name in chosen:
        try:  # a spider refuses bad arguments here, as one line, before anything runs
            registry[name](**spider_args)
        except (TypeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
    return chosen


def run_crawl(
    settings: Any, names: list[str], spider_args: dict[str, str], prog: str, log_file: str | None = None
) -> int:
    """Check the spiders and the archive, then crawl under the archive's lock: the exit code.

    `c5crawler crawl` and `scrapy crawl` (c5crawler/scrapy_commands/crawl.py) both run this.
    """
    from scrapy.crawler import CrawlerProcess
    from sqlalchemy.exc import SQLAlchemyError

    from c5crawler.archive import ArchiveError, ArchiveStore, open_archive
    from c5crawler.pipelines import one_line
    from c5crawler.distributed import check_settings
    from c5crawler.runlock import LockHeld, crawl_lock, lock_path

    spiders = chosen_spiders(settings, names, spider_args)
    if problem := check_settings(settings):  # before the archive is opened (or made)
        raise UsageError(problem)
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
            if log_file:
                log_to_rotating_file(log_file, settings)
                settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
            process = CrawlerProcess(settings)
            return crawl_in_process(process, spiders, spider_args)
    except LockHeld as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
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
    codes = [EXIT_OK]
    for crawler in crawlers:
        stats = crawler.stats.get_stats()
        print(run_summary(crawler.spidercls.name, stats))
        codes.append(exit_code(stats))
    # A failure outranks a lock held elsewhere, then an alarm, then success.
    return max(codes, key=[EXIT_OK, EXIT_ALARM, EXIT_LOCKED, EXIT_FAILED].index)


def exit_code(stats: dict[str, Any]) -> int:
    outcome = stats.get("c5/outcome", stats.get("finish_reason"))
    if outcome == "alarm":
        return EXIT_ALARM
    if outcome == "locked":  # another crawl of the spider holds the archive's database lock
        return EXIT_LOCKED
    return EXIT_OK if outcome == "finished" else EXIT_FAILED


def log_to_rotating_file(path: str, settings: Any) -> None:
    """Scrapy's log to `path`, rotated at 10 MB with 5 old files kept (cron runs for years)."""
    import logging
    from logging.handlers import RotatingFileHandler

    try:
        handler = RotatingFileHandler(path, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the log file {path}: {exc.strerror}") from None
    handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    # On the handler too: Scrapy sets its own loggers to DEBUG, which the root's level does not stop.
    handler.setLevel(settings.get("LOG_LEVEL"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(settings.get("LOG_LEVEL"))


def run_summary(spider: str, stats: dict[str, Any]) -> str:
    """The paragraph a cron mail shows for one spider's run."""
    from c5crawler.failures import describe_failures

    dropped = {k.removeprefix("c5/dropped/"): v for k, v in stats.items() if k.startswith("c5/dropped/")}
    elapsed = stats.get("elapsed_time_seconds")
    outcome = stats.get("c5/outcome")
    unreachable = outcome == "unreachable"
    parts = [
        f"{spider}: {outcome if outcome in ('unreachable', 'archive_error') else stats.get('finish_reason', 'not started')}"
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
    if unreachable:
        parts.append("FAILED: no request got a page.")
    alarms = stats.get("c5/alarms") or []
    parts.extend(f"ALARM: {alarm}." for alarm in alarms)
    failures = describe_failures(stats)
    if failures:
        parts.append(f"Failed requests: {failures}.")
    return " ".join(parts)


