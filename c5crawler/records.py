"""A stored or saved page to its article record, outside a crawl.

The crawl runs the same steps as Scrapy pipelines; `c5crawler extract`,
`c5crawler reparse` and the tests' archives call this one function instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from c5crawler.enrich import enrich_record
from c5crawler.extract import extract_page
from c5crawler.items import ArticleRecord, DateText
from c5crawler.normalise.record import normalise_record


def record_of_page(
    html: bytes | str, url: str, source: str | None = None, hints: Iterable[DateText] = ()
) -> ArticleRecord:
    """Extract, normalise and enrich one page; `hints` are dates found around it (feed, sitemap)."""
    raw = extract_page(html, url, source=source)
    raw["dates"] = [*raw.get("dates", []), *hints]
    return enrich_record(normalise_record(raw))
