"""`c5crawler reparse`: re-extract archived revisions with today's extractors, offline."""

from __future__ import annotations

import argparse

from c5crawler.commands.options import EXIT_OK, Verbs, archive_url, check_values, day, source_names, start_of


def register(verbs: Verbs) -> None:
    reparse = verbs.add(
        "reparse", "re-extract and re-score archived pages with the current extractors and rules, offline", db=True
    )
    reparse.add_argument("--source", help=f"only this source ({source_names()})")
    reparse.add_argument("--since", type=day, help="only articles published on or after this day")
    reparse.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from c5crawler.archive import open_archive
    from c5crawler.archive.filters import ArticleFilter
    from c5crawler.reparse import reparse

    engine = open_archive(archive_url(args), create=False)
    try:
        check_values(engine, ArticleFilter(source=args.source))
        counts = reparse(engine, source=args.source, since=start_of(args.since))
    finally:
        engine.dispose()
    print(
        f"reparsed {counts.revisions} revisions of {counts.articles} articles: "
        f"{counts.changed} changed, {counts.unchanged} unchanged, {counts.failed} failed; "
        f"diplomacy: {counts.promoted} promoted, {counts.demoted} demoted"
    )
    return EXIT_OK


