"""End to end: `scrapy crawl mfa` against the real 2020 snapshot and a current-template mirror."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from c5crawler.mirror import serve
from c5crawler.normalise.dates import parse_date
from c5crawler.spiders.mfa import MfaSpider
from tests.conftest import REAL_PAGES, c5, needs_real_pages, scrapy_crawl

# "on July 3, 2020", also the malformed "on June11, 2018".
TITLE_DATE = re.compile(r"on ([A-Z][a-z]+) ?(\d{1,2}), (\d{4})")
SNAPSHOT = REAL_PAGES / "fmprc-2020-07-04" / "www.fmprc.gov.cn"
SECTION = "mfa_eng/xwfw_665399/s2510_665401/2511_665403"
FIXTURES = Path(__file__).parent / "fixtures" / "mfa"


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def spokesperson_in(title: str) -> str:
    match = re.search(r"Spokesperson (\w+ \w+)['’]s", title)
    assert match, title
    return match.group(1)


@needs_real_pages
def test_real_press_conference_section(archive_path: Path) -> None:
    with serve(SNAPSHOT, substitute=False) as base:
        result = scrapy_crawl("mfa", archive_path, "-a", f"start_urls={base}/{SECTION}/default.shtml")
    assert result.returncode == 0, result.stderr[-3000:]

    stats = json.loads(query(archive_path, "SELECT stats FROM crawl_runs")[0][0])
    assert stats["c5/listing_pages"] == 13  # default.shtml .. default_12.shtml, from countPage
    assert stats["c5/http/404"] == 400  # the transcripts missing from the snapshot, counted
    assert stats["finish_reason"] == "finished"

    present = sorted(p.name for p in (SNAPSHOT / SECTION).glob("t*.shtml"))
    rows = query(archive_path, "SELECT id, url, title, kind, published_at, date_source FROM articles")
    assert sorted(url.rsplit("/", 1)[1] for _, url, *_ in rows) == present and len(present) == 100
    assert all(url.startswith(f"https://www.fmprc.gov.cn/{SECTION}/") for _, url, *_ in rows)

    for article_id, url, title, kind, published_at, date_source in rows:
        assert kind == "press_conference", url
        full_date = TITLE_DATE.search(title)
        if full_date:
            expected = parse_date(f"{full_date[1]} {full_date[2]}, {full_date[3]}")
            assert expected is not None
            assert published_at == expected.value.strftime("%Y-%m-%d %H:%M:%S.000000"), title
            assert date_source == "title"
        else:
            assert published_at is not None and date_source == "title+image", title
        speakers = {
            s for (s,) in query(archive_path, "SELECT DISTINCT speaker FROM turns WHERE article_id = ? AND role = 'spokesperson'", article_id)
        }
        assert speakers == {spokesperson_in(title)}, title
        questions = query(archive_path, "SELECT count(*) FROM turns WHERE article_id = ? AND role = 'journalist'", article_id)
        assert questions[0][0] > 0, title

    # The outlet era keeps who asked.
    outlets = {o for (o,) in query(archive_path, "SELECT DISTINCT outlet FROM turns WHERE outlet IS NOT NULL")}
    assert {"CCTV", "AFP", "Reuters"} <= outlets

    # Question-answer pairs in the CMFA PressCon layout, one per answered question.
    export = c5("export", "turns", "--format", "csv", "--db", str(archive_path))
    assert export.returncode == 0, export.stderr
    pairs = list(csv.DictReader(io.StringIO(export.stdout)))
    assert list(pairs[0]) == ["date", "spokesperson", "outlet", "question", "answer", "url"]
    answered = query(archive_path, "SELECT count(*) FROM turns WHERE role = 'journalist'")[0][0]
    assert len(pairs) == answered
    june_29 = [p for p in pairs if p["url"].endswith("/t1793120.shtml")]  # "... on June 29, 2020"
    assert june_29 and {(p["date"], p["spokesperson"]) for p in june_29} == {("2020-06-29", "Zhao Lijian")}
    afp_2020 = [p for p in pairs if p["outlet"] == "AFP" and p["date"].startswith("2020")]
    assert afp_2020 and all(p["question"] and p["answer"] for p in afp_2020)


def current_mirror(root: Path) -> Path:
    """A current-template section: three listing pages (March, February, January 2024)."""
    section = root / "eng" / "xw" / "fyrbt" / "lxjzh"
    listing = (FIXTURES / "listing_index.html").read_text(encoding="utf-8")
    for name, month in (("index.html", "03"), ("index_1.html", "02"), ("index_2.html", "01")):
        (section / f"2024{month}").mkdir(parents=True)
        (section / name).write_text(listing.replace("202403", f"2024{month}"), encoding="utf-8")
    shutil.copy(FIXTURES / "press_conference_lin_jian.html", section / "202403" / "t20240312_11258093.html")
    (root / "web" / "system").mkdir(parents=True)
    shutil.copy(FIXTURES / "system_deleted.html", root / "web" / "system" / "index.html")
    return section


def test_current_template_paging_stops_at_since_and_deletions(tmp_path: Path, archive_path: Path) -> None:
    root = tmp_path / "mirror"
    current_mirror(root)
    start = "/eng/xw/fyrbt/lxjzh/index.html"
    with serve(root, substitute=False) as base:
        first = scrapy_crawl("mfa", archive_path, "-a", f"start_urls={base}{start}", "-a", "since=2024-03-01")
    assert first.returncode == 0, first.stderr[-3000:]
    stats = json.loads(query(archive_path, "SELECT stats FROM crawl_runs")[0][0])
    # Page 2 holds only February: paging stops there, page 3 is never asked for.
    assert stats["c5/listing_pages"] == 2 and stats["c5/paging_stopped_at_since"] == 1
    url = "https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"
    assert query(archive_path, "SELECT url, kind, published_at, date_source FROM articles") == [
        (url, "press_conference", "2024-03-12 07:30:00.000000", "meta")
    ]
    assert query(archive_path, "SELECT role, speaker, outlet FROM turns ORDER BY position LIMIT 2") == [
        ("announcement", "Lin Jian", None),
        ("journalist", None, "CCTV"),
    ]

    # The site deletes it: the page now redirects to the "system" page with HTTP 200.
    # Listings carry no change dates, so a full pass (-a full=1) is what re-checks it.
    gone = "/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"
    with serve(root, substitute=False, redirects={gone: "/web/system/index.html"}) as base:
        second = scrapy_crawl(
            "mfa", archive_path, "-a", f"start_urls={base}{start}", "-a", "since=2024-03-01", "-a", "full=1"
        )
    assert second.returncode == 0, second.stderr[-3000:]
    assert query(archive_path, "SELECT count(*), deleted_at IS NOT NULL, length(body) > 100 FROM articles") == [(1, 1, 1)]
    assert query(archive_path, "SELECT new, deleted FROM crawl_runs ORDER BY id DESC LIMIT 1") == [(0, 1)]


def test_unknown_section_is_a_one_line_error(archive_path: Path) -> None:
    result = c5("crawl", "mfa", "--db", str(archive_path), "-a", "sections=nope")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "c5crawler: error: -a sections: unknown section 'nope' (known: press_conferences, "
        "spokesperson_remarks, minister_activities, minister_speeches, speeches, ministry_news)"
    ]


def test_system_page_at_the_article_url_is_a_deletion() -> None:
    """The "gone" page served (HTTP 200) at the article's own URL marks it deleted; a page
    without an article body is dropped; an article is read."""
    crawler = get_crawler(MfaSpider)
    spider = MfaSpider.from_crawler(crawler)
    url = "https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"

    def items(fixture: str) -> list[dict]:
        response = HtmlResponse(url=url, body=(FIXTURES / fixture).read_bytes(), request=Request(url))
        return [dict(item) for item in spider.parse_article(response)]

    [deleted] = items("system_deleted.html")
    assert deleted["deleted_url"] == url and "raw" not in deleted
    [article] = items("press_conference_lin_jian.html")
    assert article["raw"]["kind"] == "press_conference"
    [dropped] = items("listing_index.html")
    assert dropped["dropped_url"] == url and dropped["drop_reason"].startswith("no article body")
    assert crawler.stats.get_value("c5/deleted_page") == 1


CHINESE_SECTION = "web/wjdt_674879/fyrbt_674889"


@needs_real_pages
def test_both_languages_in_one_run(archive_path: Path) -> None:
    """The Chinese and the English listing as two start URLs: both crawled into one archive."""
    with serve(SNAPSHOT, substitute=False) as base:
        starts = f"{base}/{CHINESE_SECTION}/default.shtml,{base}/{SECTION}/default.shtml"
        result = scrapy_crawl("mfa", archive_path, "-a", f"start_urls={starts}")
    assert result.returncode == 0, result.stderr[-3000:]
    stats = json.loads(query(archive_path, "SELECT stats FROM crawl_runs")[0][0])
    assert stats["c5/listing_pages"] == 67 + 13
    assert not stats.get("c5/alarms")  # Chinese bodies are long enough, counted in characters

    chinese = sorted(p.name for p in (SNAPSHOT / CHINESE_SECTION).glob("t*.shtml"))
    archived = query(archive_path, "SELECT url, language FROM articles WHERE url LIKE '%/web/%'")
    assert sorted(url.rsplit("/", 1)[1] for url, _ in archived) == chinese and len(chinese) == 200
    assert {language for _, language in archived} == {"zh"}
    assert query(archive_path, "SELECT count(*) FROM articles WHERE language = 'en'") == [(100,)]

    # Every Chinese press conference whose English version was saved the same day is linked to it.
    linked = query(
        archive_path,
        "SELECT zh.title, en.title, en.url FROM translations t JOIN articles zh ON zh.id = t.original_id"
        " JOIN articles en ON en.id = t.translation_id",
    )
    english_days = {
        (int(m[3]), m[1], int(m[2]))
        for (title,) in query(archive_path, "SELECT title FROM articles WHERE language = 'en'")
        if (m := TITLE_DATE.search(title))
    }
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    shared = [
        title
        for (title,) in query(archive_path, "SELECT title FROM articles WHERE language = 'zh' AND title LIKE '%例行记者会'")
        if (m := re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", title))
        and (int(m[1]), months[int(m[2]) - 1], int(m[3])) in english_days
    ]
    assert shared and sorted(zh for zh, _, _ in linked) == sorted(shared)
    for zh, en, _ in linked:
        day = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", zh)
        assert day and f"{months[int(day[2]) - 1]} {int(day[3])}, {day[1]}" in en.replace("  ", " ")

    zh_title, en_title, en_url = linked[0]
    (zh_url,) = query(archive_path, "SELECT url FROM articles WHERE title = ?", zh_title)[0]
    shown = c5("show", zh_url, "--json", "--db", str(archive_path))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["translations"] == [{"url": en_url, "language": "en", "title": en_title}]

    found = c5("search", "孟晚舟", "--db", str(archive_path), "--format", "json")
    assert found.returncode == 0, found.stderr
    assert any(hit["url"].endswith("/t1642399.shtml") for hit in json.loads(found.stdout))


def test_current_template_both_languages(tmp_path: Path, archive_path: Path) -> None:
    """The current site: an English and a Chinese listing (pages written from SITES.md's notes)."""
    root = tmp_path / "mirror"
    current_mirror(root)
    chinese = root / CHINESE_SECTION
    (chinese / "202403").mkdir(parents=True)
    shutil.copy(FIXTURES / "zh_listing_current.html", chinese / "index.shtml")
    shutil.copy(FIXTURES / "zh_press_conference_current.html", chinese / "202403" / "t20240312_11258093.shtml")
    with serve(root, substitute=False) as base:
        starts = f"{base}/{CHINESE_SECTION}/index.shtml,{base}/eng/xw/fyrbt/lxjzh/index.html"
        result = scrapy_crawl("mfa", archive_path, "-a", f"start_urls={starts}", "-a", "since=2024-03-01")
    assert result.returncode == 0, result.stderr[-3000:]
    zh_url = f"https://www.mfa.gov.cn/{CHINESE_SECTION}/202403/t20240312_11258093.shtml"
    en_url = "https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"
    assert query(archive_path, "SELECT url, language, kind, published_at FROM articles ORDER BY language") == [
        (en_url, "en", "press_conference", "2024-03-12 07:30:00.000000"),
        (zh_url, "zh", "press_conference", "2024-03-12 11:30:00.000000"),
    ]
    assert query(archive_path, "SELECT outlet FROM turns WHERE outlet IS NOT NULL AND outlet GLOB '*[^ -~]*'") == [
        ("法新社",), ("法新社",), ("环球时报",)
    ]
    assert query(
        archive_path,
        "SELECT o.url, t.url FROM translations JOIN articles o ON o.id = original_id JOIN articles t ON t.id = translation_id",
    ) == [(zh_url, en_url)]
