"""The `c5crawler` command as a user runs it: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from c5crawler.mirror import SAMPLE_MIRROR
from tests.conftest import c5

SEED_PATH = "news/2020-07-16/Wang-Yi-China-Central-Asia-cooperation-not-targeted-at-third-party-Sb0sDfUVNK/index.html"
SEED_URL = f"https://news.cgtn.com/{SEED_PATH}"


def assert_one_line_error(result, code: int = 2) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0], result.stderr


def test_extract_prints_the_record() -> None:
    result = c5("extract", str(SAMPLE_MIRROR / "cgtn" / SEED_PATH), "--url", SEED_URL)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["url"] == SEED_URL
    assert record["published_at"] == record["updated_at"] == "2020-07-16T13:30:00Z"
    assert record["contributors"] == ["Liu Yang"]
    assert record["headings"] == ["Upholding multilateralism", "Opposing virus stigma", "Promoting economic recovery"]
    assert "contributed to the story" not in record["body"]


def test_extract_chooses_the_extractor_by_source(tmp_path: Path) -> None:
    page = SAMPLE_MIRROR / "cgtn" / SEED_PATH
    result = c5("extract", str(page), "--source", "cgtn")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["url"] == SEED_URL  # from the page's canonical link


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), b"<html><body><div>menu</div></body></html>"],
    ids=["empty", "binary", "no-title"],
)
def test_extract_bad_input(tmp_path: Path, content: bytes) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    assert_one_line_error(c5("extract", str(page), "--url", SEED_URL))


def test_extract_missing_file_and_unknown_site(tmp_path: Path) -> None:
    assert_one_line_error(c5("extract", str(tmp_path / "nope.html"), "--url", SEED_URL))
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>x</title></head><body><p>text</p></body></html>")
    assert_one_line_error(c5("extract", str(page), "--url", "https://example.org/a.html"))
    assert_one_line_error(c5("extract", str(page), "--source", "nosuchsite"))


def test_search_without_an_archive(tmp_path: Path) -> None:
    assert_one_line_error(c5("search", "Wang Yi", "--db", str(tmp_path / "none.sqlite3")))


def test_crawl_bad_input(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite3")
    assert_one_line_error(c5("crawl", "nosuchspider", "--db", db))
    assert_one_line_error(c5("crawl", "cgtn", "--since", "16-07-2020", "--db", db))
    assert_one_line_error(c5("crawl", "cgtn", "-s", "NOEQUALS", "--db", db))
    assert_one_line_error(c5("search", "x", "--limit", "0", "--db", db))


def test_demo_crawls_the_bundled_mirror_and_searches_it(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    result = c5("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "cgtn: finished in " in result.stdout and " 12 new," in result.stdout
    assert "Wang Yi: China-Central Asia cooperation not targeted at any third party" in result.stdout
    # The search command it prints runs as printed when pasted into a shell: the phrase stays a phrase.
    [line] = [line for line in result.stdout.splitlines() if line.startswith("c5crawler search ")]
    argv = shlex.split(line)
    assert argv[2] == '"Central Asia"'
    pasted = c5(*argv[1:])
    assert pasted.returncode == 0, pasted.stderr
    assert pasted.stdout in result.stdout


def test_an_empty_archive_says_so_and_names_the_archives_found(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    for name in ("archive.sqlite3", "demo.sqlite3"):
        assert c5("db", "upgrade", "--db", f"data/{name}", cwd=tmp_path).returncode == 0
    for argv in (["search", "Wang Yi"], ["export"], ["show", "1"]):
        result = c5(*argv, cwd=tmp_path)
        assert_one_line_error(result)
        assert result.stderr == (
            "c5crawler: error: the archive data/archive.sqlite3 holds no articles; "
            "archives in data/: data/demo.sqlite3 (choose one with --db)\n"
        )
    (tmp_path / "data" / "demo.sqlite3").unlink()
    alone = c5("search", "Wang Yi", cwd=tmp_path)
    assert_one_line_error(alone)
    assert "holds no articles (no other archive in data/): crawl first, e.g. c5crawler crawl cgtn" in alone.stderr


def test_crawl_refuses_an_inverted_date_range(tmp_path: Path) -> None:
    db = str(tmp_path / "a.sqlite3")
    flags = c5("crawl", "cgtn", "--since", "2020-07-01", "--until", "2020-06-01", "--db", db)
    assert_one_line_error(flags)
    assert "--since 2020-07-01 is after --until 2020-06-01" in flags.stderr
    spider_args = c5("crawl", "cgtn", "-a", "since=2020-07-01", "-a", "until=2020-06-01", "--db", db)
    assert_one_line_error(spider_args)
    assert "-a since=2020-07-01 is after -a until=2020-06-01" in spider_args.stderr
    assert not (tmp_path / "a.sqlite3").exists()  # refused before anything ran


def test_export_articles_jsonl_and_csv(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    assert c5("demo", "--db", str(db)).returncode == 0
    lines = c5("export", "--db", str(db), "--source", "cgtn", "--since", "2020-07-16", "--until", "2020-07-16").stdout.splitlines()
    assert [json.loads(line)["contributors"] for line in lines] == [["Liu Yang"]]
    out = tmp_path / "credits.csv"
    assert c5("export", "credits", "--format", "csv", "--output", str(out), "--db", str(db)).returncode == 0
    assert out.read_text().splitlines()[0] == "url,published_at,role,name"
    assert_one_line_error(c5("export", "--db", str(tmp_path / "missing.sqlite3")))
    assert_one_line_error(c5("export", "--output", str(tmp_path / "no" / "such" / "dir.csv"), "--db", str(db)))
