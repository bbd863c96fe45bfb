"""Many pages in flight and small batches: every article archived once, in the order the spider handed them on, with the records it would give anywhere."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from c5crawler.mirror import serve
from c5crawler.records import record_of_page
from tests.conftest import scrapy_crawl, write_cgtn_mirror

PAGES = 120


def test_pages_in_flight_and_batches_keep_their_records_and_order(
    tmp_path: Path, archive_path: Path
) -> None:
    root = tmp_path / "mirror"
    urls = write_cgtn_mirror(root, PAGES)
    with serve(root) as base:
        result = scrapy_crawl(
            "cgtn", archive_path, "-a", f"start_urls={base}/sitemap.xml",
            # Small batches, many pages in flight: several batches written while pages are read.
            "-s", "C5_ARCHIVE_BATCH_SIZE=7", "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        )
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(archive_path) as db:
        rows = db.execute(
            "SELECT a.url, a.title, a.body, r.fetched_at FROM articles a JOIN revisions r ON r.article_id = a.id"
            " ORDER BY a.id"
        ).fetchall()
    assert sorted(row[0] for row in rows) == sorted(urls)
    # Archived in the order the spider handed them on.
    fetched = [row[3] for row in rows]
    assert fetched == sorted(fetched)
    # The records `c5crawler extract` would give for the same pages.
    for url, title, body, _ in rows:
        path = url.split("news.cgtn.com/", 1)[1]
        html = (root / path).read_text(encoding="utf-8").replace("__MIRROR__", "https://news.cgtn.com")
        record = record_of_page(html, url)
        assert (title, body) == (record["title"], record["body"]), url
