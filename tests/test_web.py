"""The web view (`c5crawler serve`): its pages and queries on a fixture archive, then in a real browser.

The first tests ask Datasette's own test client for the pages; the last start
`c5crawler serve` on a free port and drive Debian's headless Chromium against it.
"""

from __future__ import annotations

import asyncio
import os
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

import lxml.html
import pytest
from datasette.app import Datasette
from matplotlib.image import imread

from c5crawler import web
from c5crawler.archive import ArchiveStore, RunCounts, open_archive
from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.search import search
from c5crawler.items import FetchedPage
from c5crawler.records import record_of_page
from tests.archives import EDIT, MFA_FIXTURES, PRESS, SEED, fill, pages
from tests.cli_inprocess import assert_one_line_error, cli
from tests.conftest import REPO

SEED_TITLE = "Wang Yi: China-Central Asia cooperation not targeted at any third party"
# The seed story again, as another outlet carried it the same day.
CARRIED = "https://www.example-outlet.test/world/2020-07-16/wang-yi-central-asia.html"
ALARM = "published_at found on 10% of pages (usually 100%)"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "archive.sqlite3"
    fill(f"sqlite:///{path}")
    store = ArchiveStore(open_archive(f"sqlite:///{path}"))
    try:
        seed_html = next(html for url, html in pages() if url == SEED)
        carried = {**record_of_page(seed_html, SEED), "url": CARRIED, "source": "xinhua"}
        store.save(carried, FetchedPage(url=CARRIED, status=200, html=seed_html, fetched_at="2024-04-02T00:00:00Z"))
        run = store.start_run("mfa")
        store.finish_run(run, RunCounts(pages_fetched=30, new=2), "alarm", {"c5/alarms": [ALARM]})
    finally:
        store.engine.dispose()
    return path


def get(path: Path, url: str, status: int = 200) -> Any:
    """The page (parsed HTML) or JSON that Datasette serves at `url`."""

    async def fetch() -> Any:
        datasette: Datasette = web.site(path)
        await datasette.invoke_startup()
        response = await datasette.client.get(url)
        assert response.status_code == status, response.text[:2000]
        return response.json() if ".json" in url else lxml.html.fromstring(response.text)

    return asyncio.run(fetch())


def text(page: Any, css: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in page.cssselect(css)]


def article_id(path: Path, url: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("select id from articles where url = ?", (url,)).fetchone()[0])


def test_front_page_says_what_is_archived(archive: Path) -> None:
    page = get(archive, "/")
    tables = page.cssselect("table.c5-counts")
    by_source = [text(row, "td") for row in tables[0].cssselect("tbody tr")]
    assert by_source == [["cgtn", "12", "2018-12-03", "2022-03-22"], ["mfa", "4", "2024-03-12", "2024-03-20"], ["xinhua", "1", "2020-07-16", "2020-07-16"]]
    assert [text(row, "td") for row in tables[1].cssselect("tbody tr")] == [["en", "17"]]
    by_year = dict(text(row, "td") for row in tables[2].cssselect("tbody tr"))  # type: ignore[misc]
    assert by_year == {"2024": "4", "2022": "1", "2021": "5", "2020": "5", "2019": "1", "2018": "1"}
    runs = [text(row, "td") for row in page.cssselect("tr[class^=c5-outcome]")]
    assert [(run[1], run[4]) for run in runs] == [("mfa", "alarm"), ("cgtn", "finished")]
    assert text(page, ".c5-alarms li")[0].endswith(f"(mfa, {runs[0][2]}): {ALARM}")
    assert page.cssselect("form.c5-search input[name=q]")


def test_search_follows_the_cli_rules_with_snippets_and_facets(archive: Path) -> None:
    page = get(archive, "/archive/search?q=zero-sum")
    assert text(page, ".c5-hits a.c5-title") == [SEED_TITLE, SEED_TITLE]
    assert "<mark>zero-sum</mark>" in lxml.html.tostring(page.cssselect(".c5-snippet")[0], encoding="unicode")
    facets = {f.get("data-facet"): text(f, "li") for f in page.cssselect(".c5-facet")}
    assert facets["source"] == ["cgtn 1", "xinhua 1"]
    assert facets["year"] == ["2020 2"] and facets["topic"] == ["diplomacy 2 ✕"]  # the default, selected
    # A facet narrows the same search.
    link = next(a.get("href") for a in page.cssselect(".c5-facet[data-facet=source] a") if a.text == "xinhua")
    narrowed = get(archive, link)
    assert [a.get("href") for a in narrowed.cssselect(".c5-hits a.c5-title")] == [f"/archive/articles/{article_id(archive, CARRIED)}"]
    # The same matches as `c5crawler search`, for the syntax it takes: diplomacy by
    # default, every article with the topic `any` (--all).
    engine = open_archive(f"sqlite:///{archive}")
    try:
        for query in ['"Central Asia" NOT Kazakh*', "Kyrgyzstan OR Islamabad", "(floods OR flood) Yangtze", "U.S."]:
            for topic, where in (("", ArticleFilter(topic="diplomacy")), ("any", ArticleFilter())):
                shown = get(archive, "/archive/search?" + urlencode({"q": query, "topic": topic}))
                cli_ids = {f"/archive/articles/{hit.id}" for hit in search(engine, query, where, limit=100)}
                assert {a.get("href") for a in shown.cssselect(".c5-hits a.c5-title")} == cli_ids, (query, topic)
        # Some of these are not diplomacy: the default hides them, and says how to see them.
        hidden = get(archive, "/archive/search?" + urlencode({"q": "floods OR flood"}))
        every = hidden.cssselect("a.c5-every-topic")[0].get("href")
        assert len(get(archive, every).cssselect(".c5-hits li")) > len(hidden.cssselect(".c5-hits li"))
    finally:
        engine.dispose()


def test_chinese_words_are_searched_as_the_cli_searches_them(archive: Path, tmp_path: Path) -> None:
    """A query with Han characters runs on the Chinese index, in the browser as on the command line."""
    chinese = tmp_path / "chinese.sqlite3"
    shutil.copy(archive, chinese)
    url = "https://www.fmprc.gov.cn/web/wjdt_674879/fyrbt_674889/202403/t20240312_11258093.shtml"
    html = (MFA_FIXTURES / "zh_press_conference_current.html").read_bytes()
    record = record_of_page(html, url)
    engine = open_archive(f"sqlite:///{chinese}")
    try:
        ArchiveStore(engine).save(record, FetchedPage(url=url, status=200, html=html, fetched_at="2024-03-12T12:00:00Z"))
        zh = f"/archive/articles/{article_id(chinese, record['url'])}"
        for query in ["林剑", "东盟", "林剑 NOT 东盟"]:
            shown = get(chinese, "/archive/search?" + urlencode({"q": query}))
            cli_ids = {f"/archive/articles/{hit.id}" for hit in search(engine, query, limit=100)}
            assert {a.get("href") for a in shown.cssselect(".c5-hits a.c5-title")} == cli_ids, query
        found = get(chinese, "/archive/search?" + urlencode({"q": "林剑"}))
        assert [a.get("href") for a in found.cssselect(".c5-hits a.c5-title")] == [zh]
        # The snippet is the article's own text, the words marked (the index holds bigrams).
        snippet = lxml.html.tostring(found.cssselect(".c5-snippet")[0], encoding="unicode")
        assert "<mark>林剑</mark>" in snippet and "外交 交部" not in snippet
    finally:
        engine.dispose()


def test_a_query_that_cannot_run_says_why(archive: Path) -> None:
    page = get(archive, "/archive/search?q=%22Central+Asia")
    assert text(page, ".message-error") == ["Cannot search for that: unterminated quote in '\"Central Asia'"]
    assert not page.cssselect(".c5-hits li")


def test_article_page_has_credits_text_mentions_and_the_changes(archive: Path) -> None:
    page = get(archive, f"/archive/articles/{article_id(archive, SEED)}")
    assert text(page, "h1") == [SEED_TITLE]
    assert text(page, ".c5-credits") == ["author: Wang Mengjie · contributor: Liu Yang"]
    assert "Upholding multilateralism" in text(page, ".c5-body h3")
    assert "Kazakhstan (2)" in text(page, ".c5-mentions li")[0]
    revisions = page.cssselect(".c5-revisions > li")
    assert len(revisions) == 2
    assert text(revisions[1], ".c5-diff .add") == ["+", f"+{EDIT}"]
    assert not page.cssselect(".c5-translation")  # no translations table in this archive


def test_press_conference_reads_as_questions_and_answers(archive: Path) -> None:
    page = get(archive, f"/archive/articles/{article_id(archive, PRESS)}")
    turns = list(zip(text(page, ".c5-turns dt"), text(page, ".c5-turns dd")))
    assert turns[1] == ("Q (CCTV)", "The two sessions concluded yesterday. What message do they send to the world?")
    assert turns[3] == ("Q (AFP)", "A question on the maritime incident yesterday. Can you confirm the details?")
    assert turns[4] == ("Lin Jian", "The competent authorities have released the details.")


def test_paired_languages_link_to_each_other(archive: Path, tmp_path: Path) -> None:
    paired = tmp_path / "paired.sqlite3"
    shutil.copy(archive, paired)
    press, remarks = article_id(paired, PRESS), article_id(paired, SEED)
    with sqlite3.connect(paired) as connection:
        connection.execute("update articles set language = 'zh', title = '外交部发言人林剑主持例行记者会' where id = ?", (press,))
        connection.execute(
            "insert into translations (original_id, translation_id, original_language, translation_language, linked_at)"
            " values (?, ?, 'zh', 'en', '2024-03-12')", (press, remarks)
        )
    assert text(get(paired, f"/archive/articles/{remarks}"), ".c5-translation") == ["In zh: 外交部发言人林剑主持例行记者会"]
    assert text(get(paired, f"/archive/articles/{press}"), ".c5-translation") == [f"In en: {SEED_TITLE}"]


def rows(archive: Path, query: str, **params: str) -> list[dict[str, Any]]:
    return get(archive, f"/archive/{query}.json?_shape=array&" + urlencode(params))  # type: ignore[no-any-return]


def test_canned_queries(archive: Path) -> None:
    said = rows(archive, "spokesperson_on_country", country="maritime", spokesperson="lin jian")
    assert [(r["month"], r["spokesperson"], r["question"].split("\n")[0], r["answer"]) for r in said] == [
        ("2024-03", "Lin Jian", "AFP", "The competent authorities have released the details.")
    ]
    assert rows(archive, "outlets_on_topic", topic="Tariffs") == [
        {"outlet": "Bloomberg", "questions": 1, "press_conferences": 1, "first": "2024-03-12", "latest": "2024-03-12"}
    ]
    kazakhstan = rows(archive, "mentions_over_time", name="kazakhstan")
    assert {r["month"]: r["mentions"] for r in kazakhstan}["2020-07-01"] == 4  # the seed story, carried twice
    carried = rows(archive, "stories_on_several_outlets")
    assert [(r["day"], r["title"], r["outlets"]) for r in carried] == [("2020-07-16", SEED_TITLE, 2)]
    weeks = rows(archive, "articles_per_week")
    assert {"week": "2024-03-11", "source": "mfa", "articles": 3} in weeks


def test_nothing_can_be_written_from_the_web(archive: Path) -> None:
    before = archive.read_bytes()
    refused = get(archive, "/archive.json?" + urlencode({"sql": "delete from articles"}), status=400)
    assert "Statement must be a SELECT" in refused["error"]

    async def write() -> None:
        datasette = web.site(archive)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await datasette.get_database("archive").execute("update articles set title = 'x'")

    asyncio.run(write())
    assert archive.read_bytes() == before


# -- `c5crawler serve` itself ------------------------------------------------------------
def test_serve_refuses_what_it_cannot_serve(archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    postgres = cli(capsys, "serve", "--db", "postgresql://localhost/archive")
    assert_one_line_error(postgres)
    assert "reads SQLite archives only" in postgres.err
    assert_one_line_error(cli(capsys, "serve", "--db", str(tmp_path / "none.sqlite3")))
    assert_one_line_error(cli(capsys, "serve", "--db", str(archive), "--port", "70000"))
    with socket.create_server(("127.0.0.1", 0)) as taken:
        busy = cli(capsys, "serve", "--db", str(archive), "--port", str(taken.getsockname()[1]))
    assert_one_line_error(busy)
    assert "cannot listen on 127.0.0.1:" in busy.err
    monkeypatch.setattr(web, "MODULES", (*web.MODULES, "c5_no_such_module"))
    missing = cli(capsys, "serve", "--db", str(archive))
    assert_one_line_error(missing)
    assert "pip install 'c5crawler[web]'" in missing.err


def chromium() -> str:
    """Debian's chromium; under CI=true its absence fails (.ci/run installs it), else the test skips."""
    found = shutil.which("chromium")
    if not found:
        reason = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def browse(*args: str) -> str:
    """Run headless Chromium as a user's browser would load a page; what it printed."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def served(archive: Path) -> Iterator[str]:
    """`c5crawler serve` on a free port, as a user starts it; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "c5crawler.cli", "serve", "--db", str(archive), "--port", "0"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "c5crawler serve printed nothing in 60 s"
        line = process.stdout.readline()
        failed = process.stderr.read() if process.poll() is not None else ""
        assert line.startswith(f"serving {archive} read-only at http://127.0.0.1:"), line + failed
        yield line.split(" at ")[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_search_and_article_in_a_real_browser(served: str, tmp_path: Path) -> None:
    front = lxml.html.fromstring(browse("--dump-dom", served))
    form = front.cssselect("form.c5-search")[0]
    field = form.cssselect("input[type=search]")[0].get("name")
    # What the browser sends when "zero-sum" is typed into the box and the form submitted.
    results = lxml.html.fromstring(browse("--dump-dom", urljoin(served, form.get("action")) + "?" + urlencode({field: "zero-sum"})))
    hits = results.cssselect(".c5-hits a.c5-title")
    assert SEED_TITLE in [hit.text_content() for hit in hits]
    article = urljoin(served, hits[0].get("href"))
    assert text(lxml.html.fromstring(browse("--dump-dom", article)), "h1") == [SEED_TITLE]
    shot = tmp_path / "article.png"
    browse(f"--screenshot={shot}", "--window-size=1200,1600", article)
    pixels = imread(shot)
    assert pixels.shape[:2] == (1600, 1200)
    # Not blank: text, links, highlights and headings give hundreds of colours.
    colours = {tuple(p) for p in pixels.reshape(-1, pixels.shape[2])[::5].round(3).tolist()}
    assert len(colours) > 100


def test_chart_draws_in_a_real_browser(served: str) -> None:
    chart = "#g.mark=line&g.x_column=week&g.x_type=temporal&g.y_column=articles&g.y_type=quantitative&g.color_column=source"
    page = lxml.html.fromstring(browse("--virtual-time-budget=10000", "--dump-dom", served + "archive/articles_per_week" + chart))
    drawn = page.cssselect("svg.marks, canvas.marks")
    assert drawn, "datasette-vega drew no chart"
