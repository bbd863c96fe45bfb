"""A fault-injecting HTTP server on 127.0.0.1 for the fault tests and the soak test.

Like Scrapy's own mock server, each path can be given a behaviour: a status with
headers, a slow answer, a connection reset mid-body, a truncated body, a redirect,
raw bytes. Paths without one are served from a mirror folder (with `__MIRROR__`
replaced by the server's address, as c5crawler.mirror does), optionally with a
share of random faults for the soak test. The server also answers requests sent to
it as an HTTP proxy (`GET http://www.cgtn.com/... HTTP/1.1`), so a crawl can be made
to believe it reads a public site while every byte stays on 127.0.0.1.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from c5crawler.mirror import PLACEHOLDER, serving

Behaviour = Callable[["FaultHandler"], None]


# -- behaviours ----------------------------------------------------------------------------
def answer(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> Behaviour:
    """A complete, well-formed response."""

    def behave(handler: FaultHandler) -> None:
        handler.send_response(status)
        for name, value in {"Content-Type": "text/html", **(headers or {})}.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return behave


def slow(seconds: float, then: Behaviour) -> Behaviour:
    """Wait before answering (past the crawl's DOWNLOAD_TIMEOUT, the crawl gives up first)."""

    def behave(handler: FaultHandler) -> None:
        time.sleep(seconds)
        then(handler)

    return behave


def send_half(handler: FaultHandler, body: bytes) -> None:
    """A 200 whose Content-Length promises `body`, and only its first half."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])


def reset_mid_body(body: bytes = b"<html>" + b"x" * 4000) -> Behaviour:
    """Headers and half the body, then a TCP reset (SO_LINGER 0), as the MFA servers do."""

    def behave(handler: FaultHandler) -> None:
        send_half(handler, body)
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()

    return behave


def truncated(body: bytes = b"<html>" + b"x" * 4000) -> Behaviour:
    """A Content-Length promising more than is sent before an orderly close."""

    def behave(handler: FaultHandler) -> None:
        send_half(handler, body)
        handler.close_connection = True

    return behave


def mirror_file(handler: FaultHandler) -> None:
    """The mirror's file at the request's path, as a plain web server serves it; else 404."""
    root = handler.plan.mirror
    path = urlsplit(handler.path).path.lstrip("/")
    file = (root / path) if root and ".." not in path else None
    if file is not None and file.is_dir():
        file = file / "index.html"
    if file is None or not file.is_file():
        answer(404, b"<html><body>Not found</body></html>")(handler)
        return
    host, port = handler.server.server_address[:2]
    body = file.read_bytes().replace(PLACEHOLDER, f"http://{host}:{port}".encode())
    kind = {".xml": "application/xml", ".txt": "text/plain"}.get(file.suffix, "text/html")
    answer(200, body, {"Content-Type": kind})(handler)


def redirect(location: str, status: int = 302) -> Behaviour:
    return answer(status, headers={"Location": location})


def failing(times: int, fault: Behaviour, then: Behaviour) -> Behaviour:
    """`fault` for the first `times` requests, then `then`: a transient failure."""
    lock, seen = threading.Lock(), [0]

    def behave(handler: FaultHandler) -> None:
        with lock:
            seen[0] += 1
            current = seen[0]
        (fault if current <= times else then)(handler)

    return behave


# -- the server -----------------------------------------------------------------------------
@dataclass
class FaultPlan:
    routes: dict[str, Behaviour] = field(default_factory=dict)
    mirror: Path | None = None
    fault_rate: float = 0.0  # share of mirror requests given a random fault (soak test)
    seed: int = 0
    requests: list[str] = field(default_factory=list)  # every URL asked, in order
    faults: Counter[str] = field(default_factory=Counter)  # random faults injected, by kind
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)


# Random faults of the soak test: each is transient, so a retry or a later run succeeds.
RANDOM_FAULTS: dict[str, Behaviour] = {
    "500": answer(500, b"oops"),
    "503 Retry-After": answer(503, b"busy", {"Retry-After": "0"}),
    "429 Retry-After": answer(429, b"slow down", {"Retry-After": "0"}),
    "reset": reset_mid_body(),
    "truncated": truncated(),
}


class FaultHandler(BaseHTTPRequestHandler):
    plan: FaultPlan
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)  # an absolute URL when we are used as a proxy
        path = parts.path or "/"
        host = parts.hostname or "127.0.0.1"
        with self.plan.lock:
            self.plan.requests.append(f"http://{host}{path}" if parts.hostname else path)
            behaviour = self.plan.routes.get(path)
            if behaviour is None and self.plan.fault_rate and self.plan.random.random() < self.plan.fault_rate:
                kind = self.plan.random.choice(sorted(RANDOM_FAULTS))
                self.plan.faults[kind] += 1
                behaviour = RANDOM_FAULTS[kind]
        try:
            (behaviour or mirror_file)(self)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the crawl hung up first (a timeout, a size limit): nothing to do

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # slow handlers must not hold the test up at shutdown
    request_queue_size = 128


@contextmanager
def fault_server(plan: FaultPlan) -> Iterator[str]:
    """Serve `plan` on 127.0.0.1 on a free port; yields the base URL."""
    handler = type("PlannedHandler", (FaultHandler,), {"plan": plan})
    with serving(_Server(("127.0.0.1", 0), handler)) as base:
        yield base


def refused_url() -> str:
    """A 127.0.0.1 URL on a port nobody listens on: connection refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
