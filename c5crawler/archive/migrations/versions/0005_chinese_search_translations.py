"""Chinese full-text search, and the translations of press conferences.

`articles_fts_zh` indexes the Chinese text of articles a second time, cut into
words (see c5crawler/archive/chinese.py): an FTS5 table on SQLite, a table of
weighted `tsvector`s with a GIN index on PostgreSQL. Articles already archived are
indexed here. `translations` links an article to its version in another language.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from c5crawler.archive import chinese

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("original_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("translation_id", sa.Integer(), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("original_language", sa.String(8), nullable=False),
        sa.Column("translation_language", sa.String(8), nullable=False),
        sa.Column("country_overlap", sa.Float(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("original_id", "translation_id"),
    )
    op.create_index("ix_translations_original_id", "translations", ["original_id"])
    op.create_index("ix_translations_translation_id", "translations", ["translation_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""CREATE TABLE {chinese.TABLE} (
                article_id integer PRIMARY KEY REFERENCES articles(id),
                search_vector tsvector NOT NULL)"""
        )
        op.execute(f"CREATE INDEX ix_{chinese.TABLE}_search_vector ON {chinese.TABLE} USING GIN (search_vector)")
    else:
        # The same tokenizer as articles_fts: Latin words in Chinese articles are stemmed alike.
        op.execute(
            f"""CREATE VIRTUAL TABLE {chinese.TABLE} USING fts5(
                title, summary, body, tokenize="porter unicode61 remove_diacritics 2")"""
        )
    chinese.reindex(op.get_bind())


def downgrade() -> None:
    op.execute(f"DROP TABLE {chinese.TABLE}")  # its index (and FTS5 shadow tables) with it
    op.drop_index("ix_translations_translation_id", "translations")
    op.drop_index("ix_translations_original_id", "translations")
    op.drop_table("translations")
