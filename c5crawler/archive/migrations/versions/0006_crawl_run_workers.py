"""Crawl runs of several workers: which worker and which shared crawl, and when it was last alive.

`worker_id` is `host:pid`; `crawl_id` names the shared crawl (distributed mode,
null for a plain run); `heartbeat_at` is renewed while the run is alive, so that
another process marks a run `interrupted` only once it has gone stale.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("worker_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("crawl_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_crawl_runs_crawl_id", "crawl_runs", ["crawl_id"])


def downgrade() -> None:
    op.drop_index("ix_crawl_runs_crawl_id", "crawl_runs")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("crawl_id")
        batch.drop_column("worker_id")
