"""Archives for the query tests, on SQLite or on a real PostgreSQL server.

`fill` archives the bundled CGTN mirror's pages and four Foreign Ministry fixtures
through the real extract -> normalise -> store code, then an edited second version
of one article, so there are credits, turns, sections and a revision history.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from c5crawler.archive import ArchiveStore, RunCounts, open_archive
from c5crawler.items import ExtractionError, FetchedPage
from c5crawler.mirror import SAMPLE_MIRROR
from c5crawler.records import record_of_page

POSTGRES_VARIABLE = "C5_TEST_POSTGRES_URL"
MFA_FIXTURES = Path(__file__).parent / "fixtures" / "mfa"
SEED = "https://news.cgtn.com/news/2020-07-16/Wang-Yi-China-Central-Asia-cooperation-not-targeted-at-third-party-Sb0sDfUVNK/index.html"
PRESS = "https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"
MFA_PAGES = {
    "press_conference_lin_jian.html": PRESS,
    "spokesperson_remarks.html": "https://www.mfa.gov.cn/eng/xw/fyrbt/fyrbt/202403/t20240315_11260001.html",
    "statement.html": "https://www.mfa.gov.cn/eng/xw/fyrbt/fyrbt/202403/t20240320_11262000.html",
    "minister_activity.html": "https://www.mfa.gov.cn/eng/wjb/wjbz/hd/202403/t20240314_11259000.html",
}
EDIT = "An added paragraph: the ministers agreed to meet again in Xi'an."


REDIS_VARIABLE = "C5_TEST_REDIS_URL"


def server_url(variable: str, server: str, script: str) -> str:
    """A test server's URL from `variable`; in CI (CI=true) its absence fails instead of skipping."""
    url = os.environ.get(variable)
    if not url:
        reason = f"{variable} is not set: no {server} server to test against ({script} starts one)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def postgres_base_url() -> str:
    return server_url(POSTGRES_VARIABLE, "PostgreSQL", ".ci/postgres")


def redis_url() -> str:
    return server_url(REDIS_VARIABLE, "Redis", ".ci/redis")


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    base = make_url(postgres_base_url())
    name = f"c5test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def empty_archive(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new archive on `backend` (`sqlite` or `postgresql`)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'archive.sqlite3'}"
    else:
        with fresh_postgres_database() as url:
            yield url


def pages() -> Iterator[tuple[str, bytes]]:
    """(URL as served, HTML) for every sample page: the CGTN mirror's and the MFA fixtures."""
    root = SAMPLE_MIRROR / "cgtn"
    for path in sorted(root.glob("news/**/*.html")):
        yield f"https://news.cgtn.com/{path.relative_to(root).as_posix()}", path.read_bytes()
    for name, url in MFA_PAGES.items():
        yield url, (MFA_FIXTURES / name).read_bytes()


def fill(url: str, *, upgrade: bool = True) -> None:
    """Archive the sample pages; `upgrade=False` writes to the schema as it is (an old one)."""
    store = ArchiveStore(open_archive(url, upgrade=upgrade))
    try:
        for served_at, html in pages():
            try:
                record = record_of_page(html, served_at)
            except ExtractionError:
                continue  # the mirror's deliberately broken page
            store.save(record, FetchedPage(url=served_at, status=200, html=html, fetched_at="2024-04-01T00:00:00Z"))
        # The site edits one article later: a second revision.
        seed_html = next(html for served_at, html in pages() if served_at == SEED)
        record = record_of_page(seed_html, SEED)
        record["body"] += f"\n\n{EDIT}"
        record["content_hash"] = "edited-" + record["content_hash"][:57]
        store.save(record, FetchedPage(url=SEED, status=200, html=seed_html + b"<!-- edited -->", fetched_at="2024-05-01T00:00:00Z"))
        run = store.start_run("cgtn")
        store.finish_run(run, RunCounts(pages_fetched=14, new=12, dropped=1), "finished", {"finish_reason": "finished"})
    finally:
        store.engine.dispose()
