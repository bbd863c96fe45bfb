"""Crawls through the fault server: the network and the sites misbehave, nothing is lost.

Every crawl uses the fast settings; the timeout test sets a 1 s DOWNLOAD_TIMEOUT
against a server that waits 3 s, so it never depends on how fast the machine is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import FAST, REPO, run, scrapy_crawl
from tests.faultserver import (
    FaultPlan,
    answer,
    failing,
    fault_server,
    mirror_file,
    redirect,
    refused_url,
    reset_mid_body,
    slow,
    truncated,
)
from tests.faultsite import (
    archived_urls,
    article_html,
    article_path,
    assert_checks_pass,
    canonical,
    last_run,
    query,
    write_site,
)

RETRIES = ("-s", "RETRY_TIMES=2", "-s", "DOWNLOAD_TIMEOUT=1")


def test_transport_faults_are_retried_counted_and_never_lose_an_article(tmp_path: Path, archive_path: Path) -> None:
    root = tmp_path / "site"
    good = [article_path(f"Good-{i}") for i in range(4)]
    page = lambda path: answer(200, article_html(path).encode())  # noqa: E731
    transient = {  # fail once or twice, then answer: archived thanks to the retries
        article_path("Reset-once"): lambda p: failing(1, reset_mid_body(), page(p)),
        article_path("Truncated-once"): lambda p: failing(1, truncated(), page(p)),
        article_path("Error-500-once"): lambda p: failing(1, answer(500), page(p)),
        article_path("Error-502-twice"): lambda p: failing(2, answer(502), page(p)),
        article_path("Error-503-retry-after"): lambda p: failing(1, answer(503, headers={"Retry-After": "1"}), page(p)),
        article_path("Error-429-retry-after"): lambda p: failing(1, answer(429, headers={"Retry-After": "0"}), page(p)),
        article_path("Slow-once"): lambda p: failing(1, slow(3, page(p)), page(p)),
    }
    permanent = {  # never answer well: counted, not archived, the crawl goes on
        article_path("Always-slow"): slow(3, answer(200)),
        article_path("Always-reset"): reset_mid_body(),
        article_path("Always-truncated"): truncated(),
        article_path("Always-500"): answer(500),
        article_path("Always-503"): answer(503),
        article_path("Always-404"): answer(404),
        article_path("Always-410"): answer(410),
    }
    write_site(root, good, [*transient, *permanent])
    plan = FaultPlan(mirror=root, routes={p: make(p) for p, make in transient.items()} | permanent)
    with fault_server(plan) as base:
        result = scrapy_crawl(
            "cgtn", archive_path, "-a", f"start_urls={base}/sitemap.xml", *RETRIES
        )
    # 5 of the 20 requests (robots.txt, the sitemap, 18 articles) fail: more than the
    # 20% C5_ALARM_MAX_ERROR_SHARE, so the run alarms, and the summary says what failed where.
    assert result.returncode == 3, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    host = base.removeprefix("http://")
    assert "ALARM: 5 of 20 requests failed (25%; C5_ALARM_MAX_ERROR_SHARE 20%)." in result.stdout, result.stdout
    assert (
        f"Failed requests: {host}: HTTP 500 ×1, HTTP 503 ×1, connection lost ×2, timed out ×1." in result.stdout
    ), result.stdout
    assert archived_urls(archive_path) == {canonical(p) for p in [*good, *transient]}
    run_ = last_run(archive_path)
    stats = run_["stats"]
    assert run_["outcome"] == "alarm" and run_["new"] == len(good) + len(transient)
    failed = {k.removeprefix("c5/failed/"): v for k, v in stats.items() if k.startswith("c5/failed/")}
    assert failed == {
        "DownloadTimeoutError": 1, "ResponseDataLossError": 2, "HTTP 500": 1, "HTTP 503": 1,
    }, failed  # a reset and a truncated body are both data loss to Scrapy
    assert stats["c5/fetch/new"] == len(good) + len(transient) + len(permanent)  # retries are not new fetches
    assert stats["c5/http/404"] == stats["c5/http/410"] == 1  # unknown URLs: counted, nothing to delete
    assert stats.get("c5/archive/deleted", 0) == 0
    assert_checks_pass(archive_path)


def test_a_site_that_refuses_connections_fails_the_crawl(archive_path: Path) -> None:
    base = refused_url()
    result = scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={base}/sitemap.xml", *RETRIES)
    assert result.returncode == 1, result.stderr[-3000:]
    host = base.removeprefix("http://")
    assert f"FAILED: no request got a page. Failed requests: {host}: connection refused ×2." in result.stdout
    run_ = last_run(archive_path)
    assert run_["outcome"] == "unreachable"
    # robots.txt is tried three times (RETRY_TIMES=2), the third refusal gives the host up,
    # and the sitemap then fails at once instead of being tried three times too.
    stats = run_["stats"]
    assert stats["c5/failed/HostGivenUp"] == 1 and stats["retry/count"] == 2
    assert archived_urls(archive_path) == set()


def test_a_page_that_disappears_is_marked_deleted_and_keeps_its_content(tmp_path: Path, archive_path: Path) -> None:
    root = tmp_path / "site"
    paths = [article_path(name) for name in ("Gone-404", "Gone-410", "Gone-system", "Stays")]
    write_site(root, paths, [])
    with fault_server(FaultPlan(mirror=root)) as base:
        assert scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={base}/sitemap.xml").returncode == 0
    before = query(archive_path, "SELECT url, body, content_hash FROM articles ORDER BY url")
    home = b"<html><head><title>CGTN | Home</title></head><body><p>Top stories of the day.</p></body></html>"
    gone = {paths[0]: answer(404), paths[1]: answer(410), paths[2]: redirect("/home"), "/home": answer(200, home)}
    with fault_server(FaultPlan(mirror=root, routes=gone)) as base:
        again = scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={base}/sitemap.xml", "-a", "full=1")
    assert again.returncode == 0, again.stderr[-3000:]
    # A redirect to the homepage is not an article: dropped, and the archived version stays current.
    assert last_run(archive_path)["stats"]["c5/archive/deleted"] == 2
    assert query(archive_path, "SELECT url, body, content_hash FROM articles ORDER BY url") == before
    deleted = {u for (u,) in query(archive_path, "SELECT url FROM articles WHERE deleted_at IS NOT NULL")}
    assert deleted == {canonical(paths[0]), canonical(paths[1])}
    assert_checks_pass(archive_path)


def test_redirect_chains_loops_and_other_sites(tmp_path: Path, archive_path: Path) -> None:
    root = tmp_path / "site"
    target = article_path("Redirect-target")
    chain = [article_path(f"Chain-{i}") for i in range(3)]
    loop = [article_path("Loop-a"), article_path("Loop-b")]
    away = article_path("Moved-away")
    long_chain = [article_path(f"Long-{i}") for i in range(25)]
    write_site(root, [target], [*chain, *loop, away, long_chain[0]])
    routes = {
        chain[0]: redirect(chain[1]), chain[1]: redirect(chain[2], 301), chain[2]: redirect(target, 307),
        loop[0]: redirect(loop[1]), loop[1]: redirect(loop[0]),
        away: redirect("http://example.org/news/2020-07-16/Elsewhere-Zz00000001/index.html"),
        **{p: redirect(long_chain[i + 1]) for i, p in enumerate(long_chain[:-1])},
        long_chain[-1]: mirror_file,
    }
    plan = FaultPlan(mirror=root, routes=routes)
    with fault_server(plan) as base:
        result = scrapy_crawl("cgtn", archive_path, "-a", f"start_urls={base}/sitemap.xml")
    assert result.returncode == 0, result.stderr[-3000:]
    # The chain ends at an article the sitemap also lists: archived once.
    assert archived_urls(archive_path) == {canonical(target)}
    stats = last_run(archive_path)["stats"]
    assert stats["c5/fetch/new"] == 8  # one per article URL listed, whatever its redirects
    assert stats["offsite/filtered"] == 1  # example.org is not followed
    assert not any("example.org" in r for r in plan.requests)
    # The loop comes back to a URL already fetched, as the chain's end does: Scrapy's dupefilter.
    assert stats["dupefilter/filtered"] >= 2
    # REDIRECT_MAX_TIMES (20) ends the long chain before its last hop.
    assert stats["c5/failed/IgnoreRequest"] == 1 and long_chain[-1] not in plan.requests
    assert_checks_pass(archive_path)


def test_a_public_crawl_never_follows_a_redirect_to_a_private_address(tmp_path: Path, archive_path: Path) -> None:
    """The fault server is the crawl's HTTP proxy, so `www.cgtn.com` is served from 127.0.0.1."""
    root = tmp_path / "site"
    good = article_path("Public-article")
    private = {
        article_path(f"To-{name}"): redirect(location)
        for name, location in {
            "ten": "http://10.1.2.3/secret",
            "lan": "http://192.168.1.1/admin",
            "metadata": "http://169.254.169.254/latest/meta-data/",
            "localhost": "http://localhost/",
            "loopback": "http://127.0.0.1:9/",
            "ipv6": "http://[::1]/",
        }.items()
    }
    write_site(root, [good], list(private))
    sitemap = (root / "sitemap.xml").read_text().replace("__MIRROR__", "http://www.cgtn.com")
    (root / "sitemap.xml").write_text(sitemap)
    plan = FaultPlan(mirror=root, routes=private)
    with fault_server(plan) as proxy:
        result = run(
            [sys.executable, "-m", "scrapy", "crawl", "cgtn", "-a", "start_urls=http://www.cgtn.com/sitemap.xml",
             "-s", f"ARCHIVE_URL=sqlite:///{archive_path}", *FAST],
            env={"http_proxy": proxy, "no_proxy": "", "NO_PROXY": ""},
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert archived_urls(archive_path) == {canonical(good)}
    asked_hosts = {r.split("/")[2] for r in plan.requests if r.startswith("http://")}
    assert asked_hosts == {"www.cgtn.com"}, plan.requests
    assert last_run(archive_path)["stats"]["offsite/filtered"] == len(private)


def test_the_mfa_system_page_marks_an_archived_page_deleted(tmp_path: Path, archive_path: Path) -> None:
    fixture = (REPO / "tests" / "fixtures" / "mfa" / "press_conference_lin_jian.html").read_bytes()
    article = "/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"
    listing = (
        b'<html><body><ul><li><a href="./202403/t20240312_11258093.html">x</a></li></ul>'
        b"<script>var countPage = 1</script></body></html>"
    )
    system = b"<html><head><title>system</title></head><body>The page does not exist.</body></html>"
    routes = {"/eng/xw/fyrbt/lxjzh/index.html": answer(200, listing), article: answer(200, fixture)}
    with fault_server(FaultPlan(routes=routes)) as base:
        start = ("-a", f"start_urls={base}/eng/xw/fyrbt/lxjzh/index.html")
        first = scrapy_crawl("mfa", archive_path, *start)
        routes[article] = redirect("/web/system/404.html")
        routes["/web/system/404.html"] = answer(200, system)
        second = scrapy_crawl("mfa", archive_path, *start, "-a", "full=1")
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-3000:]
    rows = query(archive_path, "SELECT deleted_at IS NOT NULL, length(body) > 500 FROM articles")
    assert rows == [(1, 1)]
    assert last_run(archive_path)["stats"]["c5/deleted_page"] == 1
    assert_checks_pass(archive_path)

