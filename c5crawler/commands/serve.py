"""`c5crawler serve`: browse, search and chart the archive in a web browser (Datasette), read-only."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

from c5crawler.commands.options import EXIT_OK, UsageError, Verbs, archive_url


def port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {value!r}")
    return int(value)


def register(verbs: Verbs) -> None:
    serve = verbs.add("serve", "browse, search and chart the archive in a web browser (read-only)", db=True)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1: this machine only)")
    serve.add_argument("--port", type=port, default=8001, help="port to listen on (8001; 0 picks a free one)")
    serve.set_defaults(func=run)


def sqlite_file(url: str) -> Path:
    """The archive's file; the web view (Datasette) reads SQLite only."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() != "sqlite":
        raise UsageError(
            f"the web view reads SQLite archives only, not {parsed.get_backend_name()} "
            "(use search, show, export and plot on PostgreSQL; see docs/web.md)"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise UsageError("the web view needs an archive file, not an in-memory database")
    return Path(parsed.database)


def listen(host: str, number: int) -> socket.socket:
    """A socket listening on host:port, or a one-line error (port taken, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, number), family=family)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{number}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from c5crawler import web

    if missing := web.missing_modules():
        raise UsageError(f"serve needs the web extra (missing {', '.join(missing)}): pip install 'c5crawler[web]'")
    import uvicorn

    from c5crawler.archive import open_archive

    url = archive_url(args)
    path = sqlite_file(url)
    open_archive(url, create=False).dispose()  # an archive, its schema up to date
    server = listen(args.host, args.port)
    host, number = server.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"serving {path} read-only at http://{shown}:{number}/ (Ctrl-C stops)", flush=True)
    uvicorn.Server(uvicorn.Config(web.site(path).app(), log_level="warning")).run(sockets=[server])
    return EXIT_OK
