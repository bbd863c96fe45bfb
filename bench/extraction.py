"""Extraction + normalisation per page, against trafilatura and newspaper4k on the same pages.

Every tool runs the same rounds over the same pages, and every tool, c5crawler
included, is judged against truth that none of them produced:

- MFA English transcripts (real pages, `mfa_eng/` of the shared Foreign Ministry
  cache; not its Chinese pages): the title is the page's `<title>`, and the
  publication day is the date that title ends with ("... Press Conference on July
  3, 2020"), read by the small rule below. Titles without a year give no day.
- News sites (real pages): the title and the date text a person read on each page,
  from `../shared/real-pages/news-sites/manifest.jsonl` (CGTN, China Daily, Xinhua).
- CGTN (sample mirror fixtures): the `<news:title>` and `<news:publication_date>`
  the sample mirror's sitemaps give for each page, written with the pages.

A title is right when it is the same text, whitespace, case and apostrophe style
aside; a day is right when it is the same calendar day in the site's time zone
(Beijing). Body lengths are reported, not judged: there is no hand-checked body.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from c5crawler.extract import extract_page
from c5crawler.items import ExtractionError
from c5crawler.mirror import SAMPLE_MIRROR
from c5crawler.normalise.record import normalise_record

SHARED = Path(__file__).resolve().parents[2] / "shared" / "real-pages"
MFA_ROOT = SHARED / "fmprc-2020-07-04" / "www.fmprc.gov.cn"
MFA_ENGLISH = MFA_ROOT / "mfa_eng" / "xwfw_665399" / "s2510_665401"
MFA_CHINESE = MFA_ROOT / "web" / "wjdt_674879" / "fyrbt_674889"  # the search corpus's Chinese articles
NEWS_SITES = SHARED / "news-sites"
BEIJING = timezone(timedelta(hours=8))
MFA_SET = "MFA English transcripts (real pages)"
NEWS_SET = "news sites (real pages, manifest)"
CGTN_SET = "CGTN (sample mirror fixtures)"


@dataclass
class Page:
    html: bytes
    url: str
    title: str | None  # the true title, when known
    day: str | None  # the true publication day (YYYY-MM-DD, Beijing), when known


_MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_TITLE_DATE = re.compile(r"\bon ([A-Z][a-z]+) ?(\d{1,2}), (\d{4})\s*$")
_NUMERIC_DATE = re.compile(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})")
_TITLE_TAG = re.compile(rb"<title[^>]*>(.*?)</title>", re.S | re.I)


def _clean(text: str) -> str:
    return " ".join(htmllib.unescape(text).split())


def title_day(title: str) -> str | None:
    """The day a Foreign Ministry title ends with: "... on July 3, 2020" -> 2020-07-03."""
    found = _TITLE_DATE.search(title)
    if not found or found.group(1) not in _MONTHS:
        return None
    return f"{int(found.group(3)):04d}-{_MONTHS[found.group(1)]:02d}-{int(found.group(2)):02d}"


def numeric_day(text: str) -> str | None:
    """The first year-month-day of a date text: "Updated: 2024-05-13 09:08", "2023 11/ 17" -> the day."""
    found = _NUMERIC_DATE.search(text)
    return f"{found.group(1)}-{int(found.group(2)):02d}-{int(found.group(3)):02d}" if found else None


def mfa_pages() -> list[Page]:
    pages = []
    for path in sorted(MFA_ENGLISH.rglob("t*.shtml")):
        html = path.read_bytes()
        tag = _TITLE_TAG.search(html)
        title = _clean(tag.group(1).decode("utf-8", "replace")) if tag else None
        url = "https://www.fmprc.gov.cn/" + path.relative_to(MFA_ROOT).as_posix()
        pages.append(Page(html, url, title, title_day(title) if title else None))
    return pages


def news_site_pages() -> list[Page]:
    pages = []
    for line in (NEWS_SITES / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        html = (NEWS_SITES / entry["file"]).read_bytes()
        pages.append(Page(html, entry["url"], _clean(entry["title"]), numeric_day(entry["date_text"])))
    return pages


_SITEMAP_URL = re.compile(r"<url>(.*?)</url>", re.S)
_BROKEN_FIXTURE = "Broken-page"  # the sample mirror's page without a title, there to be refused


def cgtn_fixture_pages() -> list[Page]:
    root = SAMPLE_MIRROR / "cgtn"
    truth: dict[str, tuple[str, str]] = {}
    for sitemap in root.glob("sitemap*.xml"):
        for entry in _SITEMAP_URL.findall(sitemap.read_text(encoding="utf-8")):
            loc = re.search(r"<loc>__MIRROR__/(.*?)</loc>", entry)
            title = re.search(r"<news:title>(.*?)</news:title>", entry)
            day = re.search(r"<news:publication_date>(\d{4}-\d\d-\d\d)", entry)
            if loc and title and day and _BROKEN_FIXTURE not in loc.group(1):
                truth[loc.group(1)] = (_clean(title.group(1)), day.group(1))
    pages = []
    for path in sorted((root / "news").glob("*/*/index.html")):
        relative = path.relative_to(root).as_posix()
        title, day = truth.get(relative, (None, None))
        pages.append(Page(path.read_bytes(), "https://news.cgtn.com/" + relative, title, day))
    return pages


def page_sets() -> dict[str, list[Page]]:
    """The pages each set names; the real pages only where ../shared is present."""
    sets = {}
    if MFA_ENGLISH.is_dir():
        sets[MFA_SET] = mfa_pages()
    if (NEWS_SITES / "manifest.jsonl").is_file():
        sets[NEWS_SET] = news_site_pages()
    sets[CGTN_SET] = cgtn_fixture_pages()
    return sets


def ours(html: bytes, url: str) -> dict[str, Any] | None:
    try:
        record = normalise_record(extract_page(html, url))
    except ExtractionError:
        return None
    return {"title": record["title"], "date": record["published_at"], "body": record["body"]}


def trafilatura_tool(fast: bool) -> Callable[[bytes, str], dict[str, Any] | None] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(html: bytes, url: str) -> dict[str, Any] | None:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, fast=fast)
        if doc is None:
            return None
        get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
        return {"title": get("title"), "date": get("date"), "body": get("text") or ""}

    return run


def newspaper_tool() -> Callable[[bytes, str], dict[str, Any] | None] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import newspaper
    except ImportError:
        return None

    def run(html: bytes, url: str) -> dict[str, Any] | None:
        article = newspaper.Article(url, fetch_images=False)
        article.download(input_html=html.decode("utf-8", "replace"))
        article.parse()
        date = article.publish_date
        return {"title": article.title, "date": date.isoformat() if date else None, "body": article.text or ""}

    return run


def tools() -> dict[str, Callable[[bytes, str], dict[str, Any] | None]]:
    found: dict[str, Callable[[bytes, str], dict[str, Any] | None] | None] = {
        "c5crawler": ours,
        "trafilatura fast": trafilatura_tool(fast=True),
        "trafilatura default": trafilatura_tool(fast=False),
        "newspaper4k": newspaper_tool(),
    }
    return {name: tool for name, tool in found.items() if tool is not None}


def _day(value: Any) -> str | None:
    """The Beijing day of a date a tool gave (ISO text or a date), or None."""
    if not value:
        return None
    text = str(value).replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text[:10]
    if when.tzinfo is None:
        return when.date().isoformat()  # a day or a local time: taken as the site's own
    return when.astimezone(BEIJING).date().isoformat()


def _norm_title(text: str | None) -> str:
    return " ".join((text or "").replace("\u2019", "'").split()).casefold()


def _timed(fn: Callable[[bytes, str], Any], html: bytes, url: str) -> tuple[float, Any]:
    start = time.perf_counter()
    try:
        out = fn(html, url)
    except Exception:  # a tool that fails on a page scores nothing for it
        out = None
    return (time.perf_counter() - start) * 1000, out


def run(rounds: int = 3) -> list[dict[str, Any]]:
    """Every tool, `rounds` rounds over every page set; times and what each got right."""
    rows = []
    for label, pages in page_sets().items():
        for name, tool in tools().items():
            for page in pages[:3]:  # warm-up: imports, compiled patterns
                _timed(tool, page.html, page.url)
            times: list[float] = []
            outputs: list[Any] = []
            for round_ in range(rounds):
                for page in pages:
                    ms, out = _timed(tool, page.html, page.url)
                    times.append(ms)
                    if round_ == 0:
                        outputs.append(out)
            titled = [(p, out) for p, out in zip(pages, outputs) if p.title]
            dated = [(p, out) for p, out in zip(pages, outputs) if p.day]
            bodies = [len(out["body"]) for out in outputs if out and out["body"]]
            rows.append(
                {
                    "pages": label,
                    "tool": name,
                    "n": len(pages),
                    "rounds": rounds,
                    "median_ms": statistics.median(times),
                    "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))],
                    "title_ok": sum(1 for p, out in titled if out and _norm_title(out["title"]) == _norm_title(p.title)),
                    "with_title_truth": len(titled),
                    "date_ok": sum(1 for p, out in dated if out and _day(out["date"]) == p.day),
                    "with_date_truth": len(dated),
                    "with_body": len(bodies),
                    "body_chars_median": statistics.median(bodies) if bodies else 0,
                }
            )
    return rows
