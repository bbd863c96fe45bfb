"""Topics as rows, and the pages a crawl fetched but did not archive.

`topics` mirrors each article's `topics` JSON (filled here from the rows already
there) so that `--topic` filters the same way on every backend. `dropped_pages`
lets incremental crawls skip pages dropped before (not diplomacy, not an article)
until their feed or sitemap shows a change.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    topics = op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
    )
    op.create_index("ix_topics_article_id", "topics", ["article_id"])
    op.create_index("ix_topics_name", "topics", ["name"])
    op.create_table(
        "dropped_pages",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(256), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    rows = op.get_bind().execute(sa.text("SELECT id, topics FROM articles WHERE topics IS NOT NULL"))
    entries = [
        {"article_id": article_id, "name": topic["name"], "score": float(topic["score"])}
        for article_id, value in rows
        for topic in (json.loads(value) if isinstance(value, str) else value) or []
    ]
    if entries:
        op.bulk_insert(topics, entries)


def downgrade() -> None:
    op.drop_table("dropped_pages")
    op.drop_index("ix_topics_name", "topics")
    op.drop_index("ix_topics_article_id", "topics")
    op.drop_table("topics")
