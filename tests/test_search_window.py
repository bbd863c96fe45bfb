"""Ranking a common word: by relevance, the most recently archived matches; all of them on request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy import Engine

from c5crawler.archive import open_archive
from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.search import more_matches_than, search
from tests.cli_inprocess import cli

WORD = "China"


@pytest.fixture
def engine(filled_archive: str) -> Iterator[Engine]:
    engine = open_archive(filled_archive, create=False)
    yield engine
    engine.dispose()


def test_relevance_ranks_the_most_recently_archived_matches(engine: Engine) -> None:
    everything = search(engine, WORD, window=None, limit=100)
    ids = sorted(hit.id for hit in everything)
    assert len(ids) > 4
    newest = search(engine, WORD, window=3, limit=100)
    assert sorted(hit.id for hit in newest) == ids[-3:]
    assert [hit.score for hit in newest] == sorted((hit.score for hit in newest), reverse=True)
    assert more_matches_than(engine, WORD, None, 3)
    assert not more_matches_than(engine, WORD, None, len(ids))
    # Sorting by date never leaves a match out.
    assert len(search(engine, WORD, sort="newest", window=3, limit=100)) == len(ids)


def test_date_filters_find_the_same_articles_as_filtering_afterwards(engine: Engine) -> None:
    since, until = datetime(2020, 7, 1, tzinfo=timezone.utc), datetime(2024, 3, 15, tzinfo=timezone.utc)
    everything = search(engine, WORD, window=None, limit=100)
    expected = {hit.id for hit in everything if hit.published_at and since <= hit.published_at < until}
    assert expected and len(expected) < len(everything)
    assert {hit.id for hit in search(engine, WORD, ArticleFilter(since=since, until=until), limit=100)} == expected
    assert search(engine, WORD, ArticleFilter(since=datetime(1999, 1, 1, tzinfo=timezone.utc), until=since.replace(year=2000))) == []


@pytest.mark.parametrize("read_ids_first", [True, False])
def test_source_and_date_filters_find_what_filtering_afterwards_finds(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, read_ids_first: bool
) -> None:
    """The same hits, scores, order and snippets whether the filter's articles are read first
    (few in its dates) or each match is looked up (many)."""
    if not read_ids_first:
        monkeypatch.setattr("c5crawler.archive.search._FEW_ARTICLES", 0)
    everything = search(engine, WORD, window=None, limit=100)
    source = everything[0].source
    since, until = datetime(2020, 7, 1, tzinfo=timezone.utc), datetime(2024, 3, 15, tzinfo=timezone.utc)
    where = ArticleFilter(source=source, since=since, until=until)
    expected = [h for h in everything if h.source == source and h.published_at and since <= h.published_at < until]
    assert expected and len(expected) < len(everything)
    assert search(engine, WORD, where, window=None, limit=100) == expected
    newest = search(engine, WORD, where, sort="newest", limit=100)
    assert sorted(h.id for h in newest) == sorted(h.id for h in expected)
    # By relevance, the window is the most recently archived of the filtered matches.
    window = sorted(h.id for h in expected)[-2:]
    assert sorted(h.id for h in search(engine, WORD, where, window=2, limit=100)) == window
    assert more_matches_than(engine, WORD, where, len(expected) - 1)
    assert not more_matches_than(engine, WORD, where, len(expected))
    assert search(engine, WORD, ArticleFilter(source="nosuch", since=since)) == []


def test_the_command_says_when_ranking_left_matches_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, filled_archive: str
) -> None:
    monkeypatch.setattr("c5crawler.archive.search.RANK_WINDOW", 3)
    windowed = cli(capsys, "search", WORD, "--db", filled_archive, "--limit", "2")
    assert windowed.code == 0, windowed
    assert "more than 3 articles match; ranked the 3 most recently archived" in windowed.err
    everything = cli(capsys, "search", WORD, "--db", filled_archive, "--limit", "2", "--rank-all")
    assert everything.code == 0 and everything.err == ""
    few = cli(capsys, "search", "Islamabad", "--db", filled_archive)
    assert few.code == 0 and few.err == ""
