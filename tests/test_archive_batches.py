"""`save_many` writes a batch with one statement per table: the same rows as saving one by one.

New, changed and unchanged articles mixed in one batch, a URL twice in a batch, a
page dropped before and an article marked deleted: the outcomes and every table
come out the same as with `save` per article, and so does search, on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import copy
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import StatementError

from c5crawler.archive import ArchiveStore, open_archive
from c5crawler.archive.check import run_checks
from c5crawler.archive.search import search
from c5crawler.items import ArticleRecord, ExtractionError, FetchedPage
from c5crawler.records import record_of_page
from tests.archives import empty_archive, pages

Entry = tuple[ArticleRecord, FetchedPage]
QUERIES = ("china", "minister", '"foreign ministry"', "edit")
WHEN = datetime(2024, 3, 1, tzinfo=timezone.utc)


def sample_records() -> list[tuple[ArticleRecord, bytes]]:
    """The sample pages' records, each with the press conference's turns (the most child rows)."""
    out = []
    for url, html in pages():
        try:
            out.append((record_of_page(html, url), html))
        except ExtractionError:
            continue  # the mirror's deliberately broken page
    turns = max((record["turns"] for record, _ in out), key=len)
    for record, _ in out:
        record["turns"] = record["turns"] or copy.deepcopy(turns)
    return out


def version(sample: tuple[ArticleRecord, bytes], copy_number: int, edit: int = 0, minute: int = 0) -> Entry:
    """A copy of a sample under its own URL; `edit` > 0 changes its text, turns and credits."""
    record, html = copy.deepcopy(sample)
    record["url"] = f"{record['url']}?copy={copy_number}"
    if edit:
        record["title"] += f" (edit {edit})"
        record["turns"] = record["turns"][edit:]
        record["authors"] = [*record["authors"], f"Editor {edit}"]
        record["content_hash"] = f"{record['content_hash'][:50]}-edit-{edit}"
    fetched = f"2024-04-01T00:{minute:02d}:00Z"
    return record, FetchedPage(url=record["url"], status=200, html=html + f"<!-- {edit} -->".encode(), fetched_at=fetched)


def batches(samples: list[tuple[ArticleRecord, bytes]]) -> list[list[Entry]]:
    first = [version(samples[i], i) for i in range(12)]
    mixed = [
        version(samples[11], 11, edit=1, minute=1),  # changed: the newest article, its rows' ids the highest
        version(samples[12], 24, minute=1),  # new, after a changed one
        version(samples[1], 1, minute=1),  # unchanged
        version(samples[2], 2, edit=1, minute=1),  # changed
        version(samples[3], 3, minute=1),  # unchanged, marked deleted before
        version(samples[0], 20, minute=1),  # new, dropped before
        version(samples[0], 21, minute=1),  # new, twice the same
        version(samples[0], 21, minute=2),
        version(samples[1], 22, minute=1),  # new, then changed twice, then unchanged
        version(samples[1], 22, edit=1, minute=2),
        version(samples[1], 22, edit=2, minute=3),
        version(samples[1], 22, edit=2, minute=4),
        version(samples[4], 23, minute=1),
        version(samples[6], 6, edit=1, minute=1),  # changed after a new one
        version(samples[5], 5, edit=3, minute=1),
        version(samples[5], 5, edit=1, minute=2),
    ]
    return [first[:5], first[5:], mixed]


def prepare(store: ArchiveStore, samples: list[tuple[ArticleRecord, bytes]]) -> None:
    """What happened before the mixed batch: a dropped page, a deleted article."""
    store.remember_dropped(version(samples[0], 20)[0]["url"], "cgtn", "not diplomacy", WHEN)
    store.mark_deleted(version(samples[3], 3)[0]["url"], WHEN)


def search_hits(url: str) -> list[set[tuple[int, float]]]:
    """Each query's hits as (article id, score): the order of equal scores is the backend's own."""
    engine = open_archive(url)
    hits = [{(hit.id, round(hit.score, 9)) for hit in search(engine, query, limit=100)} for query in QUERIES]
    engine.dispose()
    return hits


def tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in id order (the search index's own tables and run timestamps aside)."""
    engine = create_engine(url)
    out = {}
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            if table.startswith("articles_fts") or table in ("alembic_version", "crawl_runs"):
                continue
            key = "url" if table == "dropped_pages" else "id"
            out[table] = [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]
    engine.dispose()
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def two_archives(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with ExitStack() as stack:
        folders = (tmp_path / "one", tmp_path / "two")
        for folder in folders:
            folder.mkdir()
        one, two = (stack.enter_context(empty_archive(request.param, folder)) for folder in folders)
        yield one, two


def test_a_batch_writes_what_saving_one_by_one_writes(two_archives: tuple[str, str]) -> None:
    samples = sample_records()
    outcomes: dict[str, list[str]] = {}
    for url, save in zip(two_archives, ("one by one", "in batches")):
        store = ArchiveStore(open_archive(url))
        run_id = store.start_run("cgtn")
        done: list[str] = []
        for number, batch in enumerate(batches(samples)):
            if number == 2:
                prepare(store, samples)
            if save == "one by one":
                done += [store.save(record, page, run_id) for record, page in batch]
            else:
                done += store.save_many(batch, run_id)
        outcomes[save] = done
        store.engine.dispose()
    assert outcomes["in batches"] == outcomes["one by one"]
    assert outcomes["in batches"][12:] == [
        "updated", "new", "unchanged", "updated", "unchanged", "new", "new", "unchanged", "new", "updated",
        "updated", "unchanged", "new", "updated", "updated", "updated",
    ]
    one_by_one, in_batches = (tables(url) for url in two_archives)
    assert in_batches == one_by_one
    assert len(in_batches["revisions"]) == 12 + 12
    assert in_batches["dropped_pages"] == []
    assert search_hits(two_archives[1]) == search_hits(two_archives[0])
    engine = open_archive(two_archives[1])
    assert all(verdict.ok for verdict in run_checks(engine))
    engine.dispose()


def test_a_batch_that_fails_midway_writes_nothing(new_archive: str) -> None:
    samples = sample_records()
    store = ArchiveStore(open_archive(new_archive))
    batch = [version(samples[i], i) for i in range(4)]
    # Only the revision stores the whole record: the articles and their child rows are
    # written by then. The error is what Core raises: its own on SQLite, psycopg's on PostgreSQL.
    batch[2][0]["not JSON"] = {1, 2}  # type: ignore[typeddict-unknown-key]
    with pytest.raises(StatementError if store.engine.dialect.name == "sqlite" else TypeError):
        store.save_many(batch)
    store.engine.dispose()
    assert all(rows == [] for rows in tables(new_archive).values())


def test_a_batch_reaches_the_archive_file_without_waiting_for_the_next(tmp_path: Path) -> None:
    """The write-ahead log is copied into the archive file after each batch (on a thread of its own)."""
    samples = sample_records()
    db = tmp_path / "archive.sqlite3"
    store = ArchiveStore(open_archive(f"sqlite:///{db}"))
    store.save_many([version(samples[0], 0)])
    deadline, archived = time.monotonic() + 10, 0
    while archived < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
        shutil.copy(db, tmp_path / "file-only.sqlite3")  # the file alone, without its log
        connection = sqlite3.connect(tmp_path / "file-only.sqlite3")
        try:
            archived = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.DatabaseError:  # no tables yet, or copied in the middle of a checkpoint
            archived = 0
        finally:
            connection.close()
    store.engine.dispose()
    assert archived == 1
