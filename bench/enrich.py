"""CPU a page costs in the pure functions: extraction, normalisation and enrichment.

Run from the repository: `python3 bench/enrich.py [--pages N]`. Reads, each set named:
the crawl benchmark's generated CGTN pages (bench/mirror.py, ~150 KB each, made in
memory), the sample mirror's CGTN articles and, when ../shared/real-pages is there,
the real Foreign Ministry transcripts, English and Chinese apart. Each stage is timed
warm, in one thread, with the process's CPU time over the whole set (the best of
three rounds, so another program's load counts as little as it can); enrichment is
also timed page by page, in CPU time too, for its median and 95th percentile.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mirror import SEED_PATH, render  # noqa: E402  (bench/mirror.py, beside this file)

from c5crawler.enrich import enrich_record  # noqa: E402
from c5crawler.extract import extract_page  # noqa: E402
from c5crawler.extract.html import parse_html  # noqa: E402
from c5crawler.items import ArticleRecord, ExtractionError, RawArticle  # noqa: E402
from c5crawler.mirror import SAMPLE_MIRROR  # noqa: E402
from c5crawler.normalise.record import normalise_record  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "fmprc-2020-07-04" / "www.fmprc.gov.cn"
MFA_ENGLISH = "mfa_eng/xwfw_665399/s2510_665401"
MFA_CHINESE = "web/wjdt_674879/fyrbt_674889"
ROUNDS = 3
T = TypeVar("T")
Page = tuple[bytes, str]


def page_sets(generated: int) -> dict[str, list[Page]]:
    seed = (SAMPLE_MIRROR / "cgtn" / SEED_PATH / "index.html").read_text(encoding="utf-8")
    sets = {
        f"generated CGTN (bench/mirror.py), {generated}": [
            (render(seed, number, generated).encode(), f"https://news.cgtn.com/news/bench/{number}/index.html")
            for number in range(generated)
        ],
        "sample mirror (CGTN)": [
            (p.read_bytes(), "https://news.cgtn.com/" + p.relative_to(SAMPLE_MIRROR / "cgtn").as_posix())
            for p in sorted((SAMPLE_MIRROR / "cgtn" / "news").glob("*/*/index.html"))
        ],
    }
    for label, section in (("real MFA transcripts, English", MFA_ENGLISH), ("real MFA transcripts, Chinese", MFA_CHINESE)):
        if (REAL / section).is_dir():
            sets[label] = [
                (p.read_bytes(), "https://www.fmprc.gov.cn/" + p.relative_to(REAL).as_posix())
                for p in sorted((REAL / section).rglob("t*.shtml"))
            ]
    return sets


def cpu_ms(fn: Callable[[T], object], items: list[T]) -> float:
    """CPU ms an item of `fn` over all `items`, the best of ROUNDS rounds."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.process_time()
        for item in items:
            fn(item)
        best = min(best, (time.process_time() - start) * 1000 / len(items))
    return best


def per_item_ms(fn: Callable[[T], object], items: Iterable[T]) -> list[float]:
    """CPU ms of `fn` on each item (CPU time: a wall clock counts the other programs' turns too)."""
    times = []
    for item in items:
        start = time.process_time()
        fn(item)
        times.append((time.process_time() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="generated CGTN pages (default 300)")
    args = parser.parse_args()
    print(f"{'pages':<38} {'n':>4}  {'parse':>6} {'extract':>7} {'normalise':>9} {'enrich':>6}"
          f"  {'enrich median':>13} {'p95':>6}   (CPU ms a page)")
    for label, pages in page_sets(args.pages).items():
        raws: list[RawArticle] = []
        kept: list[Page] = []
        for html, url in pages:
            try:
                raws.append(extract_page(html, url))
                kept.append((html, url))
            except ExtractionError:
                continue
        records: list[ArticleRecord] = [normalise_record(raw) for raw in raws]
        for record in records[:3]:  # the gazetteers are built on first use: not timed
            enrich_record(record)
        parse = cpu_ms(lambda page: parse_html(page[0]), kept)
        extract = cpu_ms(lambda page: extract_page(*page), kept)
        normalise = cpu_ms(normalise_record, raws)
        enrich = cpu_ms(enrich_record, records)
        each = [t for _ in range(ROUNDS) for t in per_item_ms(enrich_record, records)]
        print(f"{label:<38} {len(records):>4}  {parse:>6.2f} {extract:>7.2f} {normalise:>9.2f} {enrich:>6.2f}"
              f"  {statistics.median(each):>13.2f} {p95(each):>6.2f}")


if __name__ == "__main__":
    main()
