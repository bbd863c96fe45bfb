"""Distributed crawling: workers sharing one crawl through a real Redis, writing one real PostgreSQL archive.

The mirrors are served on 127.0.0.1; the workers are real `scrapy crawl` processes.
`C5_TEST_DISTRIBUTED_PAGES` sets how many pages the killed-worker crawl has (300 by
default; the issue's 2,000 takes about a minute and a half on two cores).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import ThreadingHTTPServer
from multiprocessing import get_context
from pathlib import Path

import pytest
import redis
from scrapy import Request
from scrapy.utils.request import request_from_dict
from sqlalchemy import create_engine, text

from c5crawler import requestjson
from c5crawler.archive import ArchiveStore, open_archive
from c5crawler.archive.models import utcnow
from c5crawler.items import FetchedPage
from c5crawler.mirror import SAMPLE_MIRROR, MirrorHandler, serve, serving
from c5crawler.records import record_of_page
from c5crawler.spiders.cgtn import CgtnSpider
from tests.archives import fresh_postgres_database, redis_url
from tests.conftest import FAST, REPO, SEED_PATH, c5, run, write_cgtn_mirror

PAGES = int(os.environ.get("C5_TEST_DISTRIBUTED_PAGES", "300"))
LEASE_SECONDS = "3"


@pytest.fixture
def redis_server() -> Iterator[str]:
    url = redis_url()
    yield url
    redis.Redis.from_url(url).close()


@pytest.fixture
def pg_archive() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


def worker_args(archive: str, redis: str, crawl_id: str, start: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "cgtn",
        "-s", f"ARCHIVE_URL={archive}", "-s", f"C5_REDIS_URL={redis}", "-s", f"C5_CRAWL_ID={crawl_id}",
        "-s", f"C5_LEASE_TIMEOUT={LEASE_SECONDS}", "-s", "C5_KEEP=all", *FAST,
        "-a", f"start_urls={start}", "-a", "since=2017-01-01", *extra,
    ]


@pytest.fixture
def start_worker() -> Iterator[Callable[[list[str], Path], subprocess.Popen[bytes]]]:
    """Starts worker processes, logging to a file; any still running at the end is killed."""
    started: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
        started.append(subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log.open("wb")))
        return started[-1]

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def scalar(archive: str, sql: str) -> object:
    engine = create_engine(archive)
    try:
        with engine.connect() as connection:
            return connection.scalar(text(sql))
    finally:
        engine.dispose()


def rows(archive: str, sql: str) -> list[tuple]:
    engine = create_engine(archive)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def crawl_keys(url: str, crawl_id: str) -> list[bytes]:
    server = redis.Redis.from_url(url)
    try:
        return list(server.scan_iter(f"c5crawler:{crawl_id}:*"))
    finally:
        server.close()


def archived_by(archive: str, pid: int) -> int:
    """How many revisions the run of this host's process `pid` archived (0 before the archive exists)."""
    if not scalar(archive, "SELECT to_regclass('revisions') IS NOT NULL"):
        return 0
    count = scalar(
        archive,
        "SELECT count(*) FROM revisions r JOIN crawl_runs c ON c.id = r.crawl_run_id "
        f"WHERE c.worker_id = '{socket.gethostname()}:{pid}'",
    )
    assert isinstance(count, int)
    return count


def test_a_killed_worker_loses_nothing_and_every_page_is_archived_once(
    tmp_path: Path, redis_server: str, pg_archive: str, start_worker: Callable[[list[str], Path], subprocess.Popen[bytes]]
) -> None:
    urls = write_cgtn_mirror(tmp_path / "mirror", PAGES)
    crawl_id = f"kill-{uuid.uuid4().hex[:8]}"
    with serve(tmp_path / "mirror") as base:
        args = worker_args(pg_archive, redis_server, crawl_id, f"{base}/sitemap.xml")
        # Both open the new archive at once: the migration runs once, under its lock.
        doomed = start_worker(args, tmp_path / "doomed.log")
        other = start_worker(args, tmp_path / "other.log")
        deadline = time.monotonic() + 240
        leases = f"c5crawler:{crawl_id}:cgtn:inflight:{socket.gethostname()}:{doomed.pid}"
        server = redis.Redis.from_url(redis_server)
        # Killed once it has archived some pages and holds requests it has not finished.
        while archived_by(pg_archive, doomed.pid) < PAGES // 20 or not server.hlen(leases):
            assert doomed.poll() is None and time.monotonic() < deadline, (tmp_path / "doomed.log").read_text()[-3000:]
            time.sleep(0.05)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        assert server.hlen(leases)
        server.close()
        restarted = start_worker(args, tmp_path / "restarted.log")
        assert other.wait(timeout=600) == 0, (tmp_path / "other.log").read_text()[-3000:]
        assert restarted.wait(timeout=600) == 0, (tmp_path / "restarted.log").read_text()[-3000:]

    # Every page archived exactly once: one article and one revision each.
    assert scalar(pg_archive, "SELECT count(*) FROM articles") == PAGES
    assert sorted(r[0] for r in rows(pg_archive, "SELECT url FROM articles")) == sorted(urls)
    assert scalar(pg_archive, "SELECT count(*) FROM revisions") == PAGES
    assert scalar(pg_archive, "SELECT count(DISTINCT article_id) FROM revisions") == PAGES
    # Both workers did work; the killed one's run is marked interrupted by its restart.
    runs = rows(
        pg_archive,
        "SELECT c.worker_id, c.outcome, c.crawl_id, count(r.id), c.stats FROM crawl_runs c "
        "LEFT JOIN revisions r ON r.crawl_run_id = c.id GROUP BY c.id ORDER BY c.id",
    )
    by_pid = {worker.rsplit(":", 1)[1]: (outcome, crawl, archived, stats) for worker, outcome, crawl, archived, stats in runs}
    assert set(by_pid) == {str(doomed.pid), str(other.pid), str(restarted.pid)}
    assert by_pid[str(doomed.pid)][0] == "interrupted"
    assert by_pid[str(other.pid)][0] == by_pid[str(restarted.pid)][0] == "finished", [
        (pid, outcome, stats and stats.get("c5/alarms")) for pid, (outcome, _, _, stats) in by_pid.items()
    ]
    assert {crawl for _, crawl, _, _ in by_pid.values()} == {crawl_id}
    assert by_pid[str(doomed.pid)][2] >= PAGES // 20
    assert by_pid[str(other.pid)][2] > 0
    # The killed worker's leases went back in the queue and were fetched again.
    stats = [json.loads(s) if isinstance(s, str) else s for _, _, _, s in by_pid.values() if s]
    assert sum(s.get("c5/distributed/requeued", 0) for s in stats) > 0
    # The last worker out deleted the crawl's keys: the next crawl of this id starts clean.
    assert crawl_keys(redis_server, crawl_id) == []
    check = c5("db", "check", "--db", pg_archive)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FAIL" not in check.stdout


class CountingHandler(MirrorHandler):
    """The mirror's handler, counting the requests for each path and noting when each came."""

    counts: Counter[str]
    times: list[float]

    def do_GET(self) -> None:
        self.counts[self.path.split("?")[0]] += 1
        self.times.append(time.monotonic())
        super().do_GET()


@contextmanager
def counting_server(root: Path) -> Iterator[tuple[str, Counter[str], list[float]]]:
    """`root` served on 127.0.0.1: its base URL, the requests per path, and their arrival times."""
    counts: Counter[str] = Counter()
    times: list[float] = []
    handler = type("Counting", (CountingHandler,), {"counts": counts, "times": times})
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root), substitute=True, redirects={}))) as base:
        yield base, counts, times


def test_two_workers_fetch_each_article_once_whatever_url_variant_they_find(
    tmp_path: Path, redis_server: str, pg_archive: str, start_worker: Callable[[list[str], Path], subprocess.Popen[bytes]]
) -> None:
    """Two sitemaps name the same articles by different URLs, read by whichever worker."""
    root = tmp_path / "mirror"
    write_cgtn_mirror(root, 40)
    listed = (root / "sitemap.xml").read_text(encoding="utf-8")
    # The same articles again, with a tracking parameter.
    (root / "sitemap_variants.xml").write_text(
        listed.replace("/index.html</loc>", "/index.html?utm_source=sitemap</loc>"), encoding="utf-8"
    )
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>__MIRROR__/sitemap.xml</loc></sitemap>"
        "<sitemap><loc>__MIRROR__/sitemap_variants.xml</loc></sitemap></sitemapindex>\n"
    )
    (root / "sitemap_index.xml").write_text(index, encoding="utf-8")
    crawl_id = f"variants-{uuid.uuid4().hex[:8]}"
    with counting_server(root) as (base, counts, _):
        args = worker_args(pg_archive, redis_server, crawl_id, f"{base}/sitemap_index.xml")
        workers = [start_worker(args, tmp_path / f"w{i}.log") for i in range(2)]
        for i, worker in enumerate(workers):
            assert worker.wait(timeout=300) == 0, (tmp_path / f"w{i}.log").read_text()[-3000:]
    articles = {path: n for path, n in counts.items() if path.startswith("/news/")}
    assert len(articles) == 40 and set(articles.values()) == {1}, articles
    assert scalar(pg_archive, "SELECT count(*) FROM articles") == 40
    assert crawl_keys(redis_server, crawl_id) == []


def test_workers_share_the_pace_at_a_site(
    tmp_path: Path, redis_server: str, pg_archive: str, start_worker: Callable[[list[str], Path], subprocess.Popen[bytes]]
) -> None:
    """Two workers with DOWNLOAD_DELAY=0.25 together send the site a request every 0.25 s at most."""
    write_cgtn_mirror(tmp_path / "mirror", 30)
    crawl_id = f"pace-{uuid.uuid4().hex[:8]}"
    with counting_server(tmp_path / "mirror") as (base, counts, times):
        # Four requests at a time each, so that both workers hold some.
        args = worker_args(
            pg_archive, redis_server, crawl_id, f"{base}/sitemap.xml", "-s", "DOWNLOAD_DELAY=0.25", "-s", "CONCURRENT_REQUESTS=4"
        )
        workers = [start_worker(args, tmp_path / f"w{i}.log") for i in range(2)]
        for i, worker in enumerate(workers):
            assert worker.wait(timeout=300) == 0, (tmp_path / f"w{i}.log").read_text()[-3000:]
    assert scalar(pg_archive, "SELECT count(*) FROM articles") == 30
    assert rows(pg_archive, "SELECT count(*) FROM crawl_runs WHERE new > 0") == [(2,)]  # both fetched
    # 30 articles, the sitemap and each worker's robots.txt. Each turn is booked 0.25 s
    # after the last on Redis's clock; a busy worker may send one a little late, so single
    # gaps vary, but together the requests span at least their turns.
    assert len(times) == sum(counts.values()) == 33
    gaps = sorted(later - earlier for earlier, later in zip(times, times[1:]))
    assert gaps[len(gaps) // 2] > 0.2, gaps
    assert times[-1] - times[0] >= 32 * 0.25 * 0.95


def _save_overlapping(archive: str, first: int, count: int, html: bytes, gone: int) -> list[str]:
    """One writer process: `count` articles from number `first`, in batches of 25, and the drops and deletions.

    The article it marks deleted, `gone`, is one the other writer does not write: the
    other's save of it, seen again, would otherwise undo the deletion when it came later.
    """
    store = ArchiveStore(open_archive(archive))
    outcomes: list[str] = []
    try:
        entries = []
        for number in range(first, first + count):
            url = f"https://news.cgtn.com/news/2020-07-16/Story-number-{number}-Zz{number:08d}/index.html"
            page = html.replace(SEED_PATH.encode(), f"news/2020-07-16/Story-number-{number}-Zz{number:08d}".encode())
            record = record_of_page(page, url)
            entries.append((record, FetchedPage(url=url, status=200, html=page, fetched_at="2024-04-01T00:00:00Z")))
        for batch in range(0, len(entries), 25):
            outcomes += store.save_many(entries[batch : batch + 25])
        for number in range(first, first + count, 10):
            store.remember_dropped(f"https://news.cgtn.com/dropped/{number}", "cgtn", "not diplomacy", utcnow())
            store.mark_deleted(entries[gone - first][0]["url"], utcnow())
    finally:
        store.engine.dispose()
    return outcomes


def test_two_processes_writing_overlapping_articles_archive_each_once(pg_archive: str) -> None:
    html = (SAMPLE_MIRROR / "cgtn" / SEED_PATH / "index.html").read_bytes()
    open_archive(pg_archive).dispose()
    with get_context("spawn").Pool(2) as pool:
        # 0-149 and 50-199: 100 articles both write, at the same time.
        first, second = pool.starmap(
            _save_overlapping, [(pg_archive, 0, 150, html, 0), (pg_archive, 50, 150, html, 199)]
        )
    assert scalar(pg_archive, "SELECT count(*) FROM articles") == 200
    assert scalar(pg_archive, "SELECT count(*) FROM revisions") == 200
    # Each shared article is new for exactly one writer, unchanged for the other.
    assert first.count("new") + second.count("new") == 200
    assert first.count("unchanged") + second.count("unchanged") == 100
    assert scalar(pg_archive, "SELECT count(*) FROM dropped_pages") == 20
    assert scalar(pg_archive, "SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL") == 2


def test_two_plain_crawls_of_different_spiders_share_one_postgresql_archive(tmp_path: Path, pg_archive: str) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "xinhua"
    with serve(SAMPLE_MIRROR / "cgtn") as cgtn, serve(fixtures) as xinhua:
        crawls = {
            spider: subprocess.Popen(
                [sys.executable, "-m", "c5crawler.cli", "crawl", spider, "--db", pg_archive, *FAST, "-s", "C5_KEEP=all",
                 "--start-urls", start],
                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for spider, start in (("cgtn", f"{cgtn}/sitemap_news.xml"), ("xinhua", f"{xinhua}/rss/worldrss.xml"))
        }
        results = {spider: process.communicate(timeout=300) for spider, process in crawls.items()}
    for spider, process in crawls.items():
        assert process.returncode == 0, results[spider]
    assert rows(pg_archive, "SELECT spider, outcome FROM crawl_runs ORDER BY spider") == [
        ("cgtn", "finished"), ("xinhua", "finished"),
    ]
    assert scalar(pg_archive, "SELECT count(DISTINCT source) FROM articles") == 2


def test_a_second_plain_crawl_of_the_same_spider_is_refused_by_the_database_lock(pg_archive: str) -> None:
    from c5crawler.runlock import DatabaseRunLock, LockHeld

    engine = open_archive(pg_archive)
    held = DatabaseRunLock(engine, "cgtn", shared=False)
    held.acquire()
    try:
        with pytest.raises(LockHeld, match="another crawl of cgtn is running"):
            DatabaseRunLock(engine, "cgtn", shared=False).acquire()
        with pytest.raises(LockHeld, match="a plain crawl of cgtn is running"):
            DatabaseRunLock(engine, "cgtn", shared=True).acquire()
        other = DatabaseRunLock(engine, "xinhua", shared=False)
        other.acquire()
        other.release()
        # A crawl takes the lock as it opens the archive: with it held elsewhere, it stops at once.
        crawl = run([sys.executable, "-m", "scrapy", "crawl", "cgtn", "-s", f"ARCHIVE_URL={pg_archive}", "-a", "start_urls=http://127.0.0.1:9/"])
        assert "ERROR: another crawl of cgtn is running on this archive" in crawl.stderr
        assert "Spider closed (locked)" in crawl.stderr
    finally:
        held.release()
    workers = [DatabaseRunLock(engine, "cgtn", shared=True) for _ in range(2)]
    for worker in workers:
        worker.acquire()  # the workers of a shared crawl hold it together
    with pytest.raises(LockHeld):
        DatabaseRunLock(engine, "cgtn", shared=False).acquire()
    for worker in workers:
        worker.release()
    engine.dispose()


def test_a_distributed_crawl_needs_postgresql_and_a_crawl_id(tmp_path: Path, redis_server: str) -> None:
    sqlite = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    for prog, args in (
        ("scrapy crawl", ["scrapy", "crawl", "cgtn", "-s", f"ARCHIVE_URL={sqlite}", "-s", f"C5_REDIS_URL={redis_server}", "-s", "C5_CRAWL_ID=x"]),
        ("c5crawler", ["c5crawler.cli", "crawl", "cgtn", "--db", sqlite, "--redis", redis_server, "--crawl-id", "x"]),
    ):
        result = run([sys.executable, "-m", *args])
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"{prog}: error: a distributed crawl needs a PostgreSQL archive that every worker writes to, not sqlite "
            "(-s ARCHIVE_URL=postgresql+psycopg://...)"
        ]
        assert not (tmp_path / "archive.sqlite3").exists()  # refused before the archive is made
    result = run([sys.executable, "-m", "scrapy", "crawl", "cgtn", "-s", f"C5_REDIS_URL={redis_server}"], env={"C5_CRAWL_ID": "a b"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "scrapy crawl: error: a distributed crawl needs a crawl id of letters, digits, '.', '_' and '-' (-s C5_CRAWL_ID=NAME), not 'a b'"
    )


def test_queued_requests_are_json_and_come_back_whole() -> None:
    """A story's next page carries its first page (HTML bytes, a tuple of pages seen) through the queue."""
    spider = CgtnSpider()
    page = FetchedPage(url="https://news.cgtn.com/a", status=200, html="<p>ü</p>".encode(), fetched_at="2024-04-01T00:00:00Z")
    request = Request(
        "https://news.cgtn.com/a/p2.html",
        callback=spider.parse_next_page,
        errback=spider.next_page_failed,
        cb_kwargs={"raw": {"title": "A", "dates": [{"text": "2020-07-16", "source": "sitemap", "role": "published"}]},
                   "page": page, "seen": ("https://news.cgtn.com/a/p2.html",)},
        meta={"c5_article": "https://news.cgtn.com/a", "c5_dates": []},
        headers={"Referer": "https://news.cgtn.com/a"},
    )
    data = requestjson.dumps(request.to_dict(spider=spider))
    assert json.loads(data)["callback"] == "parse_next_page"  # plain JSON: data, never code
    back = request_from_dict(requestjson.loads(data.encode()), spider=spider)
    assert back.callback == spider.parse_next_page and back.errback == spider.next_page_failed
    assert back.cb_kwargs == request.cb_kwargs
    assert back.headers == request.headers and back.meta == request.meta
    with pytest.raises(TypeError, match="cannot carry a object"):
        requestjson.dumps({"meta": {"x": object()}})
