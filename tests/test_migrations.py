"""Schema migrations: a new archive at the newest revision, older archives upgraded in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData, func, select, text

from c5crawler.archive import migrate, open_archive
from c5crawler.archive.models import Article, Base, Credit, Revision
from c5crawler.archive.search import search
from tests.archives import SEED, empty_archive, fill
from tests.cli_inprocess import assert_one_line_error, cli
from tests.conftest import c5

TABLES = (Article, Revision, Credit)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t.__tablename__: connection.scalar(select(func.count()).select_from(t)) for t in TABLES}


def archive_at_revision_1(url: str, folder: Path) -> dict[str, int]:
    """An archive as the first release made it (revision 0001), with rows; their counts.

    The rows are today's sample archive, copied column by column into the tables
    and columns revision 0001 has, as an old crawl would have left them.
    """
    engine = open_archive(url, upgrade=False)
    migrate.upgrade(engine, migrate.BASELINE)
    with empty_archive("sqlite", folder) as source_url:
        fill(source_url)
        source = open_archive(source_url)
        copy_rows(source, engine)
        source.dispose()
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.BASELINE
    before = counts(engine)
    engine.dispose()
    return before


def copy_rows(source: Engine, target: Engine) -> None:
    """Every row of the target's own tables (FTS aside: its triggers fill it), from `source`."""
    ours = MetaData()
    ours.reflect(target, only=lambda name, _: name != "alembic_version" and not name.startswith("articles_fts"))
    theirs = MetaData()
    theirs.reflect(source, only=[table.name for table in ours.sorted_tables])
    with source.connect() as reading, target.begin() as writing:
        for table in ours.sorted_tables:
            columns = [theirs.tables[table.name].c[column.name] for column in table.columns]
            rows = [dict(row._mapping) for row in reading.execute(select(*columns))]
            if rows:
                writing.execute(table.insert(), rows)
                if target.dialect.name == "postgresql":  # ids were copied: move the sequence past them
                    writing.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}")
                    )


def test_new_archive_is_at_head_and_matches_the_models(new_archive: str) -> None:
    engine = open_archive(new_archive)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()
        context = MigrationContext.configure(connection, opts={"include_object": migrate.include_object})
        # A model change without its migration (or the reverse) shows up here.
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_revision_1_archive_upgrades_in_place(
    new_archive: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = archive_at_revision_1(new_archive, tmp_path / "source")
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
    before = archive_at_revision_1(url, tmp_path / "source")
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
