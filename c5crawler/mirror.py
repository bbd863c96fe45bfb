"""A static HTTP server for site mirrors: the bundled sample mirror, and saved real pages.

It serves files as a plain web server would (`Content-Type: text/html` with no
charset, like the MFA servers). The sample mirror's feeds and sitemaps name their
pages as `__MIRROR__/...`; that placeholder is replaced by the server's own base URL,
so the same files work on whatever port the server gets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

PLACEHOLDER = b"__MIRROR__"
SAMPLE_MIRROR = Path(str(files("c5crawler") / "sample_mirror"))

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
}


class MirrorHandler(SimpleHTTPRequestHandler):
    def __init__(
        self, *args: Any, substitute: bool, redirects: dict[str, str], **kwargs: Any
    ) -> None:
        self.substitute = substitute
        self.redirects = redirects
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        if self.substitute:
            base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
            body = body.replace(PLACEHOLDER, base.encode())
        self.send_response(200)
        self.send_header("Content-Type", _TYPES.get(path.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a crawl's own log says what was fetched


@contextmanager
def serve(
    root: Path, *, substitute: bool = True, redirects: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 on a free port; yields the base URL.

    `redirects` maps request paths to `Location`s answered with a 302, as a site
    does when it moves or deletes a page.
    """
    with serving(mirror_server(root, substitute=substitute, redirects=redirects)) as base:
        yield base


def mirror_server(
    root: Path, port: int = 0, *, substitute: bool = True, redirects: dict[str, str] | None = None
) -> ThreadingHTTPServer:
    """A server of `root` bound to 127.0.0.1:`port` (0: a free port), not yet serving."""
    handler = partial(
        MirrorHandler, directory=str(root), substitute=substitute, redirects=redirects or {}
    )
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[str]:
    """Run `server` (bound to 127.0.0.1) in a background thread; yields its base URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
