"""The web view of the archive: Datasette with the archive's metadata, templates and SQL functions.

Datasette, datasette-template-sql (the templates' `sql()`) and datasette-vega (the
charts) come with the `c5crawler[web]` extra; `c5crawler serve` runs what `site` builds.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasette.app import Datasette

# The archive is always served under this name: the templates' file names and the metadata use it.
DATABASE = "archive"
HERE = Path(__file__).parent
# The import names of what the `web` extra installs.
MODULES = ("datasette", "datasette_template_sql", "datasette_vega")
SETTINGS = {
    "sql_time_limit_ms": 3000,  # a search over a large archive scores every match
    "max_returned_rows": 1000,
    "default_page_size": 50,
}


def missing_modules() -> list[str]:
    """The modules of the `web` extra that are not installed."""
    return [name for name in MODULES if find_spec(name) is None]


def site(path: Path) -> Datasette:
    """Datasette on the SQLite archive at `path`, opened read-only, with the archive's pages and queries."""
    import yaml
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.plugins import pm

    from c5crawler.web import plugin

    if pm.get_plugin("c5crawler") is None:
        pm.register(plugin, name="c5crawler")
    metadata = yaml.safe_load((HERE / "metadata.yml").read_text(encoding="utf-8"))
    search = metadata["databases"][DATABASE]["queries"]["search"]
    search["sql"] = search["sql"].replace("{matches}", search["matches_sql"])
    datasette = Datasette(metadata=metadata, template_dir=str(HERE / "templates"), settings=SETTINGS)
    # Datasette opens a file database with `mode=ro` connections: nothing from the web can
    # write, and pages still see what a crawl adds (immutable mode would ignore its WAL).
    datasette.add_database(Database(datasette, path=str(path)), name=DATABASE)
    return datasette
