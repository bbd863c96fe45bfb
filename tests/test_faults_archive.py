"""The archive misbehaves: read-only, locked by another writer, a full disk, a URL that does not connect.

Each time: a clear one-line error, a non-zero exit code, and every article archived
before the fault still there, the archive consistent.
"""

from __future__ import annotations

import itertools
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import FAST, REPO, c5
from tests.faultserver import FaultHandler, FaultPlan, fault_server, mirror_file
from tests.faultsite import archived_urls, article_path, assert_checks_pass, canonical, query, write_site

FIRST = [article_path(f"First-{i}") for i in range(5)]
LATER = [article_path(f"Later-{i}") for i in range(60)]


def crawl(db: str, base: str, *args: str) -> subprocess.CompletedProcess[str]:
    return c5("crawl", "cgtn", "--db", db, "--start-urls", f"{base}/sitemap.xml", *FAST, *args)


@pytest.fixture
def plan(tmp_path: Path) -> FaultPlan:
    return FaultPlan(mirror=tmp_path / "site")


@pytest.fixture
def site(tmp_path: Path, plan: FaultPlan) -> Iterator[tuple[str, Path]]:
    """A mirror of FIRST, and an archive that holds them; then LATER is added to the mirror."""
    db = tmp_path / "archive.sqlite3"
    assert plan.mirror is not None
    write_site(plan.mirror, FIRST, [])
    with fault_server(plan) as base:
        assert crawl(str(db), base).returncode == 0
        assert archived_urls(db) == {canonical(p) for p in FIRST}
        write_site(plan.mirror, [*FIRST, *LATER], [])
        yield base, db


def assert_first_articles_kept(db: Path) -> None:
    assert {canonical(p) for p in FIRST} <= archived_urls(db)
    assert_checks_pass(db)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-3000:]
    return lines[0]


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file cannot be written: by its mode, or (as root, whom modes do not stop) made immutable."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        yield
        path.chmod(0o644)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.fail("chattr +i failed: the read-only test needs a filesystem with the immutable flag")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_archive_is_refused_before_crawling(site: tuple[str, Path]) -> None:
    base, db = site
    before = query(db, "SELECT url, content_hash FROM articles ORDER BY url")
    with read_only(db):
        result = crawl(str(db), base)
        search = c5("search", "Wang Yi", "--db", str(db))
    assert result.returncode == 2
    assert "readonly" in one_line_error(result)
    assert search.returncode == 0, search.stderr  # reading still works
    assert query(db, "SELECT url, content_hash FROM articles ORDER BY url") == before
    assert_first_articles_kept(db)


def test_an_archive_locked_by_another_writer(site: tuple[str, Path]) -> None:
    base, db = site
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock until we let go
    try:
        result = crawl(f"sqlite:///{db}?timeout=0.2", base)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode == 75  # like a held crawl lock: cron tries again later
    assert "locked" in one_line_error(result)
    assert_first_articles_kept(db)
    again = crawl(str(db), base)
    assert again.returncode == 0, again.stderr[-3000:]
    assert archived_urls(db) == {canonical(p) for p in [*FIRST, *LATER]}


@contextmanager
def another_writer_locks(db: Path, plan: FaultPlan, tmp_path: Path, when: str, free_pages: int = 0) -> Iterator[None]:
    """A separate process takes the archive's write lock once the SQL `when` is true.

    The LATER pages after the first `free_pages` are served only once it holds the
    lock, so the crawl cannot finish first however fast it is.
    """
    held, served = threading.Event(), itertools.count()

    def gated(handler: FaultHandler) -> None:
        if next(served) >= free_pages:
            held.wait(120)
        mirror_file(handler)

    plan.routes.update({p: gated for p in LATER})
    holder = tmp_path / "hold.py"
    holder.write_text(
        "import sqlite3, sys, time\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)\n"
        "while not db.execute(sys.argv[2]).fetchone()[0]:\n"
        "    time.sleep(0.01)\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    hold = subprocess.Popen(
        [sys.executable, str(holder), str(db), when], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    threading.Thread(target=lambda: hold.stdout.readline() and held.set(), daemon=True).start()  # type: ignore[union-attr]
    try:
        yield
    finally:
        held.set()
        hold.communicate("")
        plan.routes.clear()


def test_the_lock_is_taken_mid_crawl(site: tuple[str, Path], plan: FaultPlan, tmp_path: Path) -> None:
    """Another writer grabs the archive while the crawl runs: the crawl stops, exit code 1."""
    base, db = site
    # As soon as the crawl has archived one new article.
    with another_writer_locks(db, plan, tmp_path, f"SELECT count(*) > {len(FIRST)} FROM articles", free_pages=1):
        result = crawl(f"sqlite:///{db}?timeout=0.5", base, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "ARCHIVE ERROR: database is locked; stopped" in result.stdout
    assert_first_articles_kept(db)
    assert len(FIRST) < len(archived_urls(db)) < len(FIRST) + len(LATER)
    again = crawl(str(db), base)
    assert again.returncode == 0, again.stderr[-3000:]
    assert archived_urls(db) == {canonical(p) for p in [*FIRST, *LATER]}
    assert_checks_pass(db)


def test_the_last_batch_refused_as_the_crawl_closes_fails_the_run(
    site: tuple[str, Path], plan: FaultPlan, tmp_path: Path
) -> None:
    """Every new article waits for the write at the close, and the archive refuses it: exit code 1, not 0."""
    base, db = site
    # Once the crawl has recorded its run; one batch for the whole run, written only as the spider closes.
    with another_writer_locks(db, plan, tmp_path, "SELECT count(*) >= 2 FROM crawl_runs"):
        result = crawl(f"sqlite:///{db}?timeout=0.5", base, "-s", "C5_ARCHIVE_BATCH_SIZE=1000", "-s", "C5_ARCHIVE_BATCH_SECONDS=0")
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert result.stdout.startswith("cgtn: archive_error in ")
    assert f"ARCHIVE ERROR: database is locked; stopped, {len(LATER)} pages not archived" in result.stdout
    assert archived_urls(db) == {canonical(p) for p in FIRST}
    assert_checks_pass(db)
    again = crawl(str(db), base)
    assert again.returncode == 0, again.stderr[-3000:]
    assert archived_urls(db) == {canonical(p) for p in [*FIRST, *LATER]}


def limit_file_size(limit: int) -> None:
    """In the child: no file may grow past `limit` bytes; a write past it fails with EFBIG."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_stops_the_crawl_and_loses_nothing(site: tuple[str, Path]) -> None:
    base, db = site
    # WAL is checkpointed into the archive; the crawl's new articles need far more than 64 KiB more.
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    limit = db.stat().st_size + 64 * 1024
    result = subprocess.run(
        [sys.executable, "-m", "c5crawler.cli", "crawl", "cgtn", "--db", str(db), "--start-urls", f"{base}/sitemap.xml", *FAST],
        cwd=REPO, capture_output=True, text=True, timeout=300, preexec_fn=lambda: limit_file_size(limit),
    )
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    # SQLite says "database or disk is full" on ENOSPC, "disk I/O error" on the size limit's EFBIG.
    assert "ARCHIVE ERROR: " in result.stdout and "; stopped, " in result.stdout
    assert "Traceback" not in result.stderr
    assert_first_articles_kept(db)
    again = crawl(str(db), base)
    assert again.returncode == 0, again.stderr[-3000:]
    assert archived_urls(db) == {canonical(p) for p in [*FIRST, *LATER]}
    assert [o for (o,) in query(db, "SELECT outcome FROM crawl_runs ORDER BY id")][-2:] in (
        ["archive_error", "finished"], ["interrupted", "finished"],  # the full disk may refuse the run's own row too
    )


@pytest.mark.parametrize(
    "url, message",
    [
        ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "Connection refused"),
        ("sqlite:////proc/no-such-folder/archive.sqlite3", "cannot create"),
        ("nosuchdb://x", "cannot use archive"),
        ("://nothing", "not a database URL"),
    ],
    ids=["refused", "no-folder", "unknown-dialect", "garbage"],
)
def test_an_archive_that_cannot_be_opened(url: str, message: str, cgtn_mirror: str) -> None:
    result = c5("crawl", "cgtn", "--db", url, "--start-urls", f"{cgtn_mirror}/robots.txt", *FAST)
    assert result.returncode == 2
    line = one_line_error(result)
    assert message in line and "secret" not in line
