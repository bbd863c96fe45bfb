"""`c5crawler export`: articles, credits or press-conference Q&A pairs as JSON lines or CSV."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from c5crawler.commands.options import EXIT_OK, UsageError, Verbs, archive_url, article_filter


def register(verbs: Verbs) -> None:
    export = verbs.add(
        "export", "stream articles, credits or press-conference Q&A pairs as JSON lines or CSV", db=True, filters=True
    )
    export.add_argument(
        "table", nargs="?", default="articles", choices=["articles", "credits", "turns", "translations", "translated-questions"],
        help="what to export: articles (default), credits, turns as question-answer pairs, translations"
        " (a press conference's two languages side by side) or translated-questions (each question in both)",
    )
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl", help="jsonl (default) or csv")
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from c5crawler.archive import open_archive
    from c5crawler.archive.export import (
        ARTICLE_FIELDS,
        CREDIT_FIELDS,
        PAIR_FIELDS,
        QUESTION_FIELDS,
        TRANSLATION_FIELDS,
        article_rows,
        credit_rows,
        question_answer_pairs,
        translated_questions,
        translation_pairs,
    )

    tables = {
        "articles": (ARTICLE_FIELDS, article_rows),
        "credits": (CREDIT_FIELDS, credit_rows),
        "turns": (PAIR_FIELDS, question_answer_pairs),
        "translations": (TRANSLATION_FIELDS, translation_pairs),
        "translated-questions": (QUESTION_FIELDS, translated_questions),
    }
    fields, rows_of = tables[args.table]
    engine = open_archive(archive_url(args), create=False)
    try:
        where = article_filter(args, engine)
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
            if out is not sys.stdout:
                out.close()
    finally:
        engine.dispose()
    return EXIT_OK
