"""The sources file: feeds and sitemaps crawled by the `feeds` spider, no code per source.

A TOML file (`c5crawler/sources.toml` is the bundled example) with one table per
source:

    [sources.kz_mfa]
    urls = ["https://example.kz/en/rss.xml"]      # feeds, sitemaps or robots.txt
    allowed_domains = ["example.kz"]              # default: the hosts of `urls`
    time_zone = "Asia/Almaty"                     # IANA name; default Beijing time
    article_pattern = "/en/news/\\d+"             # regex an article URL contains
    selectors = { title = "h1", date = "time", body = "div.article", byline = ".author" }

Any problem with the file is a SourcesError with a one-line message.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dateutil import tz
from lxml.cssselect import CSSSelector
from cssselect import SelectorError

from c5crawler.extract import SOURCES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

BUNDLED_SOURCES = Path(__file__).with_name("sources.toml")
SELECTOR_FIELDS = ("title", "date", "body", "byline")
# Record sources with their own spider: a sources-file entry must not pose as one.
BUILT_IN_SOURCES = frozenset(SOURCES)
_KEYS = frozenset({"name", "urls", "allowed_domains", "time_zone", "article_pattern", "selectors"})
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class SourcesError(ValueError):
    """A sources file that cannot be used (the message is one line)."""


@dataclass(frozen=True)
class Source:
    id: str
    urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    time_zone: str | None = None
    article_pattern: re.Pattern[str] | None = None
    selectors: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None

    def accepts(self, url: str) -> bool:
        """Whether `url` looks like one of this source's articles (by `article_pattern`)."""
        return self.article_pattern is None or bool(self.article_pattern.search(url))


def load_sources(path: str | Path) -> dict[str, Source]:
    """Every source in the file, by id. Raises SourcesError."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"cannot read sources file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: not valid TOML ({exc})") from None
    tables = data.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise SourcesError(f"{path}: no [sources.ID] tables")
    unknown = sorted(set(data) - {"sources"})
    if unknown:
        raise SourcesError(f"{path}: unknown top-level key {unknown[0]!r} (sources go in [sources.ID] tables)")
    return {source_id: _source(path, source_id, entry) for source_id, entry in tables.items()}


def choose(sources: Mapping[str, Source], ids: str | None) -> list[Source]:
    """The sources named in `-a source=ID[,ID]` (all when None). Raises SourcesError."""
    if not ids:
        return list(sources.values())
    chosen = [i.strip() for i in ids.split(",") if i.strip()]
    missing = [i for i in chosen if i not in sources]
    if missing:
        raise SourcesError(f"-a source: unknown source {missing[0]!r} (known: {', '.join(sources)})")
    return [sources[i] for i in chosen]


def _source(path: Path, source_id: str, entry: Any) -> Source:
    where = f"{path}: [sources.{source_id}]"
    if not _ID.match(source_id):
        raise SourcesError(f"{where}: an id is lower-case letters, digits and _")
    if source_id in BUILT_IN_SOURCES:
        raise SourcesError(f"{where}: {source_id!r} is a built-in source; choose another id")
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: must be a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise SourcesError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    urls = _strings(where, entry, "urls", required=True)
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise SourcesError(f"{where}: {url!r} is not an http(s) URL")
    domains = _strings(where, entry, "allowed_domains") or sorted({urlsplit(u).hostname or "" for u in urls})
    zone = entry.get("time_zone")
    if zone is not None and (not isinstance(zone, str) or tz.gettz(zone) is None):
        raise SourcesError(f"{where}: time_zone {zone!r} is not an IANA time zone such as 'Asia/Almaty'")
    return Source(
        id=source_id,
        urls=tuple(urls),
        allowed_domains=tuple(domains),
        time_zone=zone,
        article_pattern=_pattern(where, entry.get("article_pattern")),
        selectors=_selectors(where, entry.get("selectors")),
        name=entry.get("name") if isinstance(entry.get("name"), str) else None,
    )


def _strings(where: str, entry: Mapping[str, Any], key: str, required: bool = False) -> list[str]:
    value = entry.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise SourcesError(f"{where}: {key} must be a non-empty list of strings")
    return [v.strip() for v in value]


def _pattern(where: str, value: Any) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SourcesError(f"{where}: article_pattern must be a string (a regular expression)")
    try:
        return re.compile(value)
    except re.error as exc:
        raise SourcesError(f"{where}: article_pattern {value!r} is not a regular expression ({exc})") from None


def _selectors(where: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourcesError(f"{where}: selectors must be a table of CSS selectors")
    unknown = sorted(set(value) - set(SELECTOR_FIELDS))
    if unknown:
        raise SourcesError(f"{where}: unknown selector {unknown[0]!r} (known: {', '.join(SELECTOR_FIELDS)})")
    for key, css in value.items():
        if not isinstance(css, str):
            raise SourcesError(f"{where}: selectors.{key} must be a CSS selector string")
        try:
            CSSSelector(css)
        except SelectorError as exc:
            raise SourcesError(f"{where}: selectors.{key} {css!r} is not a CSS selector ({exc})") from None
    return dict(value)
