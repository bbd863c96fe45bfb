"""A small CGTN mirror for the fault tests: good articles, and article URLs that misbehave."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

from c5crawler.mirror import SAMPLE_MIRROR
from tests.conftest import SEED_PATH, SEED_TITLE, c5

SEED_HTML = (SAMPLE_MIRROR / "cgtn" / SEED_PATH / "index.html").read_text(encoding="utf-8")


def article_path(name: str) -> str:
    """A CGTN article path (`/news/2020-07-16/<name>-Zz<id>/index.html`) for a short name."""
    ident = f"Zz{zlib.crc32(name.encode()) % 10**8:08d}"
    return f"/news/2020-07-16/{name}-{ident}/index.html"


def canonical(path: str) -> str:
    return f"https://news.cgtn.com{path}"


def article_html(path: str, title: str | None = None) -> str:
    """The seed page (a diplomacy story) moved to `path`, with its own title."""
    name = path.split("/")[3]
    return SEED_HTML.replace(SEED_PATH, path.strip("/").removesuffix("/index.html")).replace(
        SEED_TITLE, title or f"Wang Yi on {name}"
    )


def write_site(root: Path, good: list[str], listed: list[str], sitemap: str = "sitemap.xml") -> None:
    """Files for the `good` paths; one sitemap listing `good` and `listed` (whose answers are routes)."""
    for path in good:
        file = root / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(article_html(path), encoding="utf-8")
    entries = "".join(f"<url><loc>__MIRROR__{p}</loc></url>\n" for p in [*good, *listed])
    (root / sitemap).write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n',
        encoding="utf-8",
    )


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def archived_urls(db: Path) -> set[str]:
    return {u for (u,) in query(db, "SELECT url FROM articles")}


def last_run(db: Path) -> dict:
    outcome, new, stats = query(db, "SELECT outcome, new, stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    return {"outcome": outcome, "new": new, "stats": json.loads(stats)}


def assert_checks_pass(db: Path) -> None:
    """`c5crawler db check` finds the archive consistent."""
    result = c5("db", "check", "--db", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
