"""Shared test fixtures: real HTTP servers on 127.0.0.1, temporary archives, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from c5crawler.mirror import SAMPLE_MIRROR, serve

REPO = Path(__file__).resolve().parents[1]
REAL_PAGES = REPO.parent / "shared" / "real-pages"
# Skipped where the real pages are not; in CI (CI=true) their absence fails the test instead.
needs_real_pages = pytest.mark.skipif(
    not REAL_PAGES.is_dir() and os.environ.get("CI") != "true", reason="../shared/real-pages is not here"
)

# Crawls against 127.0.0.1 need no politeness delays.
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_BACKOFF_BASE=0"]


@pytest.fixture
def cgtn_mirror() -> Iterator[str]:
    with serve(SAMPLE_MIRROR / "cgtn") as base:
        yield base


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.sqlite3"


def run(args: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would, capturing what it prints."""
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def c5(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "c5crawler.cli", *args], cwd=cwd)


def scrapy_crawl(spider: str, archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"ARCHIVE_URL=sqlite:///{archive}", *FAST, *args]
    )


SEED_PATH = "news/2020-07-16/Wang-Yi-China-Central-Asia-cooperation-not-targeted-at-third-party-Sb0sDfUVNK"
SEED_TITLE = "Wang Yi: China-Central Asia cooperation not targeted at any third party"


def write_cgtn_mirror(root: Path, count: int) -> list[str]:
    """A CGTN mirror of `count` distinct articles made from the seed page, listed in one sitemap.

    Returns the canonical URLs of the articles.
    """
    seed = (SAMPLE_MIRROR / "cgtn" / SEED_PATH / "index.html").read_text(encoding="utf-8")
    entries, urls = [], []
    for number in range(count):
        path = f"news/2020-07-16/Story-number-{number}-Zz{number:08d}"
        page = seed.replace(SEED_PATH, path).replace(SEED_TITLE, f"Story number {number} of the C+C5 meeting")
        (root / path).mkdir(parents=True)
        (root / path / "index.html").write_text(page, encoding="utf-8")
        entries.append(f"<url><loc>__MIRROR__/{path}/index.html</loc><lastmod>2020-07-16T21:30:00+08:00</lastmod></url>")
        urls.append(f"https://news.cgtn.com/{path}/index.html")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(entries) + "\n</urlset>\n",
        encoding="utf-8",
    )
    return urls


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def filled_archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an archive of the sample pages (see tests/archives.py), on each backend; read only."""
    from tests.archives import empty_archive, fill

    with empty_archive(request.param, tmp_path_factory.mktemp("filled")) as url:
        fill(url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def new_archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty archive on each backend."""
    from tests.archives import empty_archive

    with empty_archive(request.param, tmp_path) as url:
        yield url
