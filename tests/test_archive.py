"""The archive on a real SQLite file: upsert, revisions, credits, FTS in step, search."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from c5crawler.archive import ArchiveError, ArchiveStore, open_archive
from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.search import SearchQueryError, fts_query, search
from c5crawler.items import ArticleRecord, FetchedPage


def make_record(url: str, title: str, body: str, **overrides: object) -> ArticleRecord:
    record: ArticleRecord = {
        "url": url,
        "source": "cgtn",
        "kind": "article",
        "title": title,
        "summary": None,
        "section": "World",
        "published_at": "2020-07-16T13:30:00Z",
        "updated_at": "2020-07-16T13:30:00Z",
        "date_raw": "Updated 21:30, 16-Jul-2020",
        "date_source": "page",
        "date_precision": "minute",
        "authors": ["Wang Xiaoming"],
        "contributors": ["Liu Yang"],
        "agencies": ["Xinhua"],
        "body": body,
        "headings": [],
        "images": [],
        "turns": [],
        "quotes": [],
        "mentions": {"countries": [], "people": [], "organisations": []},
        "topics": [],
        "language": "en",
        "extractor": "cgtn",
        "content_hash": str(hash((title, body))),
    }
    record.update(overrides)  # type: ignore[typeddict-item]
    return record


def page(url: str, html: bytes = b"<html>page</html>") -> FetchedPage:
    return FetchedPage(url=url, status=200, html=html, fetched_at="2020-07-17T00:00:00Z")


URL = "https://news.cgtn.com/news/2020-07-16/Wang-Yi-Sb0sDfUVNK/index.html"


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(open_archive(f"sqlite:///{tmp_path / 'a.sqlite3'}"))


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "revisions", "credits", "articles_fts")
        }


def test_new_unchanged_updated(store: ArchiveStore, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    first = make_record(URL, "Wang Yi on Central Asia", "China and Central Asia.")
    assert store.save(first, page(URL, b"<html>v1</html>")) == "new"
    assert store.save(first, page(URL)) == "unchanged"
    assert counts(db) == {"articles": 1, "revisions": 1, "credits": 3, "articles_fts": 1}

    edited = make_record(URL, "Wang Yi on Central Asia", "China and Central Asia, edited.", contributors=[])
    assert store.save(edited, page(URL, b"<html>v2</html>")) == "updated"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT body FROM articles").fetchone()[0].endswith("edited.")
        html = [zlib.decompress(r[0]) for r in conn.execute("SELECT html_zlib FROM revisions ORDER BY id")]
        assert html == [b"<html>v1</html>", b"<html>v2</html>"]
        roles = conn.execute("SELECT role, name FROM credits ORDER BY role").fetchall()
        assert roles == [("agency", "Xinhua"), ("author", "Wang Xiaoming")]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # The FTS index follows the edit: the old text is no longer found.
        assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'edited'").fetchone()[0] == 1


def test_search_ranks_and_filters(store: ArchiveStore) -> None:
    store.save(make_record(URL, "Wang Yi: China-Central Asia cooperation", "Foreign ministers met."), page(URL))
    other = URL.replace("Sb0sDfUVNK", "Xx0sDfUVNK")
    store.save(
        make_record(other, "Floods in the south", "Central Asia is mentioned once.", published_at="2021-01-01T00:00:00Z"),
        page(other),
    )
    hits = search(store.engine, "Central Asia")
    assert [h.url for h in hits] == [URL, other]  # the title match ranks first
    assert hits[0].published_at == datetime(2020, 7, 16, 13, 30, tzinfo=timezone.utc)
    assert "[Central]" in hits[1].snippet
    assert [h.url for h in search(store.engine, "asia", ArticleFilter(since=datetime(2020, 12, 1, tzinfo=timezone.utc)))] == [other]
    assert search(store.engine, "China-Central")[0].url == URL
    assert search(store.engine, "minist*")[0].url == URL
    assert search(store.engine, "asia", ArticleFilter(source="mfa")) == []


@pytest.mark.parametrize("query", ['"unclosed', "AND", "NOT NOT", "()", "title:x OR"])
def test_hostile_queries_give_a_clear_error_or_results(store: ArchiveStore, query: str) -> None:
    try:
        search(store.engine, query)
    except SearchQueryError as exc:
        assert "\n" not in str(exc)


def test_fts_query_keeps_operators_and_quotes_punctuation() -> None:
    assert fts_query('"Wang Yi" OR Lavrov*') == '"Wang Yi" OR Lavrov*'
    assert fts_query("U.S. China-Central") == '"U.S." "China-Central"'


def test_deletion_keeps_content(store: ArchiveStore, tmp_path: Path) -> None:
    store.save(make_record(URL, "t", "b"), page(URL))
    assert store.mark_deleted(URL, datetime(2021, 1, 1, tzinfo=timezone.utc))
    assert not store.mark_deleted("https://example.org/never-archived", datetime.now(timezone.utc))
    with sqlite3.connect(tmp_path / "a.sqlite3") as conn:
        assert conn.execute("SELECT deleted_at IS NOT NULL, body FROM articles").fetchone() == (1, "b")


def test_bad_archive_urls_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="not a database URL"):
        open_archive("nonsense")
    with pytest.raises(ArchiveError, match="no archive at"):
        open_archive(f"sqlite:///{tmp_path / 'missing.sqlite3'}", create=False)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ArchiveError) as info:
        open_archive(f"sqlite:///{garbage}")
    assert "\n" not in str(info.value)
