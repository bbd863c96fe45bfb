"""`c5crawler show`: one article in full, an old version of it, or what changed."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from c5crawler.archive.diff import record_diff
from c5crawler.archive.models import Article, Revision
from c5crawler.archive.store import CREDIT_ROLES
from c5crawler.archive.translations import translations_of
from c5crawler.commands.options import EXIT_OK, UsageError, Verbs, archive_url, empty_archive, positive
from c5crawler.commands.output import iso, print_json


def register(verbs: Verbs) -> None:
    show = verbs.add("show", "an archived article in full: credits, turns, revision history", db=True)
    show.add_argument("article", metavar="URL|ID", help="the article's URL (any variant) or its id")
    show.add_argument("--revision", type=positive, metavar="N", help="show version N (1 = first archived) instead")
    show.add_argument(
        "--diff", type=positive, nargs="*", metavar="N",
        help="what changed in title and body: each version against the one before, "
        "version N against N-1, or N M for version N against M",
    )
    show.add_argument("--json", action="store_true", help="print JSON instead of text (with --diff: the diffs as JSON)")
    show.set_defaults(func=run)


def find(session: Session, wanted: str) -> Article:
    query = select(Article).options(
        selectinload(Article.credits), selectinload(Article.turns), selectinload(Article.quotes),
        selectinload(Article.revisions),
    )
    if wanted.isdigit():
        article = session.scalar(query.where(Article.id == int(wanted)))
    else:
        article = session.scalar(query.where(Article.url.in_({wanted, canonical(wanted)})))
    if article is None:
        if session.scalar(select(Article.id).limit(1)) is None:
            raise UsageError(empty_archive(session.get_bind().engine.url))
        raise UsageError(f"no archived article {wanted!r}")
    return article


def canonical(url: str) -> str:
    """The archive's identity for any variant of an article URL (p.html, UTM tags, mirrors)."""
    from importlib import import_module

    from c5crawler.extract import EXTRACTORS, source_for_url

    source = source_for_url(url)
    return import_module(EXTRACTORS[source]).canonical_url(url) if source else url


def current_record(article: Article) -> dict[str, Any]:
    """The article's current version in the layout of a revision's stored record."""
    record: dict[str, Any] = {
        key: getattr(article, key)
        for key in ("url", "source", "kind", "title", "summary", "section", "date_raw", "date_source",
                    "date_precision", "body", "extractor", "content_hash")
    }
    record["published_at"], record["updated_at"] = iso(article.published_at), iso(article.updated_at)
    for key, role in CREDIT_ROLES:
        record[key] = [c.name for c in article.credits if c.role == role]
    record["turns"] = [{"speaker": t.speaker, "role": t.role, "outlet": t.outlet, "text": t.text} for t in article.turns]
    record["quotes"] = [{"speaker": q.speaker, "kind": q.kind, "text": q.text} for q in article.quotes]
    record["topics"] = article.topics or []
    return record


def revision_info(number: int, revision: Revision) -> dict[str, Any]:
    return {
        "revision": number, "fetched_at": iso(revision.fetched_at), "fetched_url": revision.fetched_url,
        "http_status": revision.http_status, "content_hash": revision.content_hash,
    }


def run(args: argparse.Namespace) -> int:
    from c5crawler.archive import open_archive

    engine: Engine = open_archive(archive_url(args), create=False)
    try:
        with Session(engine) as session:
            article = find(session, args.article)
            revisions = list(article.revisions)
            if args.diff is not None:
                diffs = [diff(revisions, old, new) for old, new in pairs(args.diff, len(revisions))]
                if args.json:
                    print_json({"id": article.id, "url": article.url, "revisions": len(revisions), "diffs": diffs})
                else:
                    print_diffs(diffs, len(revisions))
                return EXIT_OK
            history = [revision_info(n, r) for n, r in enumerate(revisions, 1)]
            if args.revision:
                record = pick(revisions, args.revision).record
                heading = f"revision {args.revision} of {len(revisions)}, {history[args.revision - 1]['fetched_at']}"
            else:
                record, heading = current_record(article), "current version"
            seen = {"id": article.id, "first_seen_at": iso(article.first_seen_at),
                    "last_seen_at": iso(article.last_seen_at), "deleted_at": iso(article.deleted_at)}
            linked = translations_of(session.connection(), article.id)
    finally:
        engine.dispose()
    if args.json:
        print_json({**seen, "shown": heading, "record": record, "revisions": history, "translations": linked})
    else:
        print_record(record, seen, heading, history, linked)
    return EXIT_OK


def pick(revisions: list[Revision], number: int) -> Revision:
    if number > len(revisions):
        raise UsageError(f"no revision {number}: the article has {len(revisions)}")
    return revisions[number - 1]


def pairs(numbers: list[int], count: int) -> list[tuple[int, int]]:
    """Which versions `--diff` compares: (older, newer) numbers."""
    if len(numbers) > 2:
        raise UsageError("--diff takes at most two revision numbers")
    for number in numbers:
        if number > count:
            raise UsageError(f"no revision {number}: the article has {count}")
    if len(numbers) == 2:
        return [(numbers[0], numbers[1])]
    if numbers:
        return [(numbers[0] - 1, numbers[0])] if numbers[0] > 1 else []
    return [(n, n + 1) for n in range(1, count)]


def diff(revisions: list[Revision], old: int, new: int) -> dict[str, Any]:
    """Version `old` against version `new`: a unified diff of title, summary and body."""
    a, b = revisions[old - 1], revisions[new - 1]
    lines = record_diff(
        a.record, b.record, f"revision {old} ({iso(a.fetched_at)})", f"revision {new} ({iso(b.fetched_at)})"
    )
    text = "\n".join(lines)
    return {
        "from": old, "to": new, "from_fetched_at": iso(a.fetched_at), "to_fetched_at": iso(b.fetched_at),
        "changed": bool(text), "diff": text,
    }


def print_diffs(diffs: list[dict[str, Any]], count: int) -> None:
    if not diffs:
        print(f"nothing to compare: the article has {count} revision(s)")
    for each in diffs:
        print(each["diff"] or f"revisions {each['from']} and {each['to']}: same title and body")


def topics_line(topics: list[dict[str, Any]]) -> str:
    """The topics with their score and reasons: why the query side shows the article by default, or not."""
    if not topics:
        return "none (not diplomacy: shown by search, export and stats only with --all)"
    return "; ".join(f"{t['name']} {t['score']} ({'; '.join(t.get('reasons') or [])})" for t in topics)


def print_record(
    record: dict[str, Any], seen: dict[str, Any], heading: str, history: list[dict[str, Any]],
    linked: list[dict[str, Any]],
) -> None:
    print(record["title"])
    print("=" * min(len(record["title"]), 79))
    dates = f"({record.get('date_raw')}; from {record.get('date_source')}, {record.get('date_precision')})"
    fields = [
        ("id", seen["id"]), ("shown", heading), ("url", record["url"]),
        ("source", f"{record['source']}, {record['kind']}" + (f", section {record['section']}" if record.get("section") else "")),
        ("published", f"{record.get('published_at') or '(no date)'} {dates}"),
        ("updated", record.get("updated_at")),
        *((key, "; ".join(record.get(key) or [])) for key, _ in CREDIT_ROLES),
        ("extractor", record.get("extractor")),
        ("first seen", seen["first_seen_at"]), ("last seen", seen["last_seen_at"]), ("deleted", seen["deleted_at"]),
    ]
    for name, value in fields:
        if value:
            print(f"{name + ':':<14}{value}")
    print(f"{'topics:':<14}{topics_line(record.get('topics') or [])}")
    for part in (record.get("summary"), record.get("body")):
        if part:
            print(f"\n{part}")
    if record.get("turns"):
        print("\nTurns")
        for n, turn in enumerate(record["turns"], 1):
            who = turn.get("speaker") or turn.get("outlet") or turn.get("role")
            print(f"  {n:>3}. {who} ({turn.get('role')}): {turn.get('text')}")
    if record.get("quotes"):
        print("\nQuotes")
        for quote in record["quotes"]:
            print(f"  {quote.get('speaker') or '(unattributed)'} ({quote.get('kind')}): {quote.get('text')}")
    for other in linked:
        print(f"\nTranslation ({other['language']}): {other['title']}\n  {other['url']}")
    print("\nRevisions")
    for entry in history:
        print(f"  {entry['revision']:>3}. {entry['fetched_at']}  HTTP {entry['http_status']}  {entry['content_hash'][:12]}  {entry['fetched_url']}")
