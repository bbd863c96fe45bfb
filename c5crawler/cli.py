"""The `c5crawler` command: crawl, extract, export, a demo; the query commands live in commands/."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, NoReturn

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_ALARM = 3
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; cron may simply try again

DEMO_QUERY = '"Central Asia"'


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def archive_url(args: argparse.Namespace) -> str:
    if args.db:
        return args.db if "://" in args.db else f"sqlite:///{args.db}"
    from c5crawler import settings

    return settings.ARCHIVE_URL


def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def article_filter(args: argparse.Namespace) -> Any:
    """The ArticleFilter that the filter options (see `filter_options`) describe."""
    from c5crawler.archive.filters import ArticleFilter

    return ArticleFilter(
        source=args.source, kind=args.kind, since=start_of(args.since), until=end_of(args.until),
        author=args.author, speaker=args.speaker, section=args.section,
        mentions=args.mentions, topic=args.topic,
    )


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


# -- crawl ------------------------------------------------------------------------------
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


def pair_option(flag: str, pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise UsageError(f"{flag} takes NAME=VALUE, not {pair!r}")
    return name, value


def run_crawl(args: argparse.Namespace) -> int:
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


# -- extract ----------------------------------------------------------------------------
def run_extract(args: argparse.Namespace) -> int:
    from c5crawler.extract import UnknownSource
    from c5crawler.items import ExtractionError
    from c5crawler.records import record_of_page

    path = Path(args.file)
    try:
        html = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    url = args.url or path.resolve().as_uri()
    try:
        record = record_of_page(html, url, source=args.source)
    except ExtractionError as exc:
        raise UsageError(f"{args.file}: not an article ({exc})") from None
    except UnknownSource as exc:
        raise UsageError(str(exc)) from None
    json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return EXIT_OK


# -- export -----------------------------------------------------------------------------
def run_export(args: argparse.Namespace) -> int:
    from c5crawler.archive import open_archive
    from c5crawler.archive.export import (
        ARTICLE_FIELDS,
        CREDIT_FIELDS,
        PAIR_FIELDS,
        article_rows,
        credit_rows,
        question_answer_pairs,
    )

    tables = {
        "articles": (ARTICLE_FIELDS, article_rows),
        "credits": (CREDIT_FIELDS, credit_rows),
        "turns": (PAIR_FIELDS, question_answer_pairs),
    }
    fields, rows_of = tables[args.table]
    where = article_filter(args)
    engine = open_archive(archive_url(args), create=False)
    try:
        out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    try:
        if args.format == "csv":
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            for row in rows_of(engine, where):
                writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
        else:
            for row in rows_of(engine, where):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        engine.dispose()
        if out is not sys.stdout:
            out.close()
    return EXIT_OK


def start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), timezone.utc) if day else None


def end_of(day: date | None) -> datetime | None:
    """The instant after `day` ends: `until` is inclusive for the user."""
    return datetime.combine(day + timedelta(days=1), time(), timezone.utc) if day else None


# -- reparse ----------------------------------------------------------------------------
def run_reparse(args: argparse.Namespace) -> int:
    from c5crawler.archive import open_archive
    from c5crawler.reparse import reparse

    engine = open_archive(archive_url(args), create=False)
    try:
        counts = reparse(engine, source=args.source, since=start_of(args.since))
    finally:
        engine.dispose()
    print(
        f"reparsed {counts.revisions} revisions of {counts.articles} articles: "
        f"{counts.changed} changed, {counts.unchanged} unchanged, {counts.failed} failed"
    )
    return EXIT_OK


# -- demo -------------------------------------------------------------------------------
def run_demo(args: argparse.Namespace) -> int:
    """Serve the bundled CGTN mirror on 127.0.0.1, crawl it, then search it: the commands a user types."""
    from c5crawler.mirror import SAMPLE_MIRROR, serve

    db = args.db or "sqlite:///data/demo.sqlite3"
    settings = [f"-s{pair}" for pair in ["C5_KEEP=all", *(args.set or []), "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0"]]
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        print(f"serving the sample CGTN mirror at {base}")
        # From 2017 on, so the yearly archive sitemaps are read too; every story kept and tagged.
        crawl = ["crawl", "cgtn", "--db", db, "--since", "2017-01-01", *settings, "--start-urls"]
        crawl += [f"{base}/robots.txt", f"{base}/subscribe/rss/section/world.xml", f"{base}/china"]
        code = run_command(crawl)
    search = ["search", DEMO_QUERY, "--db", db, "--limit", "5"]
    print(f"\nc5crawler search {DEMO_QUERY} --db {db} --limit 5\n")
    return run_command(search) or code


def run_command(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


# -- wiring -----------------------------------------------------------------------------
class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit code 2), not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="c5crawler",
        description="Crawl and search a revision-aware archive of diplomacy reporting.",
    )
    db = OneLineParser(add_help=False)
    db.add_argument("--db", help="archive URL or SQLite file (default: ARCHIVE_URL / C5_ARCHIVE_URL)")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )

    def command(name: str, summary: str, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=list(parents), help=summary, description=summary)

    crawl = command("crawl", "run spiders into the archive (all of them by default)", db)
    crawl.add_argument("spiders", nargs="*", metavar="SPIDER", help="spider names, e.g. cgtn")
    crawl.add_argument("--start-urls", nargs="+", metavar="URL", help="begin here instead (a mirror, one feed)")
    crawl.add_argument("--since", type=day, help="only articles from this day (YYYY-MM-DD)")
    crawl.add_argument("--until", type=day, help="only articles up to this day (YYYY-MM-DD)")
    crawl.add_argument("--full", action="store_true", help="fetch every article found, ignoring what the archive holds")
    crawl.add_argument("--log-file", metavar="FILE", help="log here, rotated at 10 MB (5 old files kept)")
    crawl.add_argument("-a", "--arg", action="append", metavar="NAME=VALUE", help="a spider argument, e.g. sections=press_conferences")
    crawl.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    crawl.set_defaults(func=run_crawl)

    extract = command("extract", "print the article record of a saved page as JSON")
    extract.add_argument("file", help="a saved HTML page")
    extract.add_argument("--url", help="the URL the page was served at (chooses the extractor)")
    extract.add_argument("--source", help="extractor to use (cgtn, mfa); default: from the URL")
    extract.set_defaults(func=run_extract)

    filters = OneLineParser(add_help=False)
    filters.add_argument("--source", help="only this source (cgtn, mfa)")
    filters.add_argument("--kind", help="only this kind (article, press_conference, remarks, ...)")
    filters.add_argument("--since", type=day, help="published on or after this day (YYYY-MM-DD, UTC)")
    filters.add_argument("--until", type=day, help="published on or before this day (YYYY-MM-DD, UTC)")
    filters.add_argument("--author", help="credited as author or contributor (exact name, any case)")
    filters.add_argument("--speaker", help="speaks in a press-conference turn or is quoted (exact name, any case)")
    filters.add_argument("--section", help="in this section (exact name, any case)")
    filters.add_argument("--mentions", metavar="NAME", help="mentions this country, person or organisation (as listed, any case)")
    filters.add_argument("--topic", help="tagged with this topic, e.g. diplomacy")

    from c5crawler.commands import db as db_command, search, show, stats

    search.register(command, db, filters)
    show.register(command, db)
    stats.register(command, db)
    db_command.register(command, db)

    export = command("export", "stream articles, credits or press-conference Q&A pairs as JSON lines or CSV", db, filters)
    export.add_argument(
        "table", nargs="?", default="articles", choices=["articles", "credits", "turns"],
        help="what to export: articles (default), credits, or turns as question-answer pairs",
    )
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl", help="jsonl (default) or csv")
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(func=run_export)

    reparse = command("reparse", "re-extract archived pages with the current extractors, offline", db)
    reparse.add_argument("--source", help="only this source (cgtn, mfa)")
    reparse.add_argument("--since", type=day, help="only articles published on or after this day")
    reparse.set_defaults(func=run_reparse)

    demo = command("demo", "crawl the bundled sample mirror offline, then search it", db)
    demo.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    demo.set_defaults(func=run_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from c5crawler.archive import ArchiveError

    try:
        return run_command(list(sys.argv[1:] if argv is None else argv))
    except (UsageError, ArchiveError) as exc:
        print(f"c5crawler: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Python's docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    # Run the imported module, not __main__: the command modules raise
    # c5crawler.cli.UsageError, which a second copy of this module would not catch.
    from c5crawler.cli import main as imported_main

    sys.exit(imported_main())
