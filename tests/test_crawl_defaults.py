"""Which spiders a bare `c5crawler crawl` runs, what `crawl --help` lists, and the fix
`--start-urls` without a spider names."""

from __future__ import annotations

from pathlib import Path

import pytest

from c5crawler.commands.crawl import chosen_spiders, project_settings
from c5crawler.sources import BUNDLED_SOURCES
from tests.cli_inprocess import assert_one_line_error, cli

VERIFIED = ["cgtn", "chinadaily", "globaltimes", "mfa", "xinhua"]


def test_a_bare_crawl_runs_the_verified_spiders_not_the_example_feeds() -> None:
    assert chosen_spiders(project_settings(), [], {}) == VERIFIED


def test_feeds_runs_by_default_given_a_sources_file_of_ones_own(tmp_path: Path) -> None:
    mine = tmp_path / "my-sources.toml"
    mine.write_text('[sources.kz_mfa]\nurls = ["https://www.gov.kz/rss"]\n', encoding="utf-8")
    assert chosen_spiders(project_settings(), [], {"sources": str(mine)}) == [*VERIFIED[:2], "feeds", *VERIFIED[2:]]
    settings = project_settings()
    settings.set("C5_SOURCES_FILE", str(mine))
    assert "feeds" in chosen_spiders(settings, [], {})
    assert chosen_spiders(project_settings(), [], {"sources": str(BUNDLED_SOURCES)}) == VERIFIED  # the examples


def test_feeds_runs_when_named() -> None:
    assert chosen_spiders(project_settings(), ["feeds"], {}) == ["feeds"]


def test_crawl_help_lists_the_spiders(capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, "crawl", "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "by default the verified ones, cgtn, chinadaily, globaltimes, mfa, xinhua; when named: feeds" in text


def test_start_urls_without_a_spider_names_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, "crawl", "--start-urls", "http://127.0.0.1:8000/robots.txt")
    assert_one_line_error(result)
    assert result.err == (
        "c5crawler: error: --start-urls needs the spider that reads them, "
        "e.g. c5crawler crawl cgtn --start-urls http://127.0.0.1:8000/robots.txt\n"
    )
