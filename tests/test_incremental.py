"""Cron-safe crawling: incremental runs, revisions and deletions, kills, the lock, alarms."""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from c5crawler.mirror import SAMPLE_MIRROR, serve
from tests.conftest import FAST, REPO, c5, run, scrapy_crawl, write_cgtn_mirror

TYPHOON = "news/2021-07-25/Typhoon-In-Fa-makes-landfall-in-east-China-s-Zhejiang-12ecWS8pOgg/index.html"
OLYMPICS = "news/2021-07-31/China-tops-Tokyo-Olympics-medal-table-after-gold-rush-in-diving-12rAtIvFXXi/index.html"
BROKEN = "news/2021-01-01/Broken-page-ZZZZZZZZZZ/index.html"


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def last_run(db: Path) -> dict:
    row = query(db, "SELECT new, updated, unchanged, deleted, outcome, stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    return {"new": row[0], "updated": row[1], "unchanged": row[2], "deleted": row[3], "outcome": row[4], "stats": json.loads(row[5])}


def archived_so_far(db: Path) -> int:
    """Articles in an archive a crawl is writing (0 while it is still creating the schema)."""
    try:
        return query(db, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.OperationalError:
        return 0


def consistent(db: Path) -> None:
    """What `c5crawler db check` will check: integrity, a revision per article, FTS in step."""
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM revisions)") == [(0,)]
    assert query(db, "SELECT count(*) FROM articles")[0] == query(db, "SELECT count(*) FROM articles_fts")[0]
    assert query(db, "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)") == []


def changing_mirror(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    shutil.copytree(SAMPLE_MIRROR / "cgtn", root)
    shutil.rmtree(root / Path(BROKEN).parent)  # a page that never archives would be fetched every run
    news = root / "sitemap_news.xml"
    news.write_text(re.sub(r"\s*<url><loc>__MIRROR__/news/2021-01-01/Broken.*?</url>", "", news.read_text()))
    return root


def bump_lastmod(sitemap: Path, path: str) -> None:
    """The site says the entry changed, as it does after an edit or a removal."""
    text = sitemap.read_text()
    entry = f"<loc>__MIRROR__/{path}</loc>"
    assert entry in text
    sitemap.write_text(text.replace(entry, entry + "<lastmod>2099-01-01T00:00:00+08:00</lastmod>"))


def test_runs_fetch_only_what_is_new_or_changed(tmp_path: Path, archive_path: Path) -> None:
    root = changing_mirror(tmp_path)
    with serve(root) as base:
        args = (
            "-a", f"start_urls={base}/robots.txt,{base}/subscribe/rss/section/world.xml,{base}/china",
            "-a", "since=2017-01-01", "-s", "C5_KEEP=all",
        )
        first = scrapy_crawl("cgtn", archive_path, *args)
        assert first.returncode == 0, first.stderr[-3000:]
        assert last_run(archive_path)["new"] == 12
        pages_first = last_run(archive_path)["stats"]["downloader/response_count"]

        second = scrapy_crawl("cgtn", archive_path, *args)
        assert second.returncode == 0, second.stderr[-3000:]
        run2 = last_run(archive_path)
        assert (run2["new"], run2["updated"], run2["unchanged"], run2["deleted"]) == (0, 0, 0, 0)
        assert not [k for k in run2["stats"] if k.startswith("c5/fetch/")]  # no article page downloaded
        assert run2["stats"]["c5/skipped/unchanged"] == 12
        assert run2["stats"]["downloader/response_count"] == pages_first - 12  # feeds, sitemaps, listings only
        assert query(archive_path, "SELECT count(*) FROM revisions") == [(12,)]

        # One article edited, one removed; the sitemap says both changed.
        typhoon = root / TYPHOON
        typhoon.write_text(typhoon.read_text().replace("Typhoon In-Fa", "Typhoon In-Fa (updated)"))
        bump_lastmod(root / "sitemap_news.xml", TYPHOON)
        (root / OLYMPICS).unlink()
        bump_lastmod(root / "sitemap_latestnews.xml", OLYMPICS)
        third = scrapy_crawl("cgtn", archive_path, *args)
    assert third.returncode == 0, third.stderr[-3000:]
    run3 = last_run(archive_path)
    assert (run3["new"], run3["updated"], run3["deleted"]) == (0, 1, 1)
    assert query(archive_path, "SELECT count(*) FROM revisions") == [(13,)]
    typhoon_revisions = query(
        archive_path,
        "SELECT count(*) FROM revisions r JOIN articles a ON a.id = r.article_id WHERE a.url LIKE '%12ecWS8pOgg%'",
    )
    assert typhoon_revisions == [(2,)]
    # The removed article keeps its content, marked deleted.
    assert query(archive_path, "SELECT deleted_at IS NOT NULL, length(body) > 100 FROM articles WHERE url LIKE '%12rAtIvFXXi%'") == [(1, 1)]
    consistent(archive_path)


def test_a_killed_crawl_loses_nothing_and_the_next_completes_it(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    urls = write_cgtn_mirror(root, 300)
    killed_db, clean_db = tmp_path / "killed.sqlite3", tmp_path / "clean.sqlite3"
    with serve(root) as base:
        crawl = [
            sys.executable, "-m", "scrapy", "crawl", "cgtn", "-a", f"start_urls={base}/sitemap.xml",
            "-s", f"ARCHIVE_URL=sqlite:///{killed_db}", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        ]
        process = subprocess.Popen(crawl, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and archived_so_far(killed_db) < 60:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        archived = query(killed_db, "SELECT count(*) FROM articles")[0][0]
        assert 60 <= archived < len(urls), "the kill should land mid-way"
        consistent(killed_db)

        rerun = c5("crawl", "cgtn", "--db", str(killed_db), "--start-urls", f"{base}/sitemap.xml", *FAST)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        clean = c5("crawl", "cgtn", "--db", str(clean_db), "--start-urls", f"{base}/sitemap.xml", *FAST)
        assert clean.returncode == 0, clean.stderr[-3000:]

    def archive_of(db: Path) -> list[tuple]:
        return query(
            db,
            "SELECT a.url, a.title, a.content_hash, count(DISTINCT r.id), count(DISTINCT c.id) FROM articles a"
            " JOIN revisions r ON r.article_id = a.id LEFT JOIN credits c ON c.article_id = a.id"
            " GROUP BY a.id ORDER BY a.url",
        )

    assert archive_of(killed_db) == archive_of(clean_db)
    assert sorted(u for u, *_ in archive_of(killed_db)) == sorted(urls)
    consistent(killed_db)
    # The killed run is recorded as such; the rerun only fetched what was missing.
    assert [o for (o,) in query(killed_db, "SELECT outcome FROM crawl_runs ORDER BY id")] == ["interrupted", "finished"]
    assert query(killed_db, "SELECT new FROM crawl_runs ORDER BY id DESC LIMIT 1") == [(len(urls) - archived,)]


def test_a_second_crawl_exits_at_once_while_the_first_holds_the_lock(tmp_path: Path, archive_path: Path) -> None:
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        slow = [
            sys.executable, "-m", "c5crawler.cli", "crawl", "cgtn", "--db", str(archive_path),
            "--start-urls", f"{base}/robots.txt", "--since", "2017-01-01",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.3", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        ]
        first = subprocess.Popen(slow, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        lock = Path(f"{archive_path}.lock")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (lock.exists() and lock.read_text().startswith("pid")):
            time.sleep(0.05)
        second = c5("crawl", "cgtn", "--db", str(archive_path), "--start-urls", f"{base}/robots.txt")
        out, _ = first.communicate(timeout=120)
    assert second.returncode == 75
    assert second.stderr.strip().splitlines() == [
        f"c5crawler: another crawl is running on this archive (pid {first.pid}, started "
        + second.stderr.split("started ", 1)[1].split(")")[0]
        + f"); lock {lock}"
    ]
    assert first.returncode == 0 and "cgtn: finished" in out


def redesigned(tmp_path: Path) -> Path:
    """The same articles after a redesign: every class and id the CGTN extractor knows renamed."""
    root = tmp_path / "redesign"
    shutil.copytree(SAMPLE_MIRROR / "cgtn", root)
    renames = {
        "news-title": "hd-title", "news-author": "hd-author", "news-section-date": "hd-when",
        "cmsMainContent": "articleMain", 'class="date"': 'class="when"', "sourceTextDiv": "srcBlock",
        "text  en": "para", "text en": "para", "text text-p en": "para", "cmsImage": "pic",
    }
    for page in root.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for old, new in renames.items():
            html = html.replace(old, new)
        page.write_text(html, encoding="utf-8")
    return root


def test_a_redesign_raises_the_alarm(tmp_path: Path, archive_path: Path) -> None:
    common = ("--db", str(archive_path), "--since", "2017-01-01", *FAST)
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        healthy = c5("crawl", "cgtn", "--start-urls", f"{base}/robots.txt", f"{base}/china", *common)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr[-2000:]
    assert "ALARM" not in healthy.stdout
    archived = query(archive_path, "SELECT count(*) FROM articles")

    with serve(redesigned(tmp_path)) as base:
        broken = c5("crawl", "cgtn", "--full", "--start-urls", f"{base}/robots.txt", f"{base}/china", *common)
    assert broken.returncode == 3, broken.stdout + broken.stderr[-2000:]
    fields = {alarm.split(":", 1)[0] for alarm in broken.stdout.split("ALARM: ")[1:]}
    assert "site_extractor" in fields, broken.stdout
    assert "news.cgtn.com/news/" in broken.stdout  # it names pages
    assert query(archive_path, "SELECT outcome FROM crawl_runs ORDER BY id") == [("finished",), ("alarm",)]
    # Nothing was lost: the archive still has every article, the redesign's versions as revisions.
    assert query(archive_path, "SELECT count(*) FROM articles") == archived


def test_a_run_with_nothing_new_is_not_an_alarm(archive_path: Path) -> None:
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        for _ in range(2):
            result = c5("crawl", "cgtn", "--db", str(archive_path), "--start-urls", f"{base}/robots.txt", *FAST)
            assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "ALARM" not in result.stdout


def test_reparse_rewrites_records_from_stored_pages(archive_path: Path) -> None:
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        assert scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={base}/robots.txt", "-a", "since=2017-01-01").returncode == 0
    # As if an older extractor had got one title wrong.
    with sqlite3.connect(archive_path) as conn:
        conn.execute("UPDATE articles SET title = 'garbled' WHERE url LIKE '%Sb0sDfUVNK%'")
        conn.execute(
            "UPDATE revisions SET record = json_set(record, '$.title', 'garbled')"
            " WHERE article_id = (SELECT id FROM articles WHERE url LIKE '%Sb0sDfUVNK%')"
        )
    articles = query(archive_path, "SELECT count(*) FROM articles")[0][0]
    result = c5("reparse", "--db", str(archive_path), "--source", "cgtn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"reparsed {articles} revisions of {articles} articles: 1 changed, {articles - 1} unchanged, 0 failed; "
        "diplomacy: 0 promoted, 0 demoted"
    )
    assert query(archive_path, "SELECT title FROM articles WHERE url LIKE '%Sb0sDfUVNK%'") == [
        ("Wang Yi: China-Central Asia cooperation not targeted at any third party",)
    ]
    assert query(archive_path, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'garbled'") == [(0,)]
    assert c5("reparse", "--db", str(archive_path)).stdout.startswith(f"reparsed {articles} revisions of {articles} articles: 0 changed")


def test_reparse_promotes_and_demotes_after_a_rules_change(archive_path: Path) -> None:
    """Archived by older rules that missed the seed story and took the sports story for diplomacy:
    `reparse` re-scores from the stored pages, the server long gone."""
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        assert scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={base}/robots.txt", "-a", "since=2017-01-01").returncode == 0
    seed, sports = "%Sb0sDfUVNK%", "%12rAtIvFXXi%"
    tagged = '[{"name": "diplomacy", "score": 4.5, "reasons": ["events: meeting, visit"]}]'
    with sqlite3.connect(archive_path) as conn:
        for pattern, topics in ((seed, "[]"), (sports, tagged)):
            article = "(SELECT id FROM articles WHERE url LIKE ?)"
            conn.execute("UPDATE articles SET topics = ? WHERE url LIKE ?", (topics, pattern))
            conn.execute(f"UPDATE revisions SET record = json_set(record, '$.topics', json(?)) WHERE article_id = {article}", (topics, pattern))
            conn.execute(f"DELETE FROM topics WHERE article_id = {article}", (pattern,))
            if topics != "[]":
                conn.execute(f"INSERT INTO topics (article_id, name, score) SELECT {article}, 'diplomacy', 4.5", (pattern,))
    before = {url for (url,) in query(archive_path, "SELECT url FROM diplomacy_articles")}
    result = c5("reparse", "--db", str(archive_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "reparsed 10 revisions of 10 articles: 2 changed, 8 unchanged, 0 failed; diplomacy: 1 promoted, 1 demoted"
    after = {url for (url,) in query(archive_path, "SELECT url FROM diplomacy_articles")}
    assert {u for u in after - before} == {u for (u,) in query(archive_path, "SELECT url FROM articles WHERE url LIKE ?", seed)}
    assert {u for u in before - after} == {u for (u,) in query(archive_path, "SELECT url FROM articles WHERE url LIKE ?", sports)}
    assert query(archive_path, "SELECT t.score FROM topics t JOIN articles a ON a.id = t.article_id WHERE a.url LIKE ?", seed) == [(18.0,)]


def test_the_readme_crontab_line_runs_as_cron_runs_it(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if re.match(r"^[\d*/,-]+ [\d*/,-]+ \* \* \* ", l))
    command = line.split(maxsplit=5)[5]
    archive = tmp_path / "cron" / "data" / "archive.sqlite3"
    command = command.replace("/srv/c5crawler", str(tmp_path / "cron")).replace(
        "/usr/local/bin/c5crawler", shutil.which("c5crawler") or "c5crawler"
    )
    (tmp_path / "cron").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        # Cron's own environment, from another directory; only the start point is ours.
        result = run(
            ["env", "-i", "/bin/sh", "-c", f"{command} cgtn --start-urls {base}/robots.txt {' '.join(FAST)}"],
            cwd=elsewhere,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert query(archive, "SELECT count(*) FROM articles")[0][0] > 0
    assert (tmp_path / "cron" / "data" / "crawl.log").stat().st_size > 0
