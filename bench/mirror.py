"""A large, realistic CGTN mirror for the crawl benchmarks, and nginx (or Python) to serve it.

Each page is the sample mirror's seed article with its own title, URL and a few
paragraphs of its own, padded to about 150 KB the way real CGTN pages are: inline
scripts (analytics, a state blob, a bundled player), a navigation menu, a footer
and "related news" lists linking to other pages of the mirror, so a link-following
spider reaches every page.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

from c5crawler.mirror import SAMPLE_MIRROR
from c5crawler.mirror import serve as python_serve

SEED_PATH = "news/2020-07-16/Wang-Yi-China-Central-Asia-cooperation-not-targeted-at-third-party-Sb0sDfUVNK"
SEED_TITLE = "Wang Yi: China-Central Asia cooperation not targeted at any third party"
PAGE_BYTES = 150_000
_WORDS = (
    "function var return window document push event data config player video news cgtn "
    "china world politics business track click load async init module export default "
    "this prototype length null undefined true false object array string number typeof"
).split()
_TEXT = (
    "Beijing Kazakhstan Uzbekistan Kyrgyzstan Tajikistan Turkmenistan cooperation trade "
    "ministers meeting pandemic economy development investment talks foreign security "
    "region partners agreement said officials week growth project railway energy"
).split()


def page_path(number: int) -> str:
    return f"news/2020-07-16/Bench-story-{number}-Zb{number:08d}"


_POOL: list[str] = []


def _pool() -> str:
    """A few hundred KB of script-like text made once; pages take slices of it."""
    if not _POOL:
        rng = random.Random(0)
        _POOL.append(";".join(f"{rng.choice(_WORDS)}{rng.randrange(1000)}()" for _ in range(60_000)))
    return _POOL[0]


def _script(rng: random.Random, size: int) -> str:
    pool = _pool()
    start = rng.randrange(len(pool) - size)
    return "<script>\n" + pool[start : start + size] + "\n</script>\n"


def _nav(rng: random.Random, links: int) -> str:
    items = "\n".join(
        f'<li><a href="https://www.cgtn.com/{_WORDS[(i * 7) % len(_WORDS)]}/{rng.randrange(10**6)}" '
        f'data-category="Nav" data-action="Nav_Click">{_TEXT[i % len(_TEXT)].title()} {i}</a></li>'
        for i in range(links)
    )
    return f'<div class="cg-menu"><ul>\n{items}\n</ul></div>\n'


def _related(number: int, ring: int) -> str:
    items = "\n".join(
        f'<li><a href="/{page_path((number + k) % ring)}/index.html">Bench story {(number + k) % ring}</a></li>'
        for k in range(1, 11)
    )
    return f'<div class="related-news"><h3>Related</h3><ul>\n{items}\n</ul></div>\n'


def render(seed: str, number: int, ring: int) -> str:
    rng = random.Random(number)
    path = page_path(number)
    page = seed.replace(SEED_PATH, path).replace(SEED_TITLE, f"Bench story {number} of the C+C5 meeting")
    own = "".join(
        "<p>" + " ".join(rng.choice(_TEXT) for _ in range(60)) + ".</p>\n" for _ in range(3)
    )
    page = page.replace("</p>", "</p>\n" + own, 1) if "</p>" in page else page
    head_pad = _script(rng, 40_000) + _script(rng, 30_000)
    body_pad = _nav(rng, 250) + _related(number, ring)
    page = page.replace("</head>", head_pad + "</head>", 1)
    page = page.replace("<body>", "<body>\n" + body_pad, 1)
    missing = PAGE_BYTES - len(page.encode())
    if missing > 0:
        page = page.replace("</body>", _script(rng, missing) + "</body>", 1)
    return page


def write_pages(root: Path, count: int, ring: int) -> None:
    """`count` pages under `root`, each linking to 10 others among the first `ring`."""
    seed = (SAMPLE_MIRROR / "cgtn" / SEED_PATH / "index.html").read_text(encoding="utf-8")
    for number in range(count):
        directory = root / page_path(number)
        if (directory / "index.html").exists():
            continue
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "index.html").write_text(render(seed, number, min(ring, count)), encoding="utf-8")


def write_sitemaps(root: Path, base: str, sizes: list[int]) -> None:
    """sitemap_N.xml lists the first N pages, for each N in `sizes`."""
    for n in sizes:
        entries = "\n".join(
            f"<url><loc>{base}/{page_path(i)}/index.html</loc><lastmod>2020-07-16T21:30:00+08:00</lastmod></url>"
            for i in range(n)
        )
        (root / f"sitemap_{n}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "\n</urlset>\n",
            encoding="utf-8",
        )


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    open_file_cache max=30000 inactive=60s;
    types {{ text/html html; application/xml xml; }}
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


@contextmanager
def serve(root: Path) -> Iterator[tuple[str, str]]:
    """Serve `root` on 127.0.0.1 with nginx when installed, else the project's Python server.

    Yields the base URL and a label naming the server used.
    """
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        with python_serve(root, substitute=False) as base:
            yield base, "Python http.server (threaded; nginx not installed)"
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = Path(tempfile.mkdtemp(prefix="c5-nginx-"))
    (work / "tmp").mkdir()
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=work, port=port, root=root))
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(work)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urlopen(f"http://127.0.0.1:{port}/sitemap_missing", timeout=1)
            except OSError as exc:
                if getattr(exc, "code", None) == 404:
                    break
            time.sleep(0.05)
        version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
        yield f"http://127.0.0.1:{port}", f"nginx {version.split('/')[-1]}, 1 worker, on 127.0.0.1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
