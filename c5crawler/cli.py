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
        settings.set(*pair_option("-s", pair), priority="cmdline")
    return settings


def pair_option(flag: str, pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise UsageError(f"{flag} takes NAME=VALUE, not {pair!r}")
    return name, value


def run_crawl(args: argparse.Namespace) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiderloader import SpiderLoader

    from c5crawler.archive import open_archive

    settings = crawl_settings(args)
    loader = SpiderLoader.from_settings(settings)
    known = loader.list()
    spiders = args.spiders or known
    unknown = [s for s in spiders if s not in known]
    if unknown:
        raise UsageError(f"unknown spider {unknown[0]!r} (known: {', '.join(sorted(known))})")
    # Fail before crawling if the archive cannot be opened.
    open_archive(settings.get("ARCHIVE_URL")).dispose()
    spider_args = dict(pair_option("-a", pair) for pair in args.arg or [])
    spider_args.update(
        (key, value)
        for key, value in (
            ("start_urls", ",".join(args.start_urls) if args.start_urls else None),
            ("since", args.since.isoformat() if args.since else None),
            ("until", args.until.isoformat() if args.until else None),
        )
        if value
    )
    for name in spiders:
        try:  # a spider refuses bad arguments here, as one line, before anything runs
            loader.load(name)(**spider_args)
        except (TypeError, ValueError) as exc:
            raise UsageError(str(exc)) from None
    process = CrawlerProcess(settings)
    crawlers = []
    for name in spiders:
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        process.crawl(crawler, **spider_args)
    process.start()
    failed = False
    for crawler in crawlers:
        stats = crawler.stats.get_stats()
        reason = stats.get("finish_reason", "not started")
        print(summary_line(crawler.spider.name if crawler.spider else "?", stats))
        failed |= reason != "finished"
    return EXIT_FAILED if failed else EXIT_OK


def summary_line(spider: str, stats: dict[str, Any]) -> str:
    dropped = sum(v for k, v in stats.items() if k.startswith("c5/dropped/"))
    return (
        f"{spider}: {stats.get('finish_reason', 'not started')}; "
        f"{stats.get('downloader/response_count', 0)} pages fetched, "
        f"{stats.get('c5/archive/new', 0)} new, {stats.get('c5/archive/updated', 0)} updated, "
        f"{stats.get('c5/archive/unchanged', 0)} unchanged, "
        f"{stats.get('c5/archive/deleted', 0)} deleted, {dropped} dropped, "
        f"{stats.get('log_count/ERROR', 0)} errors"
    )


# -- extract ----------------------------------------------------------------------------
def run_extract(args: argparse.Namespace) -> int:
    from c5crawler.extract import UnknownSource, extract_page
    from c5crawler.items import ExtractionError
    from c5crawler.normalise.record import normalise_record

    path = Path(args.file)
    try:
        html = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    url = args.url or path.resolve().as_uri()
    try:
        record = normalise_record(extract_page(html, url, source=args.source))
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


# -- demo -------------------------------------------------------------------------------
def run_demo(args: argparse.Namespace) -> int:
    """Serve the bundled CGTN mirror on 127.0.0.1, crawl it, then search it."""
    from c5crawler.mirror import SAMPLE_MIRROR, serve

    if not args.db:
        args.db = "sqlite:///data/demo.sqlite3"
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        print(f"serving the sample CGTN mirror at {base}")
        args.spiders = ["cgtn"]
        args.start_urls = [f"{base}/robots.txt", f"{base}/subscribe/rss/section/world.xml", f"{base}/china"]
        # From 2017 on, so the yearly archive sitemaps are read too.
        args.since, args.until, args.arg = date(2017, 1, 1), None, None
        args.set = [*(args.set or []), "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0"]
        code = run_crawl(args)
    print(f"\nc5crawler search {DEMO_QUERY} --db {args.db}\n")
    from c5crawler.commands import search

    args.query, args.limit, args.sort, args.format = DEMO_QUERY, 5, "relevance", "table"
    args.source = args.kind = args.since = args.until = args.author = args.speaker = args.section = None
    return search.run(args) or code


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

    demo = command("demo", "crawl the bundled sample mirror offline, then search it", db)
    demo.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    demo.set_defaults(func=run_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from c5crawler.archive import ArchiveError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
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
