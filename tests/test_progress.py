"""Progress: a live line when standard output is a terminal (tried under a pseudo-terminal),
none when it is not, and a progress line in the log every LOGSTATS_INTERVAL seconds."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from c5crawler.progress import backfill_total, progress_text
from tests.conftest import REPO

# Slow enough (0.2 s a page, about 20 pages) for the line to be drawn several times.
STEADY = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.2", "-s", "RETRY_BACKOFF_BASE=0", "-s", "C5_KEEP=all"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LIVE = re.compile(
    r"cgtn \S+ (\d+) fetched · (\d+) archived · (\d+) skipped · (\d+) errors · [\d.]+ pages/s"
    r" (\d+)/(\d+) articles (\d+)% ETA \d+:\d\d:\d\d"
)


def backfill(base: str, db: Path) -> list[str]:
    """A back-fill of the sample mirror: the yearly archive sitemaps give it a total."""
    return [sys.executable, "-m", "c5crawler.cli", "crawl", "cgtn", "--db", str(db), "--since", "2017-01-01",
            "--start-urls", f"{base}/robots.txt", *STEADY]


def on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run `args` with standard output on a pseudo-terminal: its exit code and what it drew."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "200"}
    process = subprocess.Popen(args, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=secondary, stderr=subprocess.DEVNULL)
    os.close(secondary)
    drawn = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        drawn += chunk
    os.close(primary)
    return process.wait(timeout=120), ANSI.sub("", drawn.decode("utf-8", "replace"))


def test_a_terminal_shows_a_live_line_with_the_percentage_and_time_left(cgtn_mirror: str, tmp_path: Path) -> None:
    code, drawn = on_a_terminal(backfill(cgtn_mirror, tmp_path / "a.sqlite3"))
    assert code == 0, drawn[-3000:]
    lines = [tuple(map(int, m.groups())) for m in LIVE.finditer(drawn)]
    assert len(lines) >= 3, drawn[-3000:]
    # The counts only grow, and the articles done never pass the articles found.
    for earlier, later in zip(lines, lines[1:]):
        assert all(a <= b for a, b in zip(earlier[:4], later[:4]))
    assert all(done <= found and abs(percent - done * 100 / found) <= 0.5 for *_, done, found, percent in lines)
    assert lines[-1][5] == 11  # the mirror's 11 articles from 2017 on
    # The line is gone once the run ends: the summary is the last thing on the screen.
    last = drawn.rstrip().splitlines()[-1].split("\r")[-1]
    assert last.startswith("cgtn: finished in ") and "; 10 new, " in last, last


def test_no_terminal_no_line_and_the_log_gets_progress_lines(cgtn_mirror: str, tmp_path: Path) -> None:
    log = tmp_path / "crawl.log"
    result = subprocess.run(
        [*backfill(cgtn_mirror, tmp_path / "a.sqlite3"), "--log-file", str(log), "-s", "LOGSTATS_INTERVAL=1"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.stdout.splitlines()) == 1 and result.stdout.startswith("cgtn: finished in "), result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    records = re.findall(
        r"\[c5crawler\.progress\] INFO: cgtn progress: \d+ fetched · \d+ archived · \d+ skipped · 0 errors"
        r" · [\d.]+ pages/s(?:; (\d+) of the (\d+) articles found so far \(\d+%\))?\n",
        log.read_text(encoding="utf-8"),
    )
    assert len(records) >= 2, log.read_text(encoding="utf-8")[-3000:]
    assert "pages/min)" not in log.read_text(encoding="utf-8")  # Scrapy's own LogStats line is replaced
    assert "DEBUG" not in log.read_text(encoding="utf-8")  # the log file keeps LOG_LEVEL (INFO)


def test_progress_off_draws_nothing_on_a_terminal(cgtn_mirror: str, tmp_path: Path) -> None:
    code, drawn = on_a_terminal([*backfill(cgtn_mirror, tmp_path / "a.sqlite3"), "-s", "C5_PROGRESS=off"])
    assert code == 0 and " fetched · " not in drawn and drawn.strip().startswith("cgtn: finished in "), drawn


def test_the_counts_and_the_backfill_total() -> None:
    stats = {
        "downloader/response_count": 1204, "c5/archive/new": 290, "c5/archive/updated": 10,
        "c5/skipped/unchanged": 850, "c5/requests/failed": 2, "c5/articles_discovered": 3000,
    }
    assert progress_text(stats, 100.0) == "1,204 fetched · 300 archived · 850 skipped · 2 errors · 12.0 pages/s"

    class Spider:
        since = None

    assert backfill_total(Spider(), stats) is None  # a run for what is new has no total
    Spider.since = "2020-07-01"
    assert backfill_total(Spider(), stats) == 3000

