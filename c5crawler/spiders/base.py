"""What every news spider shares: where to start, what a response is, what to skip.

A site spider is mostly data (its start points) plus its extractor's functions.
Any response is routed by what it is, so `-a start_urls=` may point at a feed, a
sitemap (or index, or robots.txt), a listing page or an article.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from twisted.python.failure import Failure
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.iterators import xmliter_lxml
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from c5crawler.items import ArticleItem, DateText, ExtractionError, FetchedPage, RawArticle
from c5crawler.normalise.dates import BEIJING, ParsedDate, parse_date, to_iso_z
from c5crawler.normalise.language import UNKNOWN, language_code

# A feed or sitemap by its root element, after the XML declaration, comments and a DOCTYPE
# (whose entities are never expanded: Scrapy's Sitemap and xmliter_lxml parse with
# resolve_entities=False).
_XML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE[^\[>]*(\[.*?\])?\s*>\s*)?(<!--.*?-->\s*)*"
    rb"<(?P<root>rss|feed|urlset|sitemapindex)\b",
    re.S,
)


ATOM = "http://www.w3.org/2005/Atom"


class NewsSitemap(Sitemap):
    """Scrapy's sitemap parser, also keeping `<news:news>` fields (publication_date, title)."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: Any) -> dict[str, Any] | None:
        news = {
            f"news_{self._get_tag_name(field)}": (field.text or "").strip()
            for child in elem
            if self._get_tag_name(child) == "news"
            for field in child
        }
        entry = super()._process_sitemap_element(elem)
        if entry is not None:
            entry.update(news)
        return entry


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"-a {name}= takes a date as YYYY-MM-DD, not {value!r}") from exc


class NewsSpider(scrapy.Spider):
    """Base of the site spiders. Subclasses set `default_start_urls` and the extractor hooks."""

    default_start_urls: list[str] = []
    # The extractor module (c5crawler/extract/<site>.py): canonical_url, is_article_url,
    # extract_article and, for sites with listings, listing_links.
    site: Any = None
    time_zone = BEIJING  # the zone the site's dates and `since`/`until` days are in
    # Verified: a site spider whose extractor follows the site's own page templates and is
    # tested on pages of them. A bare `c5crawler crawl` runs the verified spiders.
    verified = False

    @classmethod
    def runs_by_default(cls, settings: Any, spider_args: dict[str, str]) -> bool:
        """Whether a bare `c5crawler crawl` (no spider named) runs this spider."""
        return cls.verified

    def __init__(
        self,
        start_urls: str | None = None,
        since: str | None = None,
        until: str | None = None,
        full: str | None = None,
        refetch_dropped: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # -a full=1: fetch every article found, whatever the archive already holds.
        self.full = _flag(full)
        # -a refetch_dropped=1: first fetch again the pages `dropped_pages` remembers.
        self.refetch_dropped = _flag(refetch_dropped)
        self.start_urls = (
            [u.strip() for u in start_urls.split(",") if u.strip()]
            if start_urls
            else list(self.default_start_urls)
        )
        for url in self.start_urls:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"a start URL must be http(s)://HOST/..., not {url!r}")
        self.since = parse_day(since, "since")
        self.until = parse_day(until, "until")
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"-a since={since} is after -a until={until}: no day is in the range")
        # A mirror or another start host is as allowed as the site itself.
        hosts = {urlsplit(u).hostname for u in self.start_urls} - {None}
        self.allowed_domains = sorted(set(getattr(self, "allowed_domains", []) or []) | hosts)  # type: ignore[arg-type]
        self.requested: set[str] = set()

    # -- hooks: by default the site's extractor module answers them --------------------
    def canonical_url(self, url: str) -> str:
        return str(self.site.canonical_url(url))

    def is_article_url(self, url: str) -> bool:
        return bool(self.site.is_article_url(url))

    def extract_article(self, html: bytes, url: str) -> RawArticle:
        raw: RawArticle = self.site.extract_article(html, url)
        return raw

    def extract_response(self, response: Response) -> RawArticle:
        """The raw fields of an article response (a spider whose extraction depends on
        how the page was reached, such as `feeds`, overrides this)."""
        return self.extract_article(response.body, response.url)

    def listing_links(self, response: Response) -> Iterable[tuple[str, ParsedDate | None]]:
        """Article links of a listing page, each with the listing's date when it shows one."""
        if not hasattr(self.site, "listing_links"):
            return ()
        # Some sites' listings carry dates (url, date); others only links.
        return (
            link if isinstance(link, tuple) else (link, None)
            for link in self.site.listing_links(response.body, response.url)
        )

    def is_deleted(self, response: Response) -> bool:
        """Whether a 200 response is the site's way of saying the page is gone.

        Asked only of a page its extractor refused (a "gone" page holds no article),
        so that an article page is not read twice.
        """
        return False

    def follow_sitemap(self, url: str) -> bool:
        """Whether a sitemap named in an index or robots.txt is worth reading."""
        return True

    # -- the shared flow --------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.refetch_dropped:
            for request in self.dropped_requests():
                yield request
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed)

    def dropped_requests(self) -> Iterator[scrapy.Request]:
        """The source's `dropped_pages` as article requests, each once, from where each was fetched.

        They were dropped without their HTML (not an article, or not diplomacy under
        C5_KEEP=diplomacy), so only the network brings them back; `c5_refetch` lets
        them past the incremental check, which would skip them as unchanged.
        """
        from c5crawler.archive import ArchiveStore, open_archive

        store = ArchiveStore(open_archive(self.settings.get("ARCHIVE_URL")))
        try:
            dropped = store.dropped_pages(self.name)
        finally:
            store.engine.dispose()
        for key, url in dropped:
            if key in self.requested:
                continue
            self.requested.add(key)
            self.crawler.stats.inc_value("c5/refetch_dropped")
            yield scrapy.Request(
                url, callback=self.parse_article, errback=self.fetch_failed, meta={"c5_article": key, "c5_refetch": True}
            )

    def in_range(self, day: date | None) -> bool:
        if day is None:
            return True
        return not ((self.since and day < self.since) or (self.until and day > self.until))

    def follow_article(
        self,
        url: str,
        hint: DateText | None = None,
        day: date | None = None,
        changed: str | None = None,
    ) -> Iterator[scrapy.Request]:
        """One request per article per run, whatever variant of its URL was found.

        `day` (or the hint's date, in the site's own time zone) keeps the article
        within `-a since`/`-a until`. `changed` is when the feed, sitemap or listing
        says the article last changed (its `lastmod`, else the hint's date): the
        incremental middleware skips archived articles that have not changed since.

        The hint travels with the request (`c5_dates` in its meta), so whichever
        process of a distributed crawl fetches the article has it.
        """
        key = self.canonical_url(url)
        if hint:
            parsed = parse_date(hint["text"], self.time_zone) if day is None else None
            day = parsed.value.astimezone(self.time_zone).date() if parsed else day
        if not self.in_range(day):
            self.crawler.stats.inc_value("c5/skipped/out_of_range")
            return
        if key in self.requested:
            return
        self.requested.add(key)
        self.crawler.stats.inc_value("c5/articles_discovered")
        changed = changed or (hint["text"] if hint else None)
        yield scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.fetch_failed,
            meta={"c5_article": key, "c5_changed": changed, "c5_dates": [hint] if hint else []},
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        body = response.body
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(body, base_url=response.url):
                if self.follow_sitemap(url):
                    yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed)
            return
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception:  # a truncated or oversized archive is one bad sitemap, not a crash
                self.crawler.stats.inc_value("c5/bad_xml")
                return
        if _XML_START.match(body[:4096]):
            yield from self.parse_xml(response, body)
        elif response.status >= 400:
            self.crawler.stats.inc_value(f"c5/http/{response.status}")
        elif self.is_article_url(response.url):
            yield from self.parse_article(response)
        else:
            yield from self.parse_listing(response)

    def parse_xml(self, response: Response, body: bytes) -> Iterator[Any]:
        root = _XML_START.match(body[:4096]).group("root").decode()  # type: ignore[union-attr]
        if root in ("urlset", "sitemapindex"):
            yield from self.parse_sitemap(NewsSitemap(body))
        else:
            yield from self.parse_feed(response.replace(body=body))

    def parse_sitemap(self, sitemap: NewsSitemap) -> Iterator[Any]:
        for entry in sitemap:
            url = entry["loc"]
            if sitemap.type == "sitemapindex":
                if self.follow_sitemap(url):
                    yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed)
                continue
            if not self.is_article_url(url):
                continue
            stamp = entry.get("news_publication_date") or entry.get("lastmod")
            hint = DateText(text=stamp, source="sitemap", role="published") if stamp else None
            yield from self.follow_article(url, hint, changed=entry.get("lastmod"))

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """RSS items or Atom entries: the link, its date, and when it last changed."""
        if b"<feed" in response.body[:2048]:
            nodes = xmliter_lxml(response, "entry", namespace=ATOM, prefix="a")
            link, published, updated = "./a:link/@href", "./a:published/text()", "./a:updated/text()"
        else:
            nodes = xmliter_lxml(response, "item")
            link, published = "./link/text()", "./pubDate/text()"
            updated = "./*[local-name()='updated' or local-name()='modified']/text()"
        try:
            for node in nodes:
                url = (node.xpath(link).get() or "").strip()
                if not url or not self.is_article_url(url):
                    continue
                stamp = (node.xpath(published).get() or node.xpath(updated).get() or "").strip()
                hint = DateText(text=stamp, source="feed", role="published") if stamp else None
                yield from self.follow_article(url, hint, changed=node.xpath(updated).get())
        except (etree.XMLSyntaxError, LookupError, ValueError) as exc:
            # A truncated or malformed feed: the entries before the fault are followed.
            self.crawler.stats.inc_value("c5/bad_xml")
            self.logger.warning("malformed feed %s: %s", response.url, exc)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        try:
            links = list(self.listing_links(response))
        except ExtractionError as exc:
            self.bad_listing(response, exc)
            return
        if not links:
            self.crawler.stats.inc_value("c5/listing_without_links")
        for url, when in links:
            hint = (
                DateText(text=to_iso_z(when.value), source="listing", role="published")
                if when
                else None
            )
            yield from self.follow_article(url, hint)

    def bad_listing(self, response: Response, error: ExtractionError) -> None:
        """A page routed as a listing that cannot be read (binary, empty): counted, no crash."""
        self.crawler.stats.inc_value(f"c5/bad_listing/{error}")
        self.logger.warning("unreadable listing %s: %s", response.url, error)

    def fetch_failed(self, failure: Failure) -> None:
        """A page that could not be fetched after the retries: counted and logged in one line.

        Scrapy's default would log a traceback per page; a cron mail needs the URL and why.
        Nothing is archived or marked deleted, so the next run tries the page again.
        """
        error = failure.value
        reason = f"HTTP {error.response.status}" if isinstance(error, HttpError) else type(error).__name__
        self.crawler.stats.inc_value(f"c5/failed/{reason}")
        self.logger.warning("could not fetch %s: %s", failure.request.url, reason)

    def fetched_page(self, response: Response) -> FetchedPage:
        return FetchedPage(
            url=response.url,
            status=response.status,
            html=response.body,
            fetched_at=to_iso_z(datetime.now(timezone.utc)),
        )

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        asked = response.meta.get("redirect_urls", [response.url])[0]
        key = self.canonical_url(asked)
        if response.status in (404, 410):
            yield self.deleted_item(response, key)
            return
        if response.url != asked and not self.is_article_url(response.url):
            # Sent away: to the site's "gone" page (a deletion), or to the home page or a
            # section (no article to archive, and no proof that it is gone).
            if self.is_deleted(response):
                yield self.deleted_item(response, key)
            else:
                yield ArticleItem(
                    dropped_url=key, drop_reason="redirected away from the article", source=self.name,
                    page=self.fetched_page(response),
                )
            return
        try:
            raw = self.extract_response(response)
        except ExtractionError as exc:
            if self.is_deleted(response):
                yield self.deleted_item(response, key)
            else:
                yield ArticleItem(
                    dropped_url=key, drop_reason=str(exc), source=self.name, page=self.fetched_page(response)
                )
            return
        raw["dates"] = list(raw.get("dates", [])) + response.meta.get("c5_dates", [])
        if raw.get("language") == UNKNOWN:
            # Neither the page's text nor its markup told: the server's Content-Language may.
            header = (response.headers.get("Content-Language") or b"").decode("latin-1")
            raw["language"] = language_code(header) or UNKNOWN
        yield from self.next_page_or_item(raw, self.fetched_page(response))

    def deleted_item(self, response: Response, key: str) -> ArticleItem:
        """The article at `key` is gone (HTTP 404/410, or the site's "gone" page): counted and marked."""
        self.crawler.stats.inc_value(f"c5/http/{response.status}" if response.status != 200 else "c5/deleted_page")
        return ArticleItem(deleted_url=key, page=self.fetched_page(response))

    def next_page_or_item(
        self, raw: RawArticle, page: FetchedPage, seen: tuple[str, ...] = ()
    ) -> Iterator[Any]:
        """The article, or first the request for its next page when the story goes on.

        The pages read so far travel in `cb_kwargs` and are joined in order; the
        archive keeps the first page's HTML as the revision.
        """
        next_page = raw.pop("next_page", None)
        if next_page and next_page not in seen:  # a pager pointing back ends the story
            yield scrapy.Request(
                next_page,
                callback=self.parse_next_page,
                errback=self.next_page_failed,
                cb_kwargs={"raw": raw, "page": page, "seen": (*seen, next_page)},
            )
            return
        yield ArticleItem(raw=raw, page=page)

    def parse_next_page(
        self, response: Response, raw: RawArticle, page: FetchedPage, seen: tuple[str, ...]
    ) -> Iterator[Any]:
        try:
            if response.status >= 400:
                raise ExtractionError(f"HTTP {response.status}")
            more = self.extract_response(response)
        except ExtractionError as exc:
            # The pages before it are still the article: archive them, and count the gap.
            self.crawler.stats.inc_value("c5/incomplete_article")
            self.logger.warning("next page %s unreadable (%s): archiving the pages before it", response.url, exc)
            yield ArticleItem(raw=raw, page=page)
            return
        self.crawler.stats.inc_value("c5/article_pages_joined")
        raw["paragraphs"] = raw.get("paragraphs", []) + more.get("paragraphs", [])
        raw["headings"] = raw.get("headings", []) + more.get("headings", [])
        raw["images"] = raw.get("images", []) + more.get("images", [])
        raw["next_page"] = more.get("next_page")
        yield from self.next_page_or_item(raw, page, seen)

    def next_page_failed(self, failure: Any) -> Iterator[Any]:
        """A next page that could not be fetched at all: the pages before it are archived."""
        request = failure.request
        self.crawler.stats.inc_value("c5/incomplete_article")
        self.logger.warning("next page %s failed (%s): archiving the pages before it", request.url, failure.value)
        yield ArticleItem(raw=request.cb_kwargs["raw"], page=request.cb_kwargs["page"])
