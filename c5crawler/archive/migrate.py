"""Schema migrations (Alembic), run from the package: no alembic.ini needed.

`upgrade` brings any archive to the newest revision: a new one is created from
nothing, one made before migrations existed (tables but no `alembic_version`) is
stamped as revision 0001 first, since that is exactly the schema it has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
# Objects that exist outside the models, by backend: the FTS5 table (and the
# shadow tables SQLite makes for it) and PostgreSQL's generated search column.
_OUTSIDE_MODELS = ("articles_fts", "search_vector", "ix_articles_search_vector")
# The PostgreSQL advisory lock that lets one process at a time migrate an archive
# (any fixed 64-bit number: "c5migrat" in ASCII).
MIGRATION_LOCK = int.from_bytes(b"c5migrat", "big") & 0x7FFF_FFFF_FFFF_FFFF


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave backend-specific full-text objects out of autogenerate's comparison."""
    return not (name or "").startswith(_OUTSIDE_MODELS)


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None, "the migrations have no head"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate the archive to `revision`; returns (revision before, revision after)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Workers opening a new archive at once: the first migrates, the others wait
            # and then find it at the head. Released when this transaction ends.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        before = current_revision(connection)
        if before is None and inspect(connection).has_table("articles"):
            command.stamp(_config(connection), BASELINE)
            before = BASELINE
        target = head_revision() if revision == "head" else revision
        if current_revision(connection) != target:
            command.upgrade(_config(connection), revision)
        return before, current_revision(connection)
