"""`c5crawler mirror serve` and the `scrapy crawl` of it, run as docs/mirror.md writes them.

The two commands are read from docs/mirror.md and run unchanged, except that when port
8000 is taken on this machine, both use a free port instead (the test says so in its
output). The crawl runs in a folder holding the project's scrapy.cfg, as "from the
project folder" means, so that `mirror.sqlite3` is written there and not in the repository.
"""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, c5, run
from tests.faultsite import query

DOC = (REPO / "docs" / "mirror.md").read_text(encoding="utf-8")
DOC_PORT = 8000


def documented(command: str) -> str:
    """The line of docs/mirror.md's shell examples that starts with `command`."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC, re.S)
    return next(line for block in blocks for line in block.splitlines() if line.startswith(command))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def as_run(line: str) -> list[str]:
    """A documented command line as argv, with this Python running it."""
    argv = shlex.split(line)
    module = {"c5crawler": "c5crawler.cli", "scrapy": "scrapy"}[argv[0]]
    return [sys.executable, "-m", module, *argv[1:]]


@pytest.fixture
def served(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[int, str]]:
    """The documented `c5crawler mirror serve`, running; its port and first line."""
    serve = documented("c5crawler mirror serve")
    port = DOC_PORT
    if port_taken(DOC_PORT):
        port = free_port()
        serve += f" --port {port}"
        with capsys.disabled():
            print(f"\nport {DOC_PORT} is taken here: serving the mirror and crawling it on port {port}")
    server = subprocess.Popen(as_run(serve), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # printed once it is listening
        assert first.startswith(f"serving the sample CGTN mirror at http://127.0.0.1:{port} "), (
            first + server.stderr.read() if server.stderr else first
        )
        yield port, first
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_documented_scrapy_crawl_of_the_served_mirror_works(served: tuple[int, str], tmp_path: Path) -> None:
    port, _ = served
    crawl = documented("scrapy crawl cgtn").replace(f":{DOC_PORT}/", f":{port}/")
    shutil.copy(REPO / "scrapy.cfg", tmp_path / "scrapy.cfg")  # the project folder
    result = run(as_run(crawl), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = documented_summary()
    assert result.stdout.split(";", 1)[1] == summary.split(";", 1)[1] + "\n", result.stdout
    db = tmp_path / "mirror.sqlite3"
    urls = {u for (u,) in query(db, "SELECT url FROM articles")}
    assert len(urls) == 5 and all(u.startswith("https://news.cgtn.com/news/") for u in urls), urls


def test_the_server_names_the_commands_that_crawl_it(served: tuple[int, str]) -> None:
    port, first = served
    assert first == f"serving the sample CGTN mirror at http://127.0.0.1:{port} until stopped (Ctrl-C); crawl it with\n"


def documented_summary() -> str:
    return re.search(r"```\n(cgtn: finished in .*?)\n```", DOC, re.S).group(1)  # type: ignore[union-attr]


def test_a_taken_port_or_a_bad_one_is_a_one_line_error() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        taken = c5("mirror", "serve", "--port", str(port))
    assert taken.returncode == 2
    assert taken.stderr == f"c5crawler: error: cannot serve on 127.0.0.1:{port}: Address already in use (--port 0 takes a free one)\n"
    bad = c5("mirror", "serve", "--port", "http")
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and "not a port" in bad.stderr
