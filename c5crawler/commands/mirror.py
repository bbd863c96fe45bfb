"""`c5crawler mirror serve`: the bundled sample CGTN mirror on 127.0.0.1, to crawl without the internet."""

from __future__ import annotations

import argparse

from c5crawler.commands.options import UsageError, Verbs

DEFAULT_PORT = 8000


def register(verbs: Verbs) -> None:
    mirror = verbs.add("mirror", "the bundled sample CGTN mirror, served on 127.0.0.1 to crawl without the internet")
    actions = mirror.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=type(mirror), help="serve"
    )
    serve = actions.add_parser(
        "serve", help="serve the sample mirror until stopped (Ctrl-C)",
        description="serve the bundled sample CGTN mirror on 127.0.0.1 until stopped (Ctrl-C), its feeds"
        " and sitemaps naming this address; it prints the commands that crawl it",
    )
    serve.add_argument("--port", type=port, default=DEFAULT_PORT, help=f"the port (default {DEFAULT_PORT}; 0: any free one)")
    serve.set_defaults(func=run_serve)


def port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"not a port (0-65535): {value!r}")
    return int(value)


def run_serve(args: argparse.Namespace) -> int:
    from c5crawler.mirror import SAMPLE_MIRROR, mirror_server

    try:
        server = mirror_server(SAMPLE_MIRROR / "cgtn", args.port)
    except OSError as exc:
        raise UsageError(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror} (--port 0 takes a free one)") from None
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"serving the sample CGTN mirror at {base} until stopped (Ctrl-C); crawl it with", flush=True)
    print(f"  c5crawler crawl cgtn --start-urls {base}/robots.txt --db mirror.sqlite3")
    print(f"  scrapy crawl cgtn -a start_urls={base}/robots.txt -s ARCHIVE_URL=sqlite:///mirror.sqlite3  (in the project folder)", flush=True)
    with server:
        server.serve_forever()
    return 0
