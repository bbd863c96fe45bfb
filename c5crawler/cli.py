"""The `c5crawler` command: builds the parser from the verbs in `commands/` and runs the chosen one.

A new verb is a module in `commands/` with `register(verbs)` and its run function, listed in VERBS.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from c5crawler.commands import (
    crawl, db, demo, export, extract, mirror, plot, relevance, reparse, search, serve, show, stats,
)
from c5crawler.commands.options import EXIT_FAILED, EXIT_USAGE, UsageError, parser_of

# In the order `c5crawler --help` lists them.
VERBS = (crawl, extract, search, show, stats, db, export, reparse, relevance, serve, plot, demo, mirror)


def package_version() -> str:
    try:
        return version("c5crawler")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = parser_of(*VERBS)
    parser.add_argument("--version", action="version", version=f"c5crawler {package_version()}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from c5crawler.archive import ArchiveError

    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
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
    sys.exit(main())
