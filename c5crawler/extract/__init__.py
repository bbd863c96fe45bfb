"""Extractors, one module per site template: HTML + URL -> raw fields.

`extract_page` picks the site's extractor from the URL (or a named source), so a
crawl, `c5crawler extract` and a re-parse of archived HTML run the same code.
"""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlsplit

from c5crawler.items import RawArticle

EXTRACTORS = {
    "cgtn": "c5crawler.extract.cgtn",
    "mfa": "c5crawler.extract.mfa",
    "xinhua": "c5crawler.extract.xinhua",
    "chinadaily": "c5crawler.extract.chinadaily",
    "globaltimes": "c5crawler.extract.globaltimes",
}
# The sources with a spider and an extractor of their own: the one list every `--source`
# choice and help text is made from (a sources file adds its own ids for `feeds`).
SOURCES = tuple(EXTRACTORS)
SITE_HOSTS = {
    "cgtn.com": "cgtn",
    "fmprc.gov.cn": "mfa",
    "mfa.gov.cn": "mfa",
    "news.cn": "xinhua",
    "xinhuanet.com": "xinhua",
    "chinadaily.com.cn": "chinadaily",
    "globaltimes.cn": "globaltimes",
}


class UnknownSource(LookupError):
    """No extractor is known for this source or URL."""


def source_for_url(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for domain, source in SITE_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return source
    return None


def extract_page(html: bytes | str, url: str, source: str | None = None) -> RawArticle:
    """The raw fields of a page, read by its site's extractor."""
    source = source or source_for_url(url)
    if source is None:
        raise UnknownSource(f"no extractor for {url}: give the page's URL or a source ({', '.join(EXTRACTORS)})")
    if source not in EXTRACTORS:
        raise UnknownSource(f"unknown source {source!r} (known: {', '.join(EXTRACTORS)})")
    module = import_module(EXTRACTORS[source])
    raw: RawArticle = module.extract_article(html, url)
    return raw
