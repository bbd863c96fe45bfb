"""`c5crawler relevance`: score stories (JSON lines) by the diplomacy rules; with labels, how well they agree."""

from __future__ import annotations

import argparse
import json
import sys

from c5crawler.commands.options import EXIT_OK, UsageError, Verbs


def register(verbs: Verbs) -> None:
    relevance = verbs.add(
        "relevance",
        "score stories (JSON lines with title and text) by the diplomacy rules; "
        "with labels, print precision, recall and F1 on standard error",
    )
    relevance.add_argument("file", metavar="FILE.jsonl", help='one {"title", "text", ...} a line; - for standard input')
    relevance.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from c5crawler.enrich.labelled import Agreement, BadStory, read_stories, score_story

    try:
        source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    agreement = Agreement()
    try:
        with source:
            # Every line is checked before anything is printed: a bad line is the one error.
            verdicts = [score_story(story) for _, story in read_stories(source)]
    except BadStory as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{args.file}: not UTF-8 text") from None
    for verdict in verdicts:
        agreement.add(verdict.get("label"), verdict["diplomacy"])
        print(json.dumps(verdict, ensure_ascii=False))
    if agreement.labelled:
        print(json.dumps(agreement.summary()), file=sys.stderr)
    return EXIT_OK
