"""Archive ingest (articles/s, SQLite with FTS5 and PostgreSQL) and search latency at 100,000 articles."""

from __future__ import annotations

import random
import re
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from c5crawler.archive import ArchiveStore, chinese, open_archive
from c5crawler.archive.models import Article
from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.query import is_chinese, parse
from c5crawler.archive.search import RANK_WINDOW, fts_query, search
from c5crawler.items import FetchedPage

from c5crawler.items import ExtractionError
from c5crawler.records import record_of_page
from extraction import CGTN_SET, MFA_CHINESE, MFA_SET, page_sets


def sample_records() -> list[tuple[dict[str, Any], bytes]]:
    """Real records (MFA transcripts with their turns, CGTN articles) with their HTML."""
    out = []
    sets = page_sets()
    for name in (MFA_SET, CGTN_SET):
        for page in sets.get(name, []):
            try:
                out.append((record_of_page(page.html, page.url), page.html))
            except ExtractionError:
                continue
    return out


def ingest(url: str, count: int, batch: int) -> dict[str, Any]:
    """Store `count` articles (copies of the real records under new URLs) in batches of `batch`."""
    samples = sample_records()
    store = ArchiveStore(open_archive(url))
    entries = []
    for i in range(count):
        record, html = samples[i % len(samples)]
        copy = {**record, "url": f"{record['url']}?copy={i}", "content_hash": f"{record['content_hash'][:48]}{i:016d}"}
        entries.append((copy, FetchedPage(url=copy["url"], status=200, html=html, fetched_at="2024-04-01T00:00:00Z")))
    start, cpu, writer = time.perf_counter(), time.process_time(), time.thread_time()
    for i in range(0, count, batch):
        store.save_many(entries[i : i + batch])  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    cpu_ms = 1000 * (time.process_time() - cpu) / count  # every thread's: SQLite, zlib, Python
    # The writing thread's alone: the pace's floor, and steadier than seconds on a busy machine.
    writer_ms = 1000 * (time.thread_time() - writer) / count
    store.engine.dispose()
    return {"articles": count, "batch": batch, "seconds": seconds, "per_second": count / seconds, "cpu_ms_per_article": cpu_ms,
            "writer_cpu_ms_per_article": writer_ms, "turns_per_article": statistics.mean(len(r["turns"]) for r, _ in samples)}


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_CHINESE_SENTENCE_END = re.compile(r"(?<=[。！？])\s*")
# One article in this many is a Chinese one (the Foreign Ministry's Chinese transcripts).
CHINESE_EVERY = 10


def chinese_texts() -> list[list[str]]:
    """The sentences of each real Chinese Foreign Ministry transcript (none without ../shared)."""
    texts = []
    for path in sorted(MFA_CHINESE.glob("t*.shtml")):
        try:
            record = record_of_page(path.read_bytes(), f"https://www.fmprc.gov.cn/web/wjdt_674879/fyrbt_674889/{path.name}")
        except ExtractionError:
            continue
        texts.append([s for s in _CHINESE_SENTENCE_END.split(record["body"]) if s.strip()])
    return texts


def fill_for_search(url: str, count: int, shuffled: bool = False) -> float:
    """`count` articles written from the real pages' sentences, straight into the table.

    Each is a run of 10-25 consecutive sentences of one real record (a Foreign Ministry
    transcript or a CGTN article), headed by the first 12 words of one of them: words
    and phrases keep the frequencies and neighbours they have in the real reporting.
    One in CHINESE_EVERY is Chinese, from a real Chinese transcript of the Foreign
    Ministry (headed by one of its sentences), and indexed in the Chinese index too.
    Articles are 53 minutes apart; archived in date order, or (`shuffled`) in a random
    order of their dates, as a back-fill of old years archives them.
    """
    texts = [_SENTENCE_END.split(record["body"]) for record, _ in sample_records()]
    zh_texts = chinese_texts()
    engine = open_archive(url)
    rng, zh_rng = random.Random(1), random.Random(3)
    slots = list(range(count))
    if shuffled:
        random.Random(2).shuffle(slots)
    start = time.perf_counter()
    base = datetime(2015, 1, 1, tzinfo=timezone.utc)
    chunk = 5000
    with engine.begin() as connection:
        for first in range(0, count, chunk):
            rows = []
            for i in range(first, min(count, first + chunk)):
                zh = bool(zh_texts) and i % CHINESE_EVERY == CHINESE_EVERY - 1
                sentences = (zh_rng if zh else rng).choice(zh_texts if zh else texts)
                length = (zh_rng if zh else rng).randint(10, 25)
                at = (zh_rng if zh else rng).randrange(max(1, len(sentences) - length))
                run = sentences[at : at + length]
                title = (zh_rng.choice(run)[:30] if zh else " ".join(rng.choice(run).split()[:12]))
                rows.append({
                    "url": f"https://example.org/{i}", "source": ("cgtn", "mfa", "xinhua")[i % 3],
                    "kind": "article", "title": title, "summary": None,
                    "section": ("China", "World", "Politics")[i % 3],
                    "published_at": base + timedelta(minutes=53 * slots[i]), "updated_at": None,
                    "date_raw": None, "date_source": "page", "date_precision": "minute", "body": "\n\n".join(run),
                    "headings": [], "images": [], "topics": [], "language": "zh" if zh else "en", "extractor": "bench",
                    "content_hash": f"{i:064d}", "first_seen_at": base, "last_seen_at": base,
                })
            connection.execute(insert(Article.__table__), rows)
        chinese.reindex(connection)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


QUERIES = {
    "1 word": ["china", "kazakhstan", "sanctions", "vaccine", "taiwan"],
    "2 words": ["central asia", "belt road", "press conference", "trade talks", "human rights"],
    "3 words": ["foreign ministry spokesperson", "hong kong sovereignty", "china trade tariffs", "un climate summit"],
    "phrase": ['"central asia"', '"press conference"', '"belt and road"', '"foreign ministry"'],
    "filtered + snippets": ["china", "central asia", '"press conference"', "sanctions"],
    "--rank-all, 1-3 words and a phrase": ["china", "sanctions", "central asia", "foreign ministry spokesperson",
                                           '"press conference"'],
    "Chinese, 1-3 words": ["中国", "香港", "疫情 美国", "外交部 发言人 表示"],
    "Chinese, filtered + snippets": ["中国", "香港", "疫情 美国"],
}


def search_latency(url: str, rounds: int) -> dict[str, dict[str, float]]:
    engine = open_archive(url)
    since = datetime(2018, 1, 1, tzinfo=timezone.utc)
    until = datetime(2019, 1, 1, tzinfo=timezone.utc)
    out = {}
    for label, queries in QUERIES.items():
        where = ArticleFilter(source="mfa", since=since, until=until) if "filtered" in label else None
        window = None if label.startswith("--rank-all") else RANK_WINDOW
        times: list[float] = []
        for round_ in range(rounds + 1):
            for q in queries:
                start = time.perf_counter()
                search(engine, q, where, limit=20, window=window)
                if round_:  # the first round warms the page cache
                    times.append((time.perf_counter() - start) * 1000)
        times.sort()
        out[label] = {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "n": len(times)}
        with engine.connect() as connection:  # how common each query is: the cost of ranking follows it
            index = chinese.TABLE if is_chinese(parse(queries[0])) else "articles_fts"
            count = text(f"SELECT count(*) FROM {index} WHERE {index} MATCH :q")
            out[label]["matches"] = {q: connection.execute(count, {"q": fts_query(q)}).scalar_one() for q in queries}
    engine.dispose()
    return out


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
