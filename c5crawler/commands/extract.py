"""`c5crawler extract`: the article record of a saved page, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from c5crawler.commands.options import EXIT_OK, UsageError, Verbs


def register(verbs: Verbs) -> None:
    from c5crawler.extract import SOURCES

    extract = verbs.add("extract", "print the article record of a saved page as JSON")
    extract.add_argument("file", help="a saved HTML page")
    extract.add_argument("--url", help="the URL the page was served at (chooses the extractor)")
    extract.add_argument("--source", choices=SOURCES, help="the extractor to use; default: from the URL")
    extract.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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


