"""End to end: `scrapy crawl cgtn` against the sample mirror on a real HTTP server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import FAST, c5, scrapy_crawl

SEED = "https://news.cgtn.com/news/2020-07-16/Wang-Yi-China-Central-Asia-cooperation-not-targeted-at-third-party-Sb0sDfUVNK/index.html"
MIRROR_ARTICLES = 12  # distinct articles in the mirror, the broken page aside


# The mirror's floods, typhoon and sports stories are not diplomacy: archive all.
KEEP_ALL = ("-s", "C5_KEEP=all")


def start_urls(base: str) -> str:
    return f"{base}/robots.txt,{base}/subscribe/rss/section/world.xml,{base}/china"


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def table_counts(db: Path) -> dict[str, int]:
    return {
        t: query(db, f"SELECT count(*) FROM {t}")[0][0]
        for t in ("articles", "revisions", "credits", "articles_fts")
    }


def test_full_crawl_then_recrawl(cgtn_mirror: str, archive_path: Path) -> None:
    result = scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={start_urls(cgtn_mirror)}", "-a", "since=2017-01-01", *KEEP_ALL)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr

    # One row per article, though the feed (with UTM parameters), a sitemap and the
    # section page (p.html, share_amp.html) each led to some of them.
    urls = [u for (u,) in query(archive_path, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == MIRROR_ARTICLES
    assert all(u.startswith("https://news.cgtn.com/news/") and u.endswith("/index.html") for u in urls)

    title, published, updated, raw, source, precision, extractor, body, headings = query(
        archive_path,
        "SELECT title, published_at, updated_at, date_raw, date_source, date_precision, extractor, body, headings"
        " FROM articles WHERE url = ?",
        SEED,
    )[0]
    assert title == "Wang Yi: China-Central Asia cooperation not targeted at any third party"
    assert published == updated == "2020-07-16 13:30:00.000000"
    assert (raw, source, precision, extractor) == ("Updated 21:30, 16-Jul-2020", "page", "minute", "cgtn")
    assert json.loads(headings) == ["Upholding multilateralism", "Opposing virus stigma", "Promoting economic recovery"]
    assert "contributed" not in body and "We oppose the political revolution" in body
    assert query(
        archive_path,
        "SELECT c.role, c.name FROM credits c JOIN articles a ON a.id = c.article_id WHERE a.url = ? AND c.role = 'contributor'",
        SEED,
    ) == [("contributor", "Liu Yang")]

    kinds = dict(query(archive_path, "SELECT kind, count(*) FROM articles GROUP BY kind"))
    assert kinds == {"article": MIRROR_ARTICLES - 1, "video": 1}
    assert query(archive_path, "SELECT count(*) FROM articles WHERE extractor = 'fallback'")[0][0] == 1
    assert query(archive_path, "SELECT count(*) FROM articles WHERE published_at IS NULL")[0][0] == 0
    # The floods story has no byline: no author credits.
    assert query(
        archive_path,
        "SELECT count(*) FROM credits c JOIN articles a ON a.id = c.article_id"
        " WHERE a.title LIKE 'Yangtze River basin%' AND c.role = 'author'",
    ) == [(0,)]

    run = query(archive_path, "SELECT spider, new, updated, unchanged, dropped, outcome, stats FROM crawl_runs")
    assert [r[:6] for r in run] == [("cgtn", MIRROR_ARTICLES, 0, 0, 1, "finished")]
    assert json.loads(run[0][6])["c5/dropped/no title"] == 1  # the broken page, counted

    search = c5("search", "Central Asia", "--db", str(archive_path), "--json")
    assert search.returncode == 0, search.stderr
    hits = json.loads(search.stdout)
    assert hits[0]["url"] == SEED and hits[0]["published_at"] == "2020-07-16T13:30:00Z"
    assert "[Central]" in hits[0]["snippet"]

    # Again: nothing changed, so no archived article is downloaded and nothing is added.
    before = table_counts(archive_path)
    again = scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={start_urls(cgtn_mirror)}", "-a", "since=2017-01-01", *KEEP_ALL)
    assert again.returncode == 0, again.stderr[-3000:]
    assert table_counts(archive_path) == before
    new, updated, unchanged, stats = query(
        archive_path, "SELECT new, updated, unchanged, stats FROM crawl_runs ORDER BY id DESC LIMIT 1"
    )[0]
    assert (new, updated, unchanged) == (0, 0, 0)
    # The broken page too: it is remembered as dropped, and unchanged it is not asked for again.
    assert json.loads(stats)["c5/skipped/unchanged"] == MIRROR_ARTICLES + 1
    assert not [k for k in json.loads(stats) if k.startswith("c5/fetch/")]

    # -a full=1 fetches everything again; identical pages add nothing either.
    full = scrapy_crawl(
        "cgtn", archive_path, "-a", f"start_urls={start_urls(cgtn_mirror)}", "-a", "since=2017-01-01", "-a", "full=1",
        *KEEP_ALL,
    )
    assert full.returncode == 0, full.stderr[-3000:]
    assert table_counts(archive_path) == before
    assert query(archive_path, "SELECT new, updated, unchanged FROM crawl_runs ORDER BY id DESC LIMIT 1") == [
        (0, 0, MIRROR_ARTICLES)
    ]


def test_archive_sitemaps_only_for_the_years_asked(cgtn_mirror: str, archive_path: Path) -> None:
    result = scrapy_crawl(
        "cgtn", archive_path, "-a", f"start_urls={cgtn_mirror}/robots.txt", "-a", "since=2020-07-01", "-a", "until=2020-07-31",
        *KEEP_ALL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    days = [d[:10] for (d,) in query(archive_path, "SELECT published_at FROM articles ORDER BY published_at")]
    assert days == ["2020-07-16", "2020-07-20"]


def test_without_since_only_recent_news(cgtn_mirror: str, archive_path: Path) -> None:
    result = scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={cgtn_mirror}/robots.txt", *KEEP_ALL)
    assert result.returncode == 0, result.stderr[-3000:]
    years = {d[:4] for (d,) in query(archive_path, "SELECT published_at FROM articles")}
    assert years == {"2021", "2022"}  # the news sitemaps; no yearly archive read


def test_c5crawler_crawl_prints_a_summary(cgtn_mirror: str, archive_path: Path) -> None:
    result = c5(
        "crawl", "cgtn", "--db", str(archive_path), "--start-urls", f"{cgtn_mirror}/subscribe/rss/section/world.xml",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *KEEP_ALL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "5 pages fetched, 0 archived articles skipped as unchanged; 3 new, 0 updated, 0 unchanged, 0 deleted, 0 dropped, 0 errors." in result.stdout


DIPLOMACY_ARTICLES = 8  # the mirror's articles, floods, typhoon and sports stories aside
FLOODS = "https://news.cgtn.com/news/2020-07-12/Yangtze-River-basin-braces-for-more-floods-as-rain-continues-Sa5ydPRmCI/index.html"


def test_default_archives_every_page_and_shows_diplomacy(cgtn_mirror: str, archive_path: Path) -> None:
    result = scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={start_urls(cgtn_mirror)}", "-a", "since=2017-01-01")
    assert result.returncode == 0, result.stderr[-3000:]
    # Every fetched article page is archived, HTML and record; only the page with no title is not one.
    assert query(archive_path, "SELECT count(*), count(DISTINCT r.article_id) FROM revisions r") == [(MIRROR_ARTICLES, MIRROR_ARTICLES)]
    assert query(archive_path, "SELECT count(*) FROM revisions WHERE html_zlib IS NULL") == [(0,)]
    assert query(archive_path, "SELECT reason, count(*) FROM dropped_pages GROUP BY reason") == [("no title", 1)]
    # The topic decides what is shown: the view, the topics rows and the JSON agree.
    assert query(archive_path, "SELECT count(*) FROM diplomacy_articles") == [(DIPLOMACY_ARTICLES,)]
    assert query(archive_path, "SELECT count(*) FROM topics WHERE name = 'diplomacy'") == [(DIPLOMACY_ARTICLES,)]
    assert query(archive_path, "SELECT count(*) FROM diplomacy_articles WHERE title LIKE '%flood%' OR title LIKE '%Olympics%'") == [(0,)]
    assert query(archive_path, "SELECT title, diplomacy_score FROM diplomacy_articles WHERE url = ?", SEED) == [
        ("Wang Yi: China-Central Asia cooperation not targeted at any third party", 18.0)
    ]
    # `show` answers for any archived page, and says why it is hidden by default.
    shown = c5("show", FLOODS, "--db", str(archive_path))
    assert shown.returncode == 0, shown.stderr
    assert "topics:       none (not diplomacy: shown by search, export and stats only with --all)" in shown.stdout
    seed = c5("show", SEED, "--db", str(archive_path)).stdout
    assert "topics:       diplomacy 18.0 (officials: Wang Yi, Mukhtar Tileuberdi, Abdulaziz Kamilov; states: 6 (" in seed
    # search, export and stats show diplomacy unless --all (or --topic any).
    assert "no matches" in c5("search", "Yangtze", "--db", str(archive_path)).stdout
    for everything in ("--all", "--topic=any"):
        assert FLOODS in c5("search", "Yangtze", everything, "--db", str(archive_path)).stdout
    exported = [json.loads(line)["url"] for line in c5("export", "--db", str(archive_path)).stdout.splitlines()]
    assert len(exported) == DIPLOMACY_ARTICLES and FLOODS not in exported
    assert len(c5("export", "--all", "--db", str(archive_path)).stdout.splitlines()) == MIRROR_ARTICLES
    stats = c5("stats", "--db", str(archive_path)).stdout
    assert f"Articles: {DIPLOMACY_ARTICLES} diplomacy (cgtn {DIPLOMACY_ARTICLES}) of {MIRROR_ARTICLES} archived" in stats
    assert f"Articles: {MIRROR_ARTICLES} (cgtn {MIRROR_ARTICLES})" in c5("stats", "--all", "--db", str(archive_path)).stdout


def test_keep_diplomacy_saves_storage_and_refetch_dropped_recovers(cgtn_mirror: str, archive_path: Path) -> None:
    crawl = ("-a", f"start_urls={start_urls(cgtn_mirror)}", "-a", "since=2017-01-01")
    result = scrapy_crawl("cgtn", archive_path, *crawl, "-s", "C5_KEEP=diplomacy")
    assert result.returncode == 0, result.stderr[-3000:]
    titles = [t for (t,) in query(archive_path, "SELECT title FROM articles")]
    assert len(titles) == DIPLOMACY_ARTICLES
    assert not any(word in t for t in titles for word in ("Yangtze", "Typhoon", "Olympics"))
    dropped, stats = query(archive_path, "SELECT dropped, stats FROM crawl_runs")[0]
    assert json.loads(stats)["c5/dropped/not diplomacy"] == MIRROR_ARTICLES - DIPLOMACY_ARTICLES
    assert query(archive_path, "SELECT reason, count(*) FROM dropped_pages GROUP BY reason ORDER BY reason") == [
        ("no title", 1),
        ("not diplomacy", MIRROR_ARTICLES - DIPLOMACY_ARTICLES),
    ]
    assert dropped == MIRROR_ARTICLES - DIPLOMACY_ARTICLES + 1  # and the broken page
    # Each dropped page remembers where it was fetched from (here: the mirror).
    assert query(archive_path, "SELECT count(*) FROM dropped_pages WHERE fetched_url LIKE ?", f"{cgtn_mirror}/%") == [(MIRROR_ARTICLES - DIPLOMACY_ARTICLES + 1,)]

    # A second run downloads no article page: the archived ones are unchanged, and the
    # dropped ones are remembered (until their feed or sitemap shows a change).
    again = scrapy_crawl("cgtn", archive_path, *crawl, "-s", "C5_KEEP=diplomacy")
    assert again.returncode == 0, again.stderr[-3000:]
    stats = json.loads(query(archive_path, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0])
    assert not [k for k in stats if k.startswith("c5/fetch/") or k.startswith("c5/dropped/")]
    assert stats["c5/skipped/unchanged"] == MIRROR_ARTICLES + 1

    # --refetch-dropped fetches each dropped page once more; with the default C5_KEEP=all
    # the articles among them are archived, and only the page with no title stays dropped.
    result = c5("crawl", "cgtn", "--refetch-dropped", "--since", "2017-01-01", "--db", str(archive_path),
                "--start-urls", *start_urls(cgtn_mirror).split(","), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = json.loads(query(archive_path, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0])
    assert stats["c5/refetch_dropped"] == stats["c5/fetch/refetch"] == MIRROR_ARTICLES - DIPLOMACY_ARTICLES + 1
    assert stats["c5/archive/new"] == MIRROR_ARTICLES - DIPLOMACY_ARTICLES
    assert query(archive_path, "SELECT count(*) FROM articles") == [(MIRROR_ARTICLES,)]
    assert query(archive_path, "SELECT reason, count(*) FROM dropped_pages GROUP BY reason") == [("no title", 1)]
    assert c5("show", FLOODS, "--db", str(archive_path)).returncode == 0
