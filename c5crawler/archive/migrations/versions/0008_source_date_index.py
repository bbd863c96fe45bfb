"""An index on `articles` (source, published_at), in place of the one on source alone.

A search filtered by source and dates reads the ids of the articles it may show from
this index alone, without reading the articles (see c5crawler/archive/search.py).
It serves every lookup the index on source served, so that one is dropped: an
archived article still costs the same two index entries to write. No row changes.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_source_published_at", "articles", ["source", "published_at"])
    op.drop_index("ix_articles_source", "articles")


def downgrade() -> None:
    op.create_index("ix_articles_source", "articles", ["source"])
    op.drop_index("ix_articles_source_published_at", "articles")
