"""Hostile and broken content through the fault server: charsets, bombs, bad XML, absurd pages.

Every page is archived (with what could be read), or dropped with a reason in the
run's stats, or refused by a size limit; never a crash, never an entity resolved.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import scrapy_crawl
from tests.faultserver import FaultPlan, answer, fault_server
from tests.faultsite import (
    article_html,
    article_path,
    assert_checks_pass,
    canonical,
    last_run,
    query,
    write_site,
)

DATE = "Updated 21:30, 16-Jul-2020"
TITLE = "Wang Yi: “dialogue” with Central Asia — Astana, Bishkek, Dushanbe"


def page(name: str, **replace: str) -> tuple[str, str]:
    """(path, HTML) of a diplomacy story with a non-ASCII title and the given replacements."""
    path = article_path(name)
    html = article_html(path, TITLE)
    for old, new in replace.items():
        html = html.replace(old, new)
    return path, html


def billion_laughs(inner: str) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?>\n<!DOCTYPE bomb [{entities}]>\n{inner}'.encode()


def test_hostile_and_broken_pages(tmp_path: Path, archive_path: Path) -> None:
    root = tmp_path / "site"
    probe = "/xxe-probe"
    routes: dict[str, object] = {}
    expect_archived: dict[str, str] = {}  # path -> the title it must be archived with

    def article(name: str, body: bytes, headers: dict[str, str] | None = None, title: str | None = TITLE) -> str:
        path = article_path(name)
        routes[path] = answer(200, body, headers)
        if title:
            expect_archived[path] = title
        return path

    # Charsets: the page's own bytes and meta win over a wrong or missing header.
    _, utf8 = page("Charset-wrong")
    article("Charset-wrong", utf8.encode(), {"Content-Type": "text/html; charset=iso-8859-1"})
    _, plain = page("Charset-missing")
    article("Charset-missing", plain.encode(), {"Content-Type": "text/html"})
    _, bom = page("Bom")
    article("Bom", b"\xef\xbb\xbf" + bom.encode())
    _, chinese = page("Gb18030", **{'charset="utf-8"': 'charset="gb18030"', "charset=utf-8": "charset=gb18030"})
    chinese = chinese.replace(TITLE, "王毅：中国—中亚合作 Wang Yi on Central Asia")
    article("Gb18030", chinese.encode("gb18030"), title="王毅：中国—中亚合作 Wang Yi on Central Asia")
    mojibake_title = TITLE.encode("utf-8").decode("cp1252", errors="replace")
    _, garbled = page("Mojibake")
    article("Mojibake", garbled.replace(TITLE, mojibake_title).encode(), title=mojibake_title)  # kept as served
    _, nul = page("Nul-bytes")
    article("Nul-bytes", nul.replace("<p>", "<p>\x00", 3).encode())
    # Dates: absurd or missing dates are archived with a null date, counted as c5/no_date.
    no_date = {
        name: page(name, **{DATE: text})[1]
        for name, text in {"Year-1900": "Updated 21:30, 16-Jul-1900", "Year-2999": "Updated 21:30, 16-Jul-2999",
                           "Date-is-text": "Updated yesterday evening", "Date-missing": ""}.items()
    }
    for name, html in no_date.items():
        article(name, html.encode())
    # Not articles: dropped with a reason.
    article("No-title", b"<html><body><div id='cmsMainContent'><p>China and Kazakhstan.</p></div></body></html>", title=None)
    article("Empty-200", b"", title=None)
    article("Not-an-article", b"<html><head><title>Login</title></head><body><form>user</form></body></html>", title=None)
    article("Binary", bytes(range(256)) * 64, {"Content-Type": "application/octet-stream"}, title=None)
    # Size limits: a 50 MB page, a gzip bomb; refused, counted.
    article("Huge", b"<html><body>" + b"<p>lorem ipsum</p>" * (50 * 1024 * 1024 // 18) + b"</body></html>", title=None)
    article("Gzip-bomb", gzip.compress(b"\0" * (200 * 1024 * 1024), 9), {"Content-Encoding": "gzip"}, title=None)

    good = [article_path(f"Good-{i}") for i in range(3)]
    write_site(root, good, list(routes))
    links = "".join(f"<item><link>__MIRROR__{p}</link></item>" for p in good)
    feeds = {
        # Entities are never expanded: neither a billion laughs nor an external file or URL.
        "/bomb-feed.xml": billion_laughs(f"<rss><channel><title>&lol9;</title>{links}</channel></rss>"),
        "/bomb-sitemap.xml": billion_laughs(
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>'
        ),
        "/xxe-feed.xml": (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "__MIRROR__{probe}">'
            '<!ENTITY f SYSTEM "file:///etc/passwd">]>'
            f"<rss><channel><item><link>&x;</link><title>&f;</title></item>{links}</channel></rss>"
        ).encode(),
        "/xxe-sitemap.xml": (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "__MIRROR__{probe}">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>'
        ).encode(),
        "/truncated-feed.xml": f"<?xml version='1.0'?><rss><channel>{links}<item><link>".encode(),
        "/truncated-sitemap.xml": b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lo',
        "/garbage-sitemap.xml.gz": b"\x1f\x8b\x08\x00garbage",
        "/gzip-bomb-sitemap.xml.gz": gzip.compress(b"<urlset>" + b" " * (200 * 1024 * 1024), 9),
        "/not-xml-feed.xml": b"<rss>\x00\xff\xfe<<<>>>",
    }
    for path, body in feeds.items():
        (root / path.lstrip("/")).write_bytes(body)
    (root / "robots.txt").write_text("User-agent: *\nSitemap: __MIRROR__/sitemap.xml\n" + "".join(
        f"Sitemap: __MIRROR__{p}\n" for p in feeds if "sitemap" in p
    ))
    plan = FaultPlan(mirror=root, routes=routes)  # type: ignore[arg-type]
    starts = [f"{{base}}{p}" for p in ["/robots.txt", *(p for p in feeds if "feed" in p)]]
    with fault_server(plan) as base:
        result = scrapy_crawl("cgtn", archive_path, "-a", "start_urls=" + ",".join(s.format(base=base) for s in starts))
    # Four of the 13 archived pages have no usable date, under the 80% threshold: an alarm.
    assert result.returncode == 3, result.stderr[-3000:]
    assert "ALARM: date: 69% of 13 pages have a date (threshold 80%)" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr, result.stderr[-5000:]
    assert probe not in plan.requests  # no external entity was fetched
    assert not any("lollol" in r for r in plan.requests)

    titles = dict(query(archive_path, "SELECT url, title FROM articles"))
    assert set(titles) == {canonical(p) for p in [*good, *expect_archived]}
    for path, title in expect_archived.items():
        assert titles[canonical(path)] == title, path
    assert "root:" not in json.dumps(titles)
    dates = dict(query(archive_path, "SELECT url, published_at FROM articles"))
    assert {u for u, d in dates.items() if d is None} == {canonical(article_path(n)) for n in no_date}
    nul_body = query(archive_path, "SELECT body FROM articles WHERE url = ?", canonical(article_path("Nul-bytes")))[0][0]
    assert "\x00" not in nul_body and "China" in nul_body

    stats = last_run(archive_path)["stats"]
    assert stats["c5/no_date"] == len(no_date)
    dropped = {k.removeprefix("c5/dropped/"): v for k, v in stats.items() if k.startswith("c5/dropped/")}
    assert sum(dropped.values()) == 4, dropped  # no title, empty, not an article, binary
    failed = {k.removeprefix("c5/failed/"): v for k, v in stats.items() if k.startswith("c5/failed/")}
    assert sum(failed.values()) == 2, failed  # the 50 MB page and the gzip bomb
    host = base.removeprefix("http://")
    assert stats[f"c5/host_failures/{host}/download cancelled"] == 1  # the 50 MB page, by DOWNLOAD_MAXSIZE
    assert stats["c5/bad_xml"] >= 2, stats  # the garbage and the bomb .gz sitemaps
    assert_checks_pass(archive_path)


def test_dates_outside_the_plausible_range_are_not_dates() -> None:
    from c5crawler.normalise.record import normalise_record

    def published(*texts: str) -> str | None:
        raw = {"url": "https://news.cgtn.com/x", "source": "cgtn", "title": "t", "paragraphs": ["p"],
               "dates": [{"text": t, "source": "page", "role": "published"} for t in texts]}
        return normalise_record(raw)["published_at"]  # type: ignore[arg-type]

    assert published("16-Jul-1900") is None
    assert published("16-Jul-2099") is None
    assert published("16-Jul-1900", "16-Jul-2020") == "2020-07-15T16:00:00Z"  # the next candidate serves
    assert published("2 Jan 1990") == "1990-01-01T16:00:00Z"  # the earliest day kept
