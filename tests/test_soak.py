"""Soak: 5,000 articles through the fault server with random faults, SIGKILLed a few times.

Then crawled to completion: every article the mirror serves is archived exactly once,
nothing that 404s is, and `c5crawler db check` passes. Bounded: 127.0.0.1 only, a
fixed seed, and a deadline on each wait so a hang fails instead of blocking CI.
It prints its figures (shown with `pytest -s`); the README quotes them.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import FAST, REPO, c5, write_cgtn_mirror
from tests.faultserver import FaultPlan, fault_server
from tests.faultsite import query

ARTICLES = 5000
MISSING = 20  # listed in the sitemap, never served: 404
FAULT_RATE = 0.03
KILLS = 3
SEED = 7


def archived(db: Path) -> int:
    try:
        return query(db, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_soak(tmp_path: Path) -> None:
    started = time.monotonic()
    root = tmp_path / "mirror"
    urls = write_cgtn_mirror(root, ARTICLES)
    sitemap = root / "sitemap.xml"
    missing = "".join(
        f"<url><loc>__MIRROR__/news/2020-07-16/Missing-{n}-Zy{n:08d}/index.html</loc></url>\n" for n in range(MISSING)
    )
    sitemap.write_text(sitemap.read_text().replace("</urlset>", missing + "</urlset>"))
    db = tmp_path / "soak.sqlite3"
    plan = FaultPlan(mirror=root, fault_rate=FAULT_RATE, seed=SEED)
    chooser = random.Random(SEED)
    with fault_server(plan) as base:
        crawl = [
            sys.executable, "-m", "c5crawler.cli", "crawl", "cgtn", "--db", str(db),
            "--start-urls", f"{base}/sitemap.xml", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "-s", "LOG_LEVEL=WARNING",
        ]
        kills_at = []
        for _ in range(KILLS):
            # Kill somewhere in the next stretch of the crawl, at a point the seed picks.
            target = archived(db) + chooser.randint(100, ARTICLES // (KILLS + 1))
            process = subprocess.Popen(crawl, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 300
            while archived(db) < target and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert process.poll() is None, "the crawl ended before it could be killed"
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills_at.append(archived(db))
        runs = 0
        while runs < 3:  # a page that failed all its retries in one run is fetched by the next
            runs += 1
            result = c5(*crawl[3:])
            assert result.returncode == 0, result.stdout + result.stderr[-3000:]
            if archived(db) == ARTICLES:
                break
    duration = time.monotonic() - started

    rows = query(db, "SELECT a.url, count(r.id) FROM articles a JOIN revisions r ON r.article_id = a.id GROUP BY a.id")
    assert sorted(u for u, _ in rows) == sorted(urls)  # each served article, none of the missing ones
    assert {n for _, n in rows} == {1}  # exactly once: one row, one revision each
    outcomes = [o for (o,) in query(db, "SELECT outcome FROM crawl_runs ORDER BY id")]
    assert outcomes == ["interrupted"] * KILLS + ["finished"] * runs
    check = c5("db", "check", "--db", str(db))
    assert check.returncode == 0, check.stdout + check.stderr
    faults = sum(plan.faults.values())
    assert faults > 0
    print(
        f"\nsoak: {ARTICLES} articles (+{MISSING} listed but missing), {len(plan.requests)} requests, "
        f"{faults} faults injected ({', '.join(f'{k} {v}' for k, v in sorted(plan.faults.items()))}), "
        f"{KILLS} kills (at {', '.join(map(str, kills_at))} articles archived), {runs} runs to complete, "
        f"{duration:.0f} s"
    )
