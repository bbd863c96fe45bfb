"""One worker against two (and a plain crawl), on this machine, in pages archived per second.

python bench/distributed.py [--pages 2000] [--workers 1,2]

The mirror is bench/mirror.py's realistic CGTN pages (about 150 KB each), listed in
one sitemap, served by nginx (else Python) on 127.0.0.1. Each run crawls it into a
new PostgreSQL archive: a plain crawl (one process, no Redis), then for each count
N, N workers sharing one crawl through Redis. All with the benchmark's settings (16
concurrent requests, no delay, no AutoThrottle, no robots.txt) and `C5_KEEP=all`.

pages/s is the pages archived over the time from the start until the last of them
is committed (the archive is polled every 0.2 s); the wall time to the last
process's exit, which includes the workers' wait for each other at the end, is
given beside it. Uses C5_TEST_POSTGRES_URL and C5_TEST_REDIS_URL when set, else
starts throw-away servers with .ci/postgres and .ci/redis (needs the `test` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from sqlalchemy import create_engine, text  # noqa: E402

from mirror import serve, write_pages, write_sitemaps  # noqa: E402
from tests.archives import POSTGRES_VARIABLE, REDIS_VARIABLE, fresh_postgres_database  # noqa: E402

SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "ROBOTSTXT_OBEY": "False",
    "LOG_LEVEL": "WARNING",
    "C5_KEEP": "all",
}


@contextmanager
def server(variable: str, script: str, work: Path) -> Iterator[str]:
    """The URL in `variable`, else a throw-away server started with `.ci/<script>` (and put in `variable`)."""
    if os.environ.get(variable):
        yield os.environ[variable]
        return
    folder = work / script
    started = subprocess.run(["bash", str(HERE.parent / ".ci" / script), "start", str(folder)], capture_output=True, text=True, check=True)
    os.environ[variable] = started.stdout.strip()
    try:
        yield os.environ[variable]
    finally:
        subprocess.run(["bash", str(HERE.parent / ".ci" / script), "stop", str(folder)], capture_output=True)


def archived(engine: Any) -> int:
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT to_regclass('articles') IS NOT NULL")):
            return 0
        return int(connection.scalar(text("SELECT count(*) FROM articles")))


def crawl(workers: int, start: str, archive: str, redis_url: str | None, pages: int, work: Path) -> dict[str, Any]:
    """`workers` processes crawling `start` into `archive` (plain when `redis_url` is None)."""
    settings = {**SETTINGS, "ARCHIVE_URL": archive}
    if redis_url:
        settings.update(C5_REDIS_URL=redis_url, C5_CRAWL_ID=f"bench-{uuid.uuid4().hex[:8]}")
    args = [sys.executable, "-m", "scrapy", "crawl", "cgtn", "-a", f"start_urls={start}", "-a", "since=2017-01-01"]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    engine = create_engine(archive)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    logs = [work / f"worker-{workers}-{i}.log" for i in range(workers)]
    processes = [subprocess.Popen(args, cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=log.open("wb")) for log in logs]
    all_archived = None
    while any(p.poll() is None for p in processes):
        if all_archived is None and archived(engine) >= pages:
            all_archived = time.perf_counter() - started
        time.sleep(0.2)
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    failed = [log for p, log in zip(processes, logs) if p.returncode != 0]
    if failed:
        raise RuntimeError(f"a worker failed:\n{failed[0].read_text()[-3000:]}")
    count = archived(engine)
    if count < pages:
        raise RuntimeError(f"{count} of {pages} pages archived:\n{logs[0].read_text()[-3000:]}")
    all_archived = all_archived or wall
    with engine.connect() as connection:
        per_worker = [int(n) for n in connection.scalars(text("SELECT new FROM crawl_runs ORDER BY id"))]
    engine.dispose()
    return {
        "workers": workers,
        "mode": "distributed" if redis_url else "plain",
        "archived": count,
        "seconds_to_archive_all": round(all_archived, 2),
        "pages_per_s": round(count / all_archived, 1),
        "wall_seconds": round(wall, 2),
        # The workers' CPU time, and how many cores they had on average: on a machine
        # busy with other work a second worker finds no second core to use.
        "cpu_seconds": round(cpu, 1),
        "cores_used": round(cpu / wall, 2),
        "archived_per_worker": per_worker,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, comma-separated")
    parser.add_argument("--out", type=Path, default=HERE / "results-distributed.json")
    options = parser.parse_args()
    counts = [int(n) for n in options.workers.split(",")]
    results: list[dict[str, Any]] = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="c5-bench-dist-") as folder:
        work = Path(folder)
        work.chmod(0o755)  # nginx's worker (another user) reads the mirror
        root = work / "mirror"
        write_pages(root, options.pages, ring=options.pages)
        with server(POSTGRES_VARIABLE, "postgres", work), server(REDIS_VARIABLE, "redis", work) as redis_url, serve(root) as (base, served_by):
            write_sitemaps(root, base, [options.pages])
            start = f"{base}/sitemap_{options.pages}.xml"
            for workers, redis in [(1, None), *((n, redis_url) for n in counts)]:
                with fresh_postgres_database() as archive:
                    results.append(crawl(workers, start, archive, redis, options.pages, work))
                print(json.dumps(results[-1]), flush=True)
    cores = os.cpu_count()
    report = {"pages": options.pages, "cores": cores, "load_average_before": load[0], "served_by": served_by, "runs": results}
    options.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\n{options.pages} pages, {cores} cores, served by {served_by}")
    print(f"load average before: {load[0]:.1f}, after: {os.getloadavg()[0]:.1f}")
    print("| run | pages/s | s to archive all | wall s | workers' CPU s | cores used | archived by each worker |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['mode']}, {r['workers']} worker(s) | {r['pages_per_s']} | {r['seconds_to_archive_all']} | "
            f"{r['wall_seconds']} | {r['cpu_seconds']} | {r['cores_used']} | {r['archived_per_worker']} |"
        )


if __name__ == "__main__":
    main()
