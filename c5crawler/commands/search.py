"""`c5crawler search`: full-text search with filters, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from c5crawler.commands.options import EXIT_OK, UsageError, Verbs, archive_url, article_filter, positive
from c5crawler.commands.output import FORMATS, highlight, iso, print_csv, print_json, when

FIELDS = ["id", "published_at", "source", "kind", "section", "title", "url", "snippet", "score"]


def register(verbs: Verbs) -> None:
    from c5crawler.archive.search import RANK_WINDOW, SORTS

    search = verbs.add("search", "full-text search of the archive", db=True, filters=True)
    search.add_argument("query", help='words (all must match), "a phrase", OR, a NOT b, prefix*, (groups)')
    search.add_argument("--sort", choices=SORTS, default="relevance", help="relevance (default), newest or oldest first")
    search.add_argument("--limit", type=positive, default=20, help="at most this many results (20)")
    search.add_argument(
        "--rank-all",
        action="store_true",
        help=f"by relevance, rank every match (slower on common words); else the {RANK_WINDOW:,} most recently archived",
    )
    search.add_argument("--format", choices=FORMATS, default="table", help="table (default), json or csv")
    search.add_argument("--json", action="store_const", const="json", dest="format", help="same as --format json")
    search.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from c5crawler.archive import open_archive
    from c5crawler.archive.search import RANK_WINDOW, SearchQueryError, more_matches_than, search

    engine = open_archive(archive_url(args), create=False)
    window = None if args.rank_all else RANK_WINDOW
    try:
        where = article_filter(args, engine)
        hits = search(engine, args.query, where, sort=args.sort, limit=args.limit, window=window)
        if window and args.sort == "relevance" and len(hits) == args.limit and more_matches_than(engine, args.query, where, window):
            print(
                f"note: more than {window:,} articles match; ranked the {window:,} most recently archived "
                "(add words or filters, or --rank-all to rank them all)",
                file=sys.stderr,
            )
    except SearchQueryError as exc:
        raise UsageError(f"bad search query: {exc}") from None
    finally:
        engine.dispose()
    rows: list[dict[str, Any]] = [
        {**asdict(h), "published_at": iso(h.published_at), "score": round(h.score, 4)} for h in hits
    ]
    if args.format == "json":
        print_json([{k: row[k] for k in FIELDS} for row in rows])
    elif args.format == "csv":
        print_csv(FIELDS, rows)
    elif not hits:
        print("no matches")
    else:
        width = max(len("SOURCE"), *(len(h.source) for h in hits))
        print(f"{'DATE':<10}  {'SOURCE':<{width}}  TITLE")
        indent = " " * (12 + width + 2)
        for hit in hits:
            print(f"{when(hit.published_at, '%Y-%m-%d'):<10}  {hit.source:<{width}}  {hit.title}")
            print(f"{indent}{hit.url}\n{indent}{highlight(hit.snippet)}\n")
    return EXIT_OK
