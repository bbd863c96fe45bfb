"""`c5crawler demo`: serve the bundled CGTN mirror on 127.0.0.1, crawl it, then search it."""

from __future__ import annotations

import argparse
import shlex

from c5crawler.commands import crawl, search
from c5crawler.commands.options import Verbs, run_verbs

DEMO_QUERY = '"Central Asia"'


def register(verbs: Verbs) -> None:
    demo = verbs.add("demo", "crawl the bundled sample mirror offline, then search it", db=True)
    demo.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="a Scrapy setting")
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve the bundled CGTN mirror on 127.0.0.1, crawl it, then search it: the commands a user types."""
    from c5crawler.mirror import SAMPLE_MIRROR, serve

    db = args.db or "sqlite:///data/demo.sqlite3"
    settings = [f"-s{pair}" for pair in ["C5_KEEP=all", *(args.set or []), "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0"]]
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        print(f"serving the sample CGTN mirror at {base}")
        # From 2017 on, so the yearly archive sitemaps are read too; every story kept and tagged.
        crawl_argv = ["crawl", "cgtn", "--db", db, "--since", "2017-01-01", *settings, "--start-urls"]
        crawl_argv += [f"{base}/robots.txt", f"{base}/subscribe/rss/section/world.xml", f"{base}/china"]
        code = run_verbs(crawl_argv, crawl)
    search_argv = ["search", DEMO_QUERY, "--db", db, "--limit", "5"]
    print(f"\n{shlex.join(['c5crawler', *search_argv])}\n")  # quoted as a shell needs it, to paste
    return run_verbs(search_argv, search) or code


