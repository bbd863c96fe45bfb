"""`articles.date_source` up to 128 characters: it notes a conflict between dates.

When two date candidates disagree by more than a day, `date_source` names the one
that served and the one that disagreed ("page (meta disagreed: 2019-01-10)"),
which 32 characters did not hold. PostgreSQL alters the column. SQLite does not
enforce a VARCHAR length and stores the text the same either way, so only the
declared type in its schema changes, by the procedure SQLite documents for schema
changes that leave the stored content as it is (sqlite.org/lang_altertable.html,
"other kinds of table schema changes").

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _declare(32, 128)


def downgrade() -> None:
    _declare(128, 32)


def _declare(old: int, new: int) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        # PostgreSQL alters no column a view reads: the view (0004) is made again around it.
        view = bind.exec_driver_sql("SELECT pg_get_viewdef('diplomacy_articles'::regclass, true)").scalar()
        op.execute("DROP VIEW diplomacy_articles")
        op.alter_column("articles", "date_source", type_=sa.String(new), existing_type=sa.String(old))
        op.execute(f"CREATE VIEW diplomacy_articles AS {view}")
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, 'date_source VARCHAR(%d)', 'date_source VARCHAR(%d)')"
        " WHERE type = 'table' AND name = 'articles'" % (old, new)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
