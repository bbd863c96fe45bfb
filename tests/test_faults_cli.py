"""Every command with missing, malformed and hostile arguments: one line, exit code 2, no traceback.

Run in the test process (tests/cli_inprocess.py) for speed; hostile search terms
are either searched for as words or refused, and never change the archive.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.archives import fill
from tests.cli_inprocess import assert_one_line_error, cli


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("hostile") / "archive.sqlite3"
    fill(f"sqlite:///{path}")
    return str(path)


NOT_A_DB = "/etc/hostname"  # a file that exists and is not SQLite

BAD = [
    [],
    ["nosuchcommand"],
    ["crawl", "nosuchspider"],
    ["crawl", "cgtn", "--since", "2020-13-45"],
    ["crawl", "cgtn", "--until", "'; DROP TABLE articles;--"],
    ["crawl", "mfa", "-a", "sections=nosuch"],
    ["crawl", "cgtn", "-a", "since=16-07-2020"],
    ["crawl", "cgtn", "-a", "NOEQUALS"],
    ["crawl", "cgtn", "-s", "C5_KEEP=bogus"],
    ["crawl", "cgtn", "-s", "DOWNLOAD_TIMEOUT=abc"],
    ["crawl", "cgtn", "-s", "ROBOTSTXT_OBEY=maybe"],
    ["crawl", "cgtn", "--start-urls", "not a url"],
    ["crawl", "cgtn", "--start-urls", "file:///etc/passwd"],
    ["crawl", "cgtn", "--log-file", "/nonexistent/dir/log"],
    ["search"],
    ["search", "x", "--limit", "-1"],
    ["search", "x", "--sort", "nonsense"],
    ["search", "x", "--since", "yesterday"],
    ["search", "x", "--db", NOT_A_DB],
    ["show"],
    ["show", "999999"],
    ["show", "https://example.org/not-archived"],
    ["show", "1 OR 1=1"],
    ["show", "1", "--revision", "0"],
    ["show", "1", "--revision", "abc"],
    ["show", "1", "--diff", "1", "2", "3"],
    ["show", "1", "--diff", "7"],
    ["show", "1", "--db", NOT_A_DB],
    ["stats", "--runs", "0"],
    ["stats", "--runs", "abc"],
    ["stats", "--db", NOT_A_DB],
    ["export", "nosuchtable"],
    ["export", "--since", "2020-02-30"],
    ["export", "--format", "xml"],
    ["export", "--output", "/nonexistent/dir/out.jsonl"],
    ["export", "--db", NOT_A_DB],
    ["reparse", "--since", "bad"],
    ["reparse", "--db", "/nonexistent/archive.sqlite3"],
    ["reparse", "--db", NOT_A_DB],
    ["db"],
    ["db", "upgrade", "--revision", "nosuch"],
    ["db", "upgrade", "--db", NOT_A_DB],
    ["db", "current", "--db", "/nonexistent/archive.sqlite3"],
    ["db", "current", "--db", NOT_A_DB],
    ["db", "check", "--db", "/nonexistent/archive.sqlite3"],
    ["db", "check", "--db", NOT_A_DB],
    ["db", "check", "--db", "/tmp"],
    ["extract"],
    ["extract", "/nonexistent/page.html"],
    ["extract", "/tmp"],
]


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a) or "(nothing)" for a in BAD])
def test_bad_arguments_are_one_line_errors(args: list[str], archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    needs_db = args[:1] not in ([], ["nosuchcommand"], ["extract"], ["db"]) and "--db" not in args and args != ["db"]
    result = cli(capsys, *args, *(["--db", archive] if needs_db else []))
    assert_one_line_error(result)


HOSTILE_SEARCHES = [
    "'; DROP TABLE articles; --",
    "\" OR 1=1 --",
    '"unbalanced',
    "NEAR(",
    "title:x",
    "*",
    "AND OR NOT",
    "a) OR (b",
    "^Wang",
    "x" * 5000,
    "",
]


@pytest.mark.parametrize("term", HOSTILE_SEARCHES, ids=range(len(HOSTILE_SEARCHES)))
def test_hostile_search_terms_are_words_or_refused(term: str, archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = sqlite3.connect(archive).execute("SELECT count(*) FROM articles").fetchone()
    result = cli(capsys, "search", term, "--db", archive)
    if result.code != 0:
        assert_one_line_error(result)
    assert "Traceback" not in result.err
    assert sqlite3.connect(archive).execute("SELECT count(*) FROM articles").fetchone() == before


def test_db_check_passes_on_a_good_archive(archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, "db", "check", "--db", archive)
    assert result.code == 0, result
    assert result.out.splitlines()[-1] == "archive consistent"
    assert all(line.startswith("ok ") for line in result.out.splitlines()[:-1])


def test_db_check_finds_what_is_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "broken.sqlite3"
    fill(f"sqlite:///{db}")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DROP TRIGGER articles_fts_update")  # the index falls out of step
        conn.execute("UPDATE articles SET body = 'changed behind the index' WHERE id = 1")
        conn.execute("INSERT INTO credits (article_id, role, name, position) VALUES (9999, 'author', 'Nobody', 0)")
        conn.execute("UPDATE revisions SET html_zlib = x'00010203' WHERE id = 2")
        conn.execute("DELETE FROM revisions WHERE article_id = 3")
    result = cli(capsys, "db", "check", "--db", str(db))
    assert result.code == 1
    failed = {line.split(":")[0].removeprefix("FAIL ") for line in result.out.splitlines() if line.startswith("FAIL")}
    assert failed == {"foreign keys", "revisions", "orphans", "search index", "stored pages"}, result.out


def test_db_check_on_each_backend(filled_archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, "db", "check", "--db", filled_archive)
    assert result.code == 0, result
    assert result.out.splitlines()[-1] == "archive consistent"
