"""What several verbs share: exit codes, the one-line usage error, option types and option groups.

`cli.py` and every verb import this module; nothing here imports a verb or `cli.py`.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_ALARM = 3
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; cron may simply try again


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit code 2), not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- option types ------------------------------------------------------------------------
def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def pair_option(flag: str, pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise UsageError(f"{flag} takes NAME=VALUE, not {pair!r}")
    return name, value


def start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), timezone.utc) if day else None


def end_of(day: date | None) -> datetime | None:
    """The instant after `day` ends: `until` is inclusive for the user."""
    return datetime.combine(day + timedelta(days=1), time(), timezone.utc) if day else None


# -- what the options mean ---------------------------------------------------------------
def archive_url(args: argparse.Namespace) -> str:
    if args.db:
        return args.db if "://" in args.db else f"sqlite:///{args.db}"
    from c5crawler import settings

    return settings.ARCHIVE_URL


def date_range(since: date | None, until: date | None) -> None:
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}: no day is in the range")


def article_filter(args: argparse.Namespace, engine: Any) -> Any:
    """The ArticleFilter that the filter options (see `Verbs.add`) describe, checked against the
    archive in `engine`: an empty archive, or a value it cannot match, is a usage error."""
    from c5crawler.archive.filters import ArticleFilter

    date_range(args.since, args.until)
    where = ArticleFilter(
        source=args.source, kind=args.kind, since=start_of(args.since), until=end_of(args.until),
        author=args.author, speaker=args.speaker, section=args.section,
        mentions=args.mentions, topic=shown_topic(args), language=args.language,
    )
    check_values(engine, where)
    return where


# -- the query side's default topic: diplomacy, unless --all or --topic any -----------
DEFAULT_TOPIC = "diplomacy"
ANY_TOPIC = "any"


def shown_topic(args: argparse.Namespace) -> str | None:
    """The topic the query shows: `--topic`, else diplomacy; None (every article) with --all or --topic any."""
    if args.all or args.topic == ANY_TOPIC:
        return None
    return str(args.topic or DEFAULT_TOPIC)


def add_all_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--all", action="store_true", help=f"every archived article, not only {DEFAULT_TOPIC} (same as --topic {ANY_TOPIC})"
    )


def check_values(engine: Any, where: Any) -> None:
    """Refuse to query an archive that holds no articles, or a value no article can have."""
    from sqlalchemy import select

    from c5crawler.archive.filters import UnknownValue, check_known
    from c5crawler.archive.models import Article

    with engine.connect() as connection:
        if connection.scalar(select(Article.id).limit(1)) is None:
            raise UsageError(empty_archive(engine.url))
        try:
            check_known(connection, where)
        except UnknownValue as exc:
            raise UsageError(str(exc)) from None


def empty_archive(url: Any) -> str:
    """Says the archive is empty and names the archives in `data/` (where the demo and the
    default crawl write), since a user who finds nothing has most likely opened the wrong one."""
    shown = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)
    found = [str(path) for path in sorted(Path("data").glob("*.sqlite3")) if path.resolve() != Path(shown).resolve()]
    if found:
        return f"the archive {shown} holds no articles; archives in data/: {', '.join(found)} (choose one with --db)"
    return f"the archive {shown} holds no articles (no other archive in data/): crawl first, e.g. c5crawler crawl cgtn"


# -- the verbs' parsers ------------------------------------------------------------------
def db_options() -> argparse.ArgumentParser:
    db = OneLineParser(add_help=False)
    db.add_argument("--db", help="archive URL or SQLite file (default: ARCHIVE_URL / C5_ARCHIVE_URL)")
    return db


def filter_options() -> argparse.ArgumentParser:
    from c5crawler.enrich import TOPICS
    from c5crawler.items import KINDS, LANGUAGES

    filters = OneLineParser(add_help=False)
    filters.add_argument("--source", help=f"only this source ({source_names()})")
    filters.add_argument("--kind", help=f"only this kind ({', '.join(KINDS)})")
    filters.add_argument("--language", help=f"only articles in this language ({', '.join(LANGUAGES)})")
    filters.add_argument("--since", type=day, help="published on or after this day (YYYY-MM-DD, UTC)")
    filters.add_argument("--until", type=day, help="published on or before this day (YYYY-MM-DD, UTC)")
    filters.add_argument("--author", help="credited as author or contributor (exact name, any case)")
    filters.add_argument("--speaker", help="speaks in a press-conference turn or is quoted (exact name, any case)")
    filters.add_argument("--section", help="in this section (exact name, any case)")
    filters.add_argument("--mentions", metavar="NAME", help="mentions this country, person or organisation (as listed, any case)")
    filters.add_argument(
        "--topic", help=f"tagged with this topic ({', '.join(TOPICS)}; default {DEFAULT_TOPIC}; {ANY_TOPIC}: every article)"
    )
    add_all_option(filters)
    return filters


def source_names() -> str:
    """The sources for a `--source` help text, from the registry in c5crawler.extract."""
    from c5crawler.extract import SOURCES

    return f"{', '.join(SOURCES)}, or a sources-file id"


class Verbs:
    """The `c5crawler` subcommands: each verb module's `register(verbs)` adds its parser here."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self._subparsers = parser.add_subparsers(
            dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
        )
        self.db, self.filters = db_options(), filter_options()

    def add(self, name: str, summary: str, db: bool = False, filters: bool = False) -> argparse.ArgumentParser:
        """A verb's parser, with `--db` and the article filter options if it takes them."""
        parents = [p for p, wanted in ((self.db, db), (self.filters, filters)) if wanted]
        return self._subparsers.add_parser(name, parents=parents, help=summary, description=summary)


def parser_of(*verbs: ModuleType) -> argparse.ArgumentParser:
    """A `c5crawler` parser that knows only these verb modules."""
    parser = OneLineParser(
        prog="c5crawler", description="Crawl and search a revision-aware archive of diplomacy reporting."
    )
    registry = Verbs(parser)
    for verb in verbs:
        verb.register(registry)
    return parser


def run_verbs(argv: list[str], *verbs: ModuleType) -> int:
    """Parse `argv` with these verbs' parsers and run the chosen one: its exit code."""
    args = parser_of(*verbs).parse_args(argv)
    return int(args.func(args))
