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
