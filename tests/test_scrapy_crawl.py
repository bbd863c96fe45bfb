"""`scrapy crawl` is `c5crawler crawl`: the same one-line errors, summary and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.cli_inprocess import cli
from tests.conftest import FAST, c5, run

# (scrapy crawl arguments, the c5crawler crawl arguments that mean the same)
MISTAKES = [
    (["cgnt"], ["cgnt"]),
    (["cgtn", "-a", "since=2020/07/01"], ["cgtn", "-a", "since=2020/07/01"]),
    (["cgtn", "-a", "until=16-07-2020"], ["cgtn", "-a", "until=16-07-2020"]),
    (["cgtn", "-a", "NOEQUALS"], ["cgtn", "-a", "NOEQUALS"]),
    (["cgtn", "-a", "start_urls=file:///etc/passwd"], ["cgtn", "--start-urls", "file:///etc/passwd"]),
    (["mfa", "-a", "sections=nosuch"], ["mfa", "-a", "sections=nosuch"]),
    (["cgtn", "-s", "DOWNLOAD_TIMEOUT=abc"], ["cgtn", "-s", "DOWNLOAD_TIMEOUT=abc"]),
    (["cgtn", "-s", "ROBOTSTXT_OBEY=maybe"], ["cgtn", "-s", "ROBOTSTXT_OBEY=maybe"]),
    (["cgtn", "-s", "C5_KEEP=bogus"], ["cgtn", "-s", "C5_KEEP=bogus"]),
    (["cgtn", "-s", "C5_PROGRESS=sometimes"], ["cgtn", "-s", "C5_PROGRESS=sometimes"]),
    (["cgtn", "-s", "NOEQUALS"], ["cgtn", "-s", "NOEQUALS"]),
]


def scrapy(*args: str) -> tuple[int, str, str]:
    result = run([sys.executable, "-m", "scrapy", "crawl", *args])
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("scrapy_args,c5_args", MISTAKES, ids=[" ".join(m[0]) for m in MISTAKES])
def test_a_mistake_is_the_same_one_line_error(
    scrapy_args: list[str], c5_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "archive.sqlite3"
    code, out, err = scrapy(*scrapy_args, "-s", f"ARCHIVE_URL=sqlite:///{db}")
    ours = cli(capsys, "crawl", *c5_args, "--db", str(db))
    assert (code, out) == (2, ""), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.removeprefix("scrapy crawl: error: ") == ours.err.removeprefix("c5crawler: error: "), (err, ours.err)
    assert not db.exists()  # nothing was crawled or created


def test_naming_no_spider_or_two_is_one_line() -> None:
    for args in ([], ["cgtn", "mfa"]):
        code, _, err = scrapy(*args)
        assert code == 2
        assert err == "scrapy crawl: error: name one spider, e.g. scrapy crawl cgtn (c5crawler crawl runs several)\n"


def test_scrapy_crawl_prints_the_summary_and_holds_the_lock(cgtn_mirror: str, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite3"
    code, out, err = scrapy("cgtn", "-a", f"start_urls={cgtn_mirror}/robots.txt", "-s", f"ARCHIVE_URL=sqlite:///{db}", *FAST)
    assert code == 0, err[-3000:]
    assert out.startswith("cgtn: finished in ") and " 5 new, 0 updated, 0 unchanged, 0 deleted, 1 dropped" in out, out
    again = c5("crawl", "cgtn", "--start-urls", f"{cgtn_mirror}/robots.txt", "--db", str(db), *FAST)
    assert again.returncode == 0 and " 0 new, " in again.stdout, again.stdout
    assert Path(f"{db}.lock").exists()  # the same lock as c5crawler crawl
