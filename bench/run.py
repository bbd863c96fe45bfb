"""c5crawler's benchmarks against the ceilings and peers, on this machine, in one run.

    python bench/run.py            # full: 3,000-page crawls, 20,000-page RSS crawl, 100,000-article search
    python bench/run.py --quick    # a few minutes: 1,000-page crawls, 3,000-page RSS crawl, 20,000 articles
    python bench/run.py --only crawl,extract   # some of: crawl, extract, ingest, search, rss
    python bench/run.py --only search --million   # search at 1,000,000 articles as well

Prints a table and writes bench/results.json (or --out FILE). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import archive  # noqa: E402
import extraction  # noqa: E402
import mirror  # noqa: E402

TARGETS = {
    "crawl_ratio": 0.75,
    "extract_median_ms": 2.0,
    "extract_vs_trafilatura": 5.0,
    "ingest_per_s": 2000,
    "search_p95_ms": 10.0,
    "recrawl_article_pages": 0,
    "rss_peak_mb": 300,
}


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def crawl(kind: str, start_url: str, archive_url: str, work: Path, *extra: str, recrawl: bool = False) -> dict[str, Any]:
    """One crawl in a child process, its RSS sampled every 0.5 s; Scrapy's stats and the samples."""
    out = work / f"stats-{kind}-{time.monotonic_ns()}.json"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "crawl_worker.py"), kind, start_url, archive_url, str(out), *extra],
        cwd=HERE.parent,
        stderr=subprocess.PIPE,
        text=True,
    )
    samples: list[tuple[float, float]] = []

    def sample() -> None:
        while proc.poll() is None:
            value = rss_mb(proc.pid)
            if value is not None:
                samples.append((round(time.perf_counter() - started, 1), round(value, 1)))
            time.sleep(0.5)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, stderr = proc.communicate()
    thread.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} crawl failed:\n{stderr[-3000:]}")
    stats = json.loads(out.read_text())
    if not recrawl and stats.get("downloader/response_status_count/200", 0) < 2:
        raise RuntimeError(f"{kind} crawl fetched nothing: {stats}")
    responses = stats.get("downloader/response_count", 0)
    seconds = stats.get("elapsed_time_seconds", wall)
    return {
        "pages": responses,
        "seconds": seconds,
        "wall_seconds": wall,
        "pages_per_s": responses / seconds if seconds else 0.0,
        "crawl_process_cpu_ms_per_page": 1000 * stats.get("bench/cpu_self_seconds", 0) / max(1, responses),
        "archived": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("c5/archive/")},
        "skipped_unchanged": stats.get("c5/skipped/unchanged", 0),
        "article_pages_fetched": sum(v for k, v in stats.items() if k.startswith("c5/fetch/")),
        "peak_rss_mb": max((v for _, v in samples), default=None),
        "rss_samples": samples,
    }


def rss_flatness(samples: list[tuple[float, float]]) -> dict[str, float]:
    """RSS at 25% and at the end of the crawl: flat means the second is not much above the first."""
    if len(samples) < 4:
        return {}
    quarter = samples[len(samples) // 4][1]
    last = samples[-1][1]
    return {"rss_at_25pct_mb": quarter, "rss_at_end_mb": last, "growth_mb": round(last - quarter, 1)}


def run_crawls(results: dict[str, Any], pages: int, rss_pages: int, work: Path, only: set[str]) -> None:
    root = work / "mirror"
    biggest = max(pages, rss_pages if "rss" in only else 0)
    t = time.perf_counter()
    mirror.write_pages(root, biggest, ring=pages)
    results["mirror"] = {"pages": biggest, "page_bytes": mirror.PAGE_BYTES, "generate_seconds": time.perf_counter() - t}
    with mirror.serve(root) as (base, label):
        mirror.write_sitemaps(root, base, sorted({pages, biggest}))
        results["server"] = label
        if "crawl" in only:
            sitemap = f"{base}/sitemap_{pages}.xml"
            fetch = crawl("fetch", sitemap, "", work)
            fetch_default = crawl("fetch-default", sitemap, "", work)
            bare = crawl("bare", sitemap, "", work)
            db = f"sqlite:///{work / 'crawl.sqlite3'}"
            first = crawl("c5", sitemap, db, work)
            again = crawl("c5", sitemap, db, work, recrawl=True)
            results["crawl"] = {
                "pages": pages,
                "fetch": fetch,
                "fetch_default": fetch_default,
                "bare": bare,
                "c5crawler": first,
                "ratio": first["pages_per_s"] / fetch["pages_per_s"],
                "ratio_to_bare": first["pages_per_s"] / bare["pages_per_s"],
                "ratio_to_fetch_default": first["pages_per_s"] / fetch_default["pages_per_s"],
                "recrawl": again,
            }
        if "rss" in only:
            sitemap = f"{base}/sitemap_{rss_pages}.xml"
            big = crawl("c5", sitemap, f"sqlite:///{work / 'rss.sqlite3'}", work)
            results["rss"] = {"pages": rss_pages, **big, **rss_flatness(big["rss_samples"])}


def postgres_url(work: Path) -> tuple[str | None, Path | None]:
    """C5_TEST_POSTGRES_URL, else a throw-away server from .ci/postgres when PostgreSQL is installed."""
    if os.environ.get("C5_TEST_POSTGRES_URL"):
        return os.environ["C5_TEST_POSTGRES_URL"], None
    script = HERE.parent / ".ci" / "postgres"
    if not list(Path("/usr/lib/postgresql").glob("*/bin")) if Path("/usr/lib/postgresql").is_dir() else True:
        return None, None
    cluster = work / "pg"
    done = subprocess.run(["bash", str(script), "start", str(cluster)], capture_output=True, text=True)
    if done.returncode != 0:
        return None, None
    return done.stdout.strip(), cluster


def run_ingest(results: dict[str, Any], count: int, work: Path) -> None:
    results["ingest"] = {
        "sqlite_batch_100": archive.ingest(f"sqlite:///{work / 'ingest.sqlite3'}", count, 100),
        "sqlite_one_per_transaction": archive.ingest(f"sqlite:///{work / 'ingest1.sqlite3'}", count // 4, 1),
    }
    url, cluster = postgres_url(work)
    if url is None:
        results["ingest"]["postgresql"] = "not available (set C5_TEST_POSTGRES_URL or install postgresql)"
        return
    try:
        import sqlalchemy

        name = f"c5bench_{os.getpid()}"
        admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        target = str(sqlalchemy.engine.make_url(url).set(database=name).render_as_string(hide_password=False))
        results["ingest"]["postgresql_batch_100"] = archive.ingest(target, count, 100)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name}")
        admin.dispose()
    except Exception as exc:  # a PostgreSQL figure is a bonus, never the end of the run
        results["ingest"]["postgresql"] = f"failed: {exc}"
    finally:
        if cluster is not None:
            subprocess.run(["bash", str(HERE.parent / ".ci" / "postgres"), "stop", str(cluster)], capture_output=True)


def run_search(results: dict[str, Any], count: int, work: Path, shuffled: bool) -> None:
    url = f"sqlite:///{work / f'search-{count}-{shuffled}.sqlite3'}"
    fill = archive.fill_for_search(url, count, shuffled)
    results.setdefault("search", []).append(
        {"articles": count, "order": "shuffled dates" if shuffled else "date order", "fill_seconds": fill,
         "queries": archive.search_latency(url, 10)}
    )


def fmt(value: Any, digits: int = 1) -> str:
    return f"{value:,.{digits}f}" if isinstance(value, (int, float)) else str(value)


SEARCH_TARGETS = {  # articles -> p95 targets in ms: (queries with the window, --rank-all)
    100_000: (10.0, 50.0),
    1_000_000: (30.0, None),
}


def table(results: dict[str, Any]) -> str:
    """The results as bench/README.md shows them: every figure from `results`, nothing else."""
    lines = ["| benchmark | c5crawler | peer / ceiling (same run) | target | met |", "|---|---|---|---|---|"]

    def row(name: str, ours: str, peer: str, target: str, met: bool | None) -> None:
        lines.append(f"| {name} | {ours} | {peer} | {target} | {'yes' if met else 'no' if met is not None else '–'} |")

    if "crawl" in results:
        c = results["crawl"]
        ours, fetch, bare = c["c5crawler"], c["fetch"], c["bare"]

        def rate(run: dict[str, Any]) -> str:
            return f"{fmt(run['pages_per_s'])} ({fmt(run.get('crawl_process_cpu_ms_per_page'), 2)})"

        default = (f"; the same with Scrapy's default CONCURRENT_ITEMS (100) {rate(c['fetch_default'])}: "
                   f"ratio {c['ratio_to_fetch_default']:.2f}" if "fetch_default" in c else "")
        row(f"1. crawl, {c['pages']:,} pages of ~150 KB, pages/s (CPU ms a page)", rate(ours),
            f"fetch-only Scrapy spider {rate(fetch)}: ratio {c['ratio']:.2f}{default}; "
            f"link-following spider {rate(bare)}: ratio {c['ratio_to_bare']:.2f}",
            f"≥ {TARGETS['crawl_ratio']} × fetch-only", c["ratio"] >= TARGETS["crawl_ratio"])
    for r in results.get("extract", []):
        if r["tool"] != "c5crawler":
            continue
        peers = [p for p in results["extract"] if p["pages"] == r["pages"] and p["tool"] != "c5crawler"]

        def right(p: dict[str, Any]) -> str:
            return (f"title {p['title_ok']}/{p['with_title_truth']}, day {p['date_ok']}/{p['with_date_truth']}, "
                    f"body {p['with_body']}/{p['n']}")

        peer_text = "; ".join(f"{p['tool']} {fmt(p['median_ms'], 2)} ms ({right(p)})" for p in peers)
        fast = next((p for p in peers if p["tool"] == "trafilatura fast"), None)
        speedup = fast["median_ms"] / r["median_ms"] if fast else None
        met = r["median_ms"] <= TARGETS["extract_median_ms"] and (speedup or 0) >= TARGETS["extract_vs_trafilatura"]
        row(f"2. extract + normalise, {r['pages']} ({r['n']} pages, {r['rounds']} rounds each), median ms/page",
            f"{fmt(r['median_ms'], 2)} (p95 {fmt(r['p95_ms'], 2)}; {right(r)}; "
            f"×{fmt(speedup)} trafilatura fast)",
            peer_text, f"≤ {TARGETS['extract_median_ms']:g} ms and ≥ {TARGETS['extract_vs_trafilatura']:g}× trafilatura fast",
            met)
    if "ingest" in results:
        i = results["ingest"]
        row(f"3. ingest into SQLite + FTS5, {fmt(i['sqlite_batch_100']['articles'], 0)} articles, batches of 100, "
            "articles/s (CPU ms an article)",
            f"{fmt(i['sqlite_batch_100']['per_second'], 0)} ({fmt(i['sqlite_batch_100'].get('cpu_ms_per_article'), 2)})",
            f"one per transaction {fmt(i['sqlite_one_per_transaction']['per_second'], 0)}",
            f"≥ {TARGETS['ingest_per_s']:,}/s", i["sqlite_batch_100"]["per_second"] >= TARGETS["ingest_per_s"])
        if "postgresql_batch_100" in i:
            row("3. ingest into PostgreSQL, batches of 100, articles/s", fmt(i["postgresql_batch_100"]["per_second"], 0),
                "", "(reported)", None)
    for s in results.get("search", []):
        targets = SEARCH_TARGETS.get(s["articles"], (None, None))
        for label, q in s["queries"].items():
            matches = sorted(q["matches"].values())
            target = targets[1] if label.startswith("--rank-all") else targets[0]
            row(f"4. search at {s['articles']:,} articles ({s.get('order', 'date order')}), {label}",
                f"p50 {fmt(q['p50_ms'], 2)} ms, p95 {fmt(q['p95_ms'], 2)} ms",
                f"matching articles {matches[0]:,}–{matches[-1]:,}",
                f"p95 < {target:g} ms" if target else "(reported)",
                q["p95_ms"] < target if target else None)
    if "crawl" in results:
        c = results["crawl"]
        again = c["recrawl"]
        row("5. re-crawl of the unchanged mirror: article pages downloaded",
            f"{again['article_pages_fetched']} ({again['skipped_unchanged']:,} skipped); "
            f"{fmt(again['seconds'])} s vs {fmt(c['c5crawler']['seconds'])} s first crawl",
            "", "0", again["article_pages_fetched"] == 0)
    if "rss" in results:
        r = results["rss"]
        row(f"6. peak RSS over a {r['pages']:,}-page crawl, MB", f"{fmt(r['peak_rss_mb'])} "
            f"(25%: {fmt(r.get('rss_at_25pct_mb'))}, end: {fmt(r.get('rss_at_end_mb'))}; {fmt(r['pages_per_s'])} pages/s)",
            f"fetch-only spider peak (item 1) {fmt(results.get('crawl', {}).get('fetch', {}).get('peak_rss_mb'))}",
            f"< {TARGETS['rss_peak_mb']} MB, flat", (r["peak_rss_mb"] or 1e9) < TARGETS["rss_peak_mb"])
    return "\n".join(lines)


def run_line(results: dict[str, Any]) -> str:
    """Where and how the table's figures were measured, from `results`."""
    machine = results["machine"]
    load = machine["load_average_at_start"][0], results["load_average_at_end"][0]
    parts = [f"{results['mode']} run (`{results.get('command', 'bench/run.py')}`), {results['started']}, "
             f"{results['seconds']:.0f} s", f"{machine['cpus']} CPUs", f"Python {machine['python']}",
             f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"]
    if "server" in results:
        parts.append(f"mirror served by {results['server']}")
    return "; ".join(parts) + "."


README = HERE / "README.md"
TABLE_START = "<!-- results: written by bench/run.py from results.json; do not edit by hand -->"
TABLE_END = "<!-- end of results -->"


def write_readme(results: dict[str, Any]) -> None:
    """Put the table of `results` between bench/README.md's markers."""
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(TABLE_START, 1)
    tail = rest.split(TABLE_END, 1)[1]
    README.write_text(f"{head}{TABLE_START}\n{run_line(results)}\n\n{table(results)}\n{TABLE_END}{tail}",
                      encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a few minutes")
    parser.add_argument("--only", default="crawl,extract,ingest,search,rss")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (mirror, archives)")
    parser.add_argument("--million", action="store_true", help="search at 1,000,000 articles too (5 GB, ~10 min)")
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    parser.add_argument("--table-from", type=Path, metavar="RESULTS",
                        help="measure nothing: print (and with --readme write) the table of a results file")
    args = parser.parse_args()
    if args.table_from:
        results = json.loads(args.table_from.read_text())
        print(table(results))
        if args.readme:
            write_readme(results)
        return
    only = set(args.only.split(","))
    sizes = (
        {"crawl": 1000, "rss": 3000, "ingest": 2000, "search": 20_000}
        if args.quick
        else {"crawl": 3000, "rss": 20_000, "ingest": 10_000, "search": 100_000}
    )
    work = Path(tempfile.mkdtemp(prefix="c5-bench-"))
    work.chmod(0o755)  # nginx's workers run as an unprivileged user
    started = time.perf_counter()
    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "sizes": sizes,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_at_start": os.getloadavg()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": " ".join(["bench/run.py", *sys.argv[1:]]),
    }
    try:
        if "extract" in only:
            print("extraction vs peers ...", flush=True)
            results["extract"] = extraction.run(rounds=3)
        if "ingest" in only:
            print("ingest ...", flush=True)
            run_ingest(results, sizes["ingest"], work)
        if "search" in only:
            for count in [sizes["search"], *([1_000_000] if args.million else [])]:
                for shuffled in (False, True):
                    print(f"search at {count:,} articles{', shuffled dates' if shuffled else ''} ...", flush=True)
                    run_search(results, count, work, shuffled)
        if only & {"crawl", "rss"}:
            print("crawls ...", flush=True)
            run_crawls(results, sizes["crawl"], sizes["rss"], work, only)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["seconds"] = time.perf_counter() - started
    results["load_average_at_end"] = os.getloadavg()
    args.out.write_text(json.dumps(results, indent=1, default=str))
    print()
    print(table(results))
    if args.readme:
        write_readme(results)
    print(f"\n{results['mode']} run: {results['seconds']:.0f} s; results in {args.out}")


if __name__ == "__main__":
    main()
