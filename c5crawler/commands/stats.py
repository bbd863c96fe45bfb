"""`c5crawler stats`: what the archive holds, by source and month, and how the last runs went."""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, select

from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.models import Article, CrawlRun, Mention
from c5crawler.commands.options import DEFAULT_TOPIC, EXIT_OK, Verbs, add_all_option, archive_url, positive
from c5crawler.commands.output import iso, print_json, print_table


def register(verbs: Verbs) -> None:
    stats = verbs.add("stats", "articles per source per month, the newest of each source, the last crawl runs", db=True)
    stats.add_argument("--runs", type=positive, default=10, help="how many of the last crawl runs to list (10)")
    stats.add_argument("--json", action="store_true", help="print JSON instead of tables")
    stats.add_argument(
        "--mentions", action="store_true", help="also the most mentioned countries, people and organisations per month"
    )
    stats.add_argument("--top", type=positive, default=10, help="with --mentions: how many names per month (10)")
    add_all_option(stats)
    stats.set_defaults(func=run)


def month_of(connection: Connection) -> Any:
    """`YYYY-MM` of the UTC publication date, in the backend's own dialect."""
    if connection.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Article.published_at), "YYYY-MM")
    return func.strftime("%Y-%m", Article.published_at)  # SQLite keeps UTC text


def collect(connection: Connection, runs: int, where: ArticleFilter) -> dict[str, Any]:
    """The counts of the articles `where` selects (by default those tagged diplomacy), and the last runs."""
    month = month_of(connection).label("month")
    per_month: dict[str, dict[str, int]] = defaultdict(dict)
    for row in connection.execute(
        where.apply(select(month, Article.source, func.count())).group_by(month, Article.source).order_by(month)
    ):
        per_month[row.month or "(no date)"][row.source] = row[2]
    newest = where.apply(select(Article.source, func.max(Article.published_at).label("at"))).group_by(Article.source).subquery()
    latest = connection.execute(
        where.apply(select(Article.source, Article.published_at, Article.title, Article.url))
        .join(newest, (newest.c.source == Article.source) & (newest.c.at == Article.published_at))
        .order_by(Article.source, Article.id)
    ).all()
    totals = dict(connection.execute(where.apply(select(Article.source, func.count())).group_by(Article.source)).all())
    archived = connection.scalar(select(func.count()).select_from(Article))
    crawl_runs = connection.execute(select(CrawlRun.__table__).order_by(CrawlRun.id.desc()).limit(runs)).all()
    return {
        "topic": where.topic,
        "archived": archived,
        "articles": totals,
        "per_month": per_month,
        "newest": {r.source: {"published_at": iso(r.published_at), "title": r.title, "url": r.url} for r in latest},
        "runs": [
            {
                "id": r.id, "spider": r.spider, "started_at": iso(r.started_at), "finished_at": iso(r.finished_at),
                "outcome": r.outcome, "pages_fetched": r.pages_fetched, "new": r.new, "updated": r.updated,
                "unchanged": r.unchanged, "deleted": r.deleted, "dropped": r.dropped, "errors": r.errors,
            }
            for r in crawl_runs
        ],
    }


def mentions_per_month(connection: Connection, top: int, where: ArticleFilter) -> list[dict[str, Any]]:
    """The `top` most mentioned names of each month: in how many articles, how many times."""
    month = month_of(connection).label("month")
    rows = connection.execute(
        where.apply(
            select(month, Mention.kind, Mention.name, func.count(func.distinct(Mention.article_id)), func.sum(Mention.count))
            .join(Article, Article.id == Mention.article_id)
        )
        .group_by(month, Mention.kind, Mention.name)
        .order_by(month, func.sum(Mention.count).desc(), Mention.name)
    ).all()
    shown: dict[str, int] = defaultdict(int)
    result = []
    for row in rows:
        key = row.month or "(no date)"
        if shown[key] < top:
            shown[key] += 1
            result.append({"month": key, "kind": row.kind, "name": row.name, "articles": row[3], "mentions": int(row[4])})
    return result


def run(args: argparse.Namespace) -> int:
    from c5crawler.archive import open_archive

    engine = open_archive(archive_url(args), create=False)
    where = ArticleFilter(topic=None if args.all else DEFAULT_TOPIC)
    try:
        with engine.connect() as connection:
            stats = collect(connection, args.runs, where)
            if args.mentions:
                stats["mentions"] = mentions_per_month(connection, args.top, where)
    finally:
        engine.dispose()
    if args.json:
        print_json(stats)
        return EXIT_OK
    sources = sorted(stats["articles"])
    shown = sum(stats["articles"].values())
    by_source = ", ".join(f"{s} {n}" for s, n in stats["articles"].items())
    if stats["topic"]:
        print(f"Articles: {shown} {stats['topic']} ({by_source}) of {stats['archived']} archived (--all counts every article)\n")
    else:
        print(f"Articles: {shown} ({by_source})\n")
    print("Articles per month (published, UTC)")
    print_table(["month", *sources], [[m, *(c.get(s, 0) for s in sources)] for m, c in stats["per_month"].items()])
    print("\nNewest article per source")
    print_table(
        ["source", "published", "title"],
        [[s, (n["published_at"] or "(no date)").replace("T", " ").rstrip("Z"), n["title"]] for s, n in stats["newest"].items()],
    )
    print(f"\nLast {len(stats['runs'])} crawl runs")
    keys = ["id", "spider", "started_at", "outcome", "pages_fetched", "new", "updated", "unchanged", "deleted", "dropped", "errors"]
    print_table(
        ["id", "spider", "started", "outcome", "pages", "new", "updated", "unchanged", "deleted", "dropped", "errors"],
        [[r[k] if k != "started_at" else r[k].replace("T", " ").rstrip("Z") for k in keys] for r in stats["runs"]],
    )
    if args.mentions:
        print(f"\nMost mentioned, per month (top {args.top})")
        print_table(
            ["month", "kind", "name", "articles", "mentions"],
            [[m["month"], m["kind"], m["name"], m["articles"], m["mentions"]] for m in stats["mentions"]],
        )
    return EXIT_OK
