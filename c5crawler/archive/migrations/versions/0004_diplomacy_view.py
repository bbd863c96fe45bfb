"""The `diplomacy_articles` view, and where a dropped page was fetched from.

Every fetched article is archived; the topic `diplomacy` decides what the query
side shows by default. SQL users get the same default as a view: the articles
tagged diplomacy, with their score. Its columns are listed (not `articles.*`):
PostgreSQL fixes a view's columns when it is made, so a later column is added
to the view by the migration that adds it.

`dropped_pages.fetched_url` is the address a dropped page was fetched from (a
mirror, a redirect's start), so `crawl --refetch-dropped` asks the same place
again; rows from before this revision have none and are asked at `url`.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ARTICLE_COLUMNS = (
    "id", "url", "source", "kind", "title", "summary", "section", "published_at", "updated_at",
    "date_raw", "date_source", "date_precision", "body", "headings", "images", "topics", "language",
    "extractor", "content_hash", "first_seen_at", "last_seen_at", "deleted_at",
)


def upgrade() -> None:
    with op.batch_alter_table("dropped_pages") as batch:
        batch.add_column(sa.Column("fetched_url", sa.String(2048), nullable=True))
    columns = ", ".join(f"a.{name}" for name in ARTICLE_COLUMNS)
    op.execute(
        f"CREATE VIEW diplomacy_articles AS SELECT {columns}, t.score AS diplomacy_score "
        "FROM articles a JOIN topics t ON t.article_id = a.id AND t.name = 'diplomacy'"
    )


def downgrade() -> None:
    op.execute("DROP VIEW diplomacy_articles")
    with op.batch_alter_table("dropped_pages") as batch:
        batch.drop_column("fetched_url")
