"""Extraction + normalisation per page, against trafilatura and newspaper4k on the same pages.

Pages: the real Foreign Ministry transcripts in ../shared/real-pages (read in place)
and the CGTN articles of the bundled sample mirror. What each tool "got right" is
judged against c5crawler's own record (the test suite checks it against
hand-written expectations): the title (same text, whitespace and case aside), the
publication day (in Beijing time) and the body length relative to ours.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from c5crawler.extract import extract_page
from c5crawler.items import ExtractionError
from c5crawler.mirror import SAMPLE_MIRROR
from c5crawler.normalise.record import normalise_record

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "fmprc-2020-07-04" / "www.fmprc.gov.cn"
BEIJING = timezone(timedelta(hours=8))


def page_sets() -> dict[str, list[tuple[bytes, str]]]:
    sets = {}
    if REAL.is_dir():
        sets["MFA (real pages)"] = [
            (p.read_bytes(), "https://www.fmprc.gov.cn/" + p.relative_to(REAL).as_posix())
            for p in sorted(REAL.rglob("t*.shtml"))
        ]
    sets["CGTN (fixtures)"] = [
        (p.read_bytes(), "https://news.cgtn.com/" + p.relative_to(SAMPLE_MIRROR / "cgtn").as_posix())
        for p in sorted((SAMPLE_MIRROR / "cgtn" / "news").glob("*/*/index.html"))
    ]
    return sets


def ours(html: bytes, url: str) -> dict[str, Any] | None:
    try:
        record = normalise_record(extract_page(html, url))
    except ExtractionError:
        return None
    return {"title": record["title"], "date": record["published_at"], "body": record["body"]}


def trafilatura_tool() -> Callable[[bytes, str], dict[str, Any] | None] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(html: bytes, url: str) -> dict[str, Any] | None:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
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


def _day(value: Any) -> str | None:
    """The Beijing day of a date the tool gave (ISO text or a date), or None."""
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


def _same_title(a: str | None, b: str | None) -> bool:
    norm = lambda s: " ".join((s or "").split()).casefold()  # noqa: E731
    return bool(a) and norm(a) == norm(b)


def _timed(fn: Callable[[bytes, str], Any], html: bytes, url: str) -> tuple[float, Any]:
    start = time.perf_counter()
    try:
        out = fn(html, url)
    except Exception:  # a peer that fails on a page scores nothing for it
        out = None
    return (time.perf_counter() - start) * 1000, out


def run(rounds: int = 3) -> list[dict[str, Any]]:
    tools: dict[str, Any] = {"c5crawler": ours}
    for name, make in (("trafilatura bare_extraction", trafilatura_tool), ("newspaper4k", newspaper_tool)):
        tool = make()
        if tool is not None:
            tools[name] = tool
    rows = []
    for label, pages in page_sets().items():
        reference = [ours(html, url) for html, url in pages]
        for name, tool in tools.items():
            for html, url in pages[:3]:  # warm-up: imports, compiled patterns
                _timed(tool, html, url)
            times: list[float] = []
            outputs: list[Any] = []
            for round_ in range(rounds if name == "c5crawler" else 1):
                for html, url in pages:
                    ms, out = _timed(tool, html, url)
                    times.append(ms)
                    if round_ == 0:
                        outputs.append(out)
            scored = [(ref, out) for ref, out in zip(reference, outputs) if ref is not None]
            titles = sum(1 for ref, out in scored if out and _same_title(out["title"], ref["title"]))
            dates = sum(1 for ref, out in scored if out and ref["date"] and _day(out["date"]) == _day(ref["date"]))
            ratios = [len(out["body"]) / len(ref["body"]) for ref, out in scored if out and ref["body"]]
            rows.append(
                {
                    "pages": label,
                    "tool": name,
                    "n": len(pages),
                    "median_ms": statistics.median(times),
                    "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))],
                    "title_ok": titles,
                    "date_ok": dates,
                    "with_reference": len(scored),
                    "body_len_ratio_median": statistics.median(ratios) if ratios else 0.0,
                }
            )
    return rows
