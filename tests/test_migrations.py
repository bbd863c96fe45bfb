"""Schema migrations: a new archive at the newest revision, older archives upgraded in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select, text

from c5crawler.archive import migrate, open_archive
from c5crawler.archive.models import Article, Base, Credit, Revision
from c5crawler.archive.search import search
from tests.archives import SEED, fill
from tests.cli_inprocess import assert_one_line_error, cli
from tests.conftest import c5

TABLES = (Article, Revision, Credit)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t.__tablename__: connection.scalar(select(func.count()).select_from(t)) for t in TABLES}


def archive_at_revision_1(url: str) -> dict[str, int]:
    """An archive as the first release made it (revision 0001), with rows; their counts."""
    engine = open_archive(url, upgrade=False)
    migrate.upgrade(engine, migrate.BASELINE)
    engine.dispose()
    # The rows go in through today's code on the old schema, as an old crawl would have.
    fill(url, upgrade=False)
    engine = open_archive(url, upgrade=False)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.BASELINE
    before = counts(engine)
    engine.dispose()
    return before


def test_new_archive_is_at_head_and_matches_the_models(new_archive: str) -> None:
    engine = open_archive(new_archive)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()
        context = MigrationContext.configure(connection, opts={"include_object": migrate.include_object})
        # A model change without its migration (or the reverse) shows up here.
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_revision_1_archive_upgrades_in_place(new_archive: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = archive_at_revision_1(new_archive)
    assert before["articles"] == 16
    result = cli(capsys, "db", "current", "--db", new_archive)
    assert result.out.strip() == f"0001 (newest is {migrate.head_revision()}: run c5crawler db upgrade)"
    result = cli(capsys, "db", "upgrade", "--db", new_archive)
    assert result.code == 0, result
    assert result.out.strip() == f"archive upgraded from revision 0001 to {migrate.head_revision()}"
    engine = open_archive(new_archive)
    assert counts(engine) == before
    # Rows written before the upgrade are searchable after it (PostgreSQL fills its new column).
    assert search(engine, '"Central Asia"')[0].url == SEED
    engine.dispose()
    assert cli(capsys, "db", "upgrade", "--db", new_archive).out.strip() == f"archive already at revision {migrate.head_revision()}"
    assert_one_line_error(cli(capsys, "db", "upgrade", "--revision", "nosuch", "--db", new_archive))


def test_archive_from_before_migrations_is_stamped(tmp_path: Path) -> None:
    """An archive made by create_all (no alembic_version) is revision 0001: stamped, then upgraded."""
    db = tmp_path / "legacy.sqlite3"
    url = f"sqlite:///{db}"
    before = archive_at_revision_1(url)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE alembic_version")
    result = c5("db", "upgrade", "--db", str(db))  # as a user runs it
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"archive upgraded from revision 0001 to {migrate.head_revision()}"
    engine = open_archive(url)
    assert counts(engine) == before
    with engine.connect() as connection:
        fts_rows = connection.scalar(text("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Asia'"))
    assert fts_rows and fts_rows > 0
    engine.dispose()


def test_db_commands_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_error(cli(capsys, "db", "current", "--db", str(tmp_path / "missing.sqlite3")))
    assert_one_line_error(cli(capsys, "db", "nosuchaction"))
    fresh = tmp_path / "fresh.sqlite3"
    result = cli(capsys, "db", "upgrade", "--db", str(fresh))
    assert result.out.strip() == f"archive upgraded from revision (none) to {migrate.head_revision()}"
