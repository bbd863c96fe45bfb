"""How long enrichment takes per article, next to extraction + normalisation.

Run from the repository: `python bench/enrich.py`. Reads the sample mirror's
articles and, when ../shared/real-pages is there, the real MFA transcripts.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from c5crawler.enrich import enrich_record  # noqa: E402
from c5crawler.extract import extract_page  # noqa: E402
from c5crawler.items import ArticleRecord, ExtractionError  # noqa: E402
from c5crawler.mirror import SAMPLE_MIRROR  # noqa: E402
from c5crawler.normalise.record import normalise_record  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "fmprc-2020-07-04" / "www.fmprc.gov.cn"
ROUNDS = 5


def pages() -> dict[str, list[tuple[bytes, str]]]:
    sets = {
        "sample mirror (CGTN)": [
            (p.read_bytes(), "https://news.cgtn.com/" + p.relative_to(SAMPLE_MIRROR / "cgtn").as_posix())
            for p in sorted((SAMPLE_MIRROR / "cgtn" / "news").glob("*/*/index.html"))
        ]
    }
    if REAL.is_dir():
        sets["real MFA transcripts"] = [
            (p.read_bytes(), "https://www.fmprc.gov.cn/" + p.relative_to(REAL).as_posix())
            for p in sorted(REAL.rglob("t*.shtml"))
        ]
    return sets


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    print(f"{'pages':<22} {'n':>4}  {'extract+normalise ms':>21}  {'enrich ms':>16}  share")
    print(f"{'':<22} {'':>4}  {'median':>10} {'p95':>10}  {'median':>7} {'p95':>8}")
    for label, items in pages().items():
        records: list[ArticleRecord] = []
        for html, url in items:
            try:
                records.append(normalise_record(extract_page(html, url)))
            except ExtractionError:
                continue
        enrich_record(records[0])  # the gazetteers compile on first use: not timed
        extract_ms: list[float] = []
        enrich_ms: list[float] = []
        for _ in range(ROUNDS):
            for html, url in items:
                try:
                    extract_ms.append(timed(lambda: normalise_record(extract_page(html, url))))
                except ExtractionError:
                    continue
            enrich_ms.extend(timed(lambda: enrich_record(r)) for r in records)
        share = statistics.median(enrich_ms) / statistics.median(extract_ms)
        print(
            f"{label:<22} {len(records):>4}  {statistics.median(extract_ms):>10.2f} {p95(extract_ms):>10.2f}"
            f"  {statistics.median(enrich_ms):>7.2f} {p95(enrich_ms):>8.2f}  {share:.0%}"
        )


if __name__ == "__main__":
    main()
