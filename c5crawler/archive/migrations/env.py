"""Alembic's entry point, configured by c5crawler.archive.migrate (no alembic.ini).

The caller hands over an open connection in `config.attributes["connection"]`, so
a migration runs in the caller's transaction, on the archive it already opened.
"""

from alembic import context

from c5crawler.archive.migrate import include_object
from c5crawler.archive.models import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    include_object=include_object,
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
