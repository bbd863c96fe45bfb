"""PostgreSQL full-text search: a generated, weighted `tsvector` column with a GIN index.

Title weighs A, summary B, body C. Being generated, the column fills itself for
rows already there and follows every insert and update. SQLite has its FTS5
index since revision 0001, so this revision changes nothing there.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', coalesce(title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
            || setweight(to_tsvector('english', coalesce(body, '')), 'C')
        ) STORED"""
    )
    op.execute("CREATE INDEX ix_articles_search_vector ON articles USING GIN (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE articles DROP COLUMN search_vector")  # drops its index too
