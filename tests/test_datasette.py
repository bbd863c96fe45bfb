"""Datasette opens the SQLite archive and its search box runs on the FTS5 index.

Datasette finds the index by `content="articles"` in the FTS table's SQL
(datasette.utils.detect_fts); this checks that through its Python API.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from datasette.app import Datasette

from tests.archives import SEED, fill


async def get_json(ds: Datasette, path: str) -> Any:
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def test_datasette_searches_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite3"
    fill(f"sqlite:///{db}")

    async def check() -> None:
        ds = Datasette([str(db)])
        await ds.invoke_startup()
        tables = {t["name"]: t for t in (await get_json(ds, "/archive.json"))["tables"]}
        assert {"articles", "revisions", "credits", "turns", "crawl_runs"} <= set(tables)
        assert tables["articles"]["fts_table"] == "articles_fts"
        hits = await get_json(ds, "/archive/articles.json?_search=%22Central+Asia%22&_shape=array&_col=url")
        assert [hit["url"] for hit in hits] == [SEED]
        # FTS5 syntax itself, with Datasette's raw search mode.
        raw = await get_json(ds, "/archive/articles.json?_search=Kyrgyzstan+OR+Islamabad&_searchmode=raw&_shape=array&_col=title")
        titles = {hit["title"] for hit in raw}
        assert "China, Kyrgyzstan sign agreements on infrastructure cooperation" in titles
        assert "China, Pakistan foreign ministers meet in Islamabad" in titles

    asyncio.run(check())
