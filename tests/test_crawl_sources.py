"""End to end: `scrapy crawl xinhua|chinadaily|globaltimes|feeds` against mirrors on 127.0.0.1.

The three site crawls (and CGTN's world feed) share one archive, so the README's
query lining up the 16 July 2020 C+C5 coverage across sources is run on it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from c5crawler.mirror import SAMPLE_MIRROR, serve
from tests.conftest import REPO, c5, scrapy_crawl

FIXTURES = Path(__file__).parent / "fixtures"
STARTS = {
    "xinhua": ("robots.txt", "rss/worldrss.xml", "china/index.htm"),
    "chinadaily": ("rss/china_rss.xml", "robots.txt", "china/diplomacy"),
    "globaltimes": ("rss/outbrain.xml", "china/diplomacy/index.html"),
}


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def stats(db: Path, spider: str) -> dict:
    return json.loads(query(db, "SELECT stats FROM crawl_runs WHERE spider = ?", spider)[0][0])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sources") / "archive.sqlite3"
    for spider, starts in STARTS.items():
        with serve(FIXTURES / spider) as base:
            result = scrapy_crawl(spider, db, "-a", "start_urls=" + ",".join(f"{base}/{s}" for s in starts))
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        result = scrapy_crawl("cgtn", db, "-a", f"start_urls={base}/subscribe/rss/section/world.xml")
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def test_xinhua(archive: Path) -> None:
    rows = query(
        archive,
        "SELECT url, published_at, date_source, extractor FROM articles WHERE source = 'xinhua' ORDER BY published_at",
    )
    assert rows == [
        ("https://www.xinhuanet.com/english/2020-07/16/c_139217426.htm", "2020-07-16 14:41:05.000000", "meta", "xinhua"),
        ("https://english.news.cn/20220804/7f3c2a9e0b5d4c6e8a1f2b3c4d5e6f70/c.html", "2022-08-04 03:02:37.000000", "meta", "xinhua"),
    ]
    # Feed (with utm_*), sitemap and section page each named the articles: fetched once each.
    assert query(archive, "SELECT new, dropped, outcome FROM crawl_runs WHERE spider = 'xinhua'") == [(2, 0, "finished")]
    assert query(
        archive,
        "SELECT c.name FROM credits c JOIN articles a ON a.id = c.article_id WHERE a.source = 'xinhua' AND c.role = 'agency'",
    ) == [("Xinhua",), ("Xinhua",)]


def test_chinadaily_two_pages_one_record_and_the_url_date(archive: Path) -> None:
    rows = dict(query(archive, "SELECT url, body FROM articles WHERE source = 'chinadaily'"))
    c5_url = "https://www.chinadaily.com.cn/a/202007/17/WS5f10e6c6a31083481725a8f2.html"
    assert set(rows) == {c5_url, "https://www.chinadaily.com.cn/a/202208/04/WS62eb1f2ea310fd2b29e70a5b.html"}
    body = rows[c5_url]
    # Page 1 then page 2, in order, in one body; the sitemap's link to page 2 added no row.
    assert body.index("not targeted at any third party") < body.index("Joint statement") < body.index("new chapter")
    assert json.loads(query(archive, "SELECT headings FROM articles WHERE url = ?", c5_url)[0][0]) == ["Joint statement"]
    run = stats(archive, "chinadaily")
    assert run["c5/article_pages_joined"] == 1 and "c5/incomplete_article" not in run
    assert query(archive, "SELECT count(*) FROM revisions r JOIN articles a ON a.id = r.article_id WHERE a.url = ?", c5_url) == [(1,)]
    # Its publishdate says 2565: the URL's day wins, made exact by the page's own stamp that day
    # (the feed's pubDate, the same minute, comes after what the page shows).
    assert query(
        archive,
        "SELECT published_at, date_source, updated_at FROM articles WHERE url LIKE '%WS62eb1f2ea310fd2b29e70a5b.html'",
    ) == [("2022-08-04 01:35:00.000000", "page", "2022-08-04 01:35:00.000000")]


def test_globaltimes(archive: Path) -> None:
    assert query(archive, "SELECT url, published_at, date_raw FROM articles WHERE source = 'globaltimes' ORDER BY published_at") == [
        ("https://www.globaltimes.cn/page/202007/1194771.shtml", "2020-07-16 14:51:00.000000", "Published: Jul 16, 2020 10:51 PM"),
        ("https://www.globaltimes.cn/page/202204/1259458.shtml", "2022-04-17 08:21:00.000000", "Published: Apr 17, 2022 04:21 PM"),
    ]
    assert stats(archive, "globaltimes")["c5/http/404"] == 1  # the listing's old /content/ link, counted


def readme_query(name: str) -> str:
    """The SQL query of the README or docs/ that follows the comment `-- <name>`."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    match = re.search(rf"-- {re.escape(name)}\n(.*?;)", text, re.S)
    assert match, f"neither the README nor docs/ has the query '-- {name}'"
    return match.group(1)


def test_readme_c5_query_lines_up_the_sources(archive: Path) -> None:
    rows = query(archive, readme_query("The 16 July 2020 C+C5 meeting, source by source"))
    assert [(source, count) for source, count, *_ in rows] == [
        ("cgtn", 1), ("chinadaily", 1), ("globaltimes", 1), ("xinhua", 1)
    ]


def test_feeds_spider_from_a_sources_file(tmp_path: Path, archive_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    with serve(FIXTURES / "feeds_site") as base:
        sources.write_text(
            f"""
[sources.kz_test]
urls = ["{base}/en/rss.xml"]
time_zone = "Asia/Almaty"
article_pattern = "/en/press/news/details/\\\\d+"
selectors = {{ title = "article h1", date = "article time", body = "div.content", byline = "span.author" }}

[sources.agency_test]
urls = ["{base}/agency/sitemap.xml"]
time_zone = "Europe/Moscow"
""",
            encoding="utf-8",
        )
        result = scrapy_crawl("feeds", archive_path, "-a", f"sources={sources}")
        # `-a source=` picks sources: only the agency's sitemap is read again, and its
        # article, archived and unchanged, is skipped.
        again = scrapy_crawl("feeds", archive_path, "-a", f"sources={sources}", "-a", "source=agency_test")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    rows = query(archive_path, "SELECT url, source, extractor, published_at, date_source FROM articles ORDER BY url")
    assert rows == [
        (f"{base}/agency/2020/07/c5-ministers-meet.html", "agency_test", "fallback", "2020-07-16 17:30:00.000000", "meta"),
        (f"{base}/en/press/news/details/101.html", "kz_test", "selectors", "2020-07-16 09:00:00.000000", "page"),
        (f"{base}/en/press/news/details/102.html", "kz_test", "fallback", "2020-07-17 05:00:00.000000", "meta"),
    ]
    assert query(archive_path, "SELECT spider, new, dropped, outcome FROM crawl_runs ORDER BY id LIMIT 1") == [
        ("feeds", 3, 0, "finished")
    ]
    assert again.returncode == 0, again.stderr[-3000:]
    new, unchanged, stats = query(archive_path, "SELECT new, unchanged, stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    assert (new, unchanged, json.loads(stats)["c5/skipped/unchanged"]) == (0, 0, 1)


def test_bad_sources_file_is_a_one_line_error(tmp_path: Path, archive_path: Path) -> None:
    bad = tmp_path / "sources.toml"
    bad.write_text('[sources.x]\nurls = ["https://x.example/rss"]\ntime_zone = "Nowhere/Land"\n', encoding="utf-8")
    result = c5("crawl", "feeds", "--db", str(archive_path), "-a", f"sources={bad}")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"c5crawler: error: {bad}: [sources.x]: time_zone 'Nowhere/Land' is not an IANA time zone such as 'Asia/Almaty'"
    ]
