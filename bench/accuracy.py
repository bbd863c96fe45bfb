"""Field accuracy on the shared real pages: fields right / fields checked, per source.

    python3 bench/accuracy.py [--pages DIR] [--verbose]

Reads `manifest.jsonl` of ../shared/real-pages/news-sites (or DIR) in place. The
truth is the manifest's own text: the title, the date and the byline as a person
reads them on the page, the page's language and section. It is turned into values
here with dateutil and plain string rules, never by c5crawler's code, and each
page's record (`extract_page` + `normalise_record`) is held against it. Fields:

- title, language, section (where the manifest gives one);
- each date the date text shows ("Published: ... Updated: ..." is two), to the
  minute, in Beijing time: an "Updated" stamp is checked against `updated_at`,
  any other against `published_at`;
- authors: the byline's names; an outlet's or agency's name ("By Global Times",
  "CGTN", "By Xinhua") is no author;
- extractor: the site's own, not the generic fallback.

Prints one line per source and a total; exits 2 with one line when the pages are missing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dateutil import parser as date_parser
from dateutil import tz

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from c5crawler.extract import extract_page  # noqa: E402
from c5crawler.items import ExtractionError  # noqa: E402
from c5crawler.normalise.record import normalise_record  # noqa: E402

DEFAULT_PAGES = REPO.parent / "shared" / "real-pages" / "news-sites"
BEIJING = tz.gettz("Asia/Shanghai")
# Names that stand in a byline for an outlet or an agency, not a person.
OUTLETS = {"cgtn", "china daily", "chinadaily.com.cn", "global times", "xinhua", "新华网", "新华社", "reuters", "afp", "ap"}
_STAMP = re.compile(r"(?P<label>published|updated)?\s*:?\s*(?P<text>[^|]*?)(?=\s*(?:published|updated)\s*:|$)", re.I)


def shown_dates(line: dict[str, Any]) -> list[tuple[str, datetime]]:
    """(record field, UTC instant to the minute) for each stamp the manifest's date text shows."""
    text = line.get("alt_date_text") or line.get("date_text") or ""
    found: list[tuple[str, datetime]] = []
    for match in _STAMP.finditer(text):
        stamp = match["text"].strip()
        if not re.search(r"\d{1,2}:\d{2}", stamp):
            continue
        field = "updated_at" if (match["label"] or "").lower() == "updated" or text.lower().startswith("updated") else "published_at"
        stamp = re.sub(r"\bGMT\s*\+\s*8\b", "", stamp)  # Beijing time, the default below
        stamp = re.sub(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})", r"\1-\2-\3", stamp)
        value = date_parser.parse(stamp, default=datetime(2000, 1, 1, tzinfo=BEIJING))
        found.append((field, value.astimezone(timezone.utc).replace(second=0, microsecond=0)))
    return found


def byline_authors(byline: str) -> list[str]:
    names = re.split(r"\s*(?:,|\band\b|&|、)\s*", re.sub(r"^\s*by\s+", "", byline or "", flags=re.I).strip())
    return [name for name in names if name and name.lower() not in OUTLETS]


def checks(line: dict[str, Any], record: dict[str, Any] | None) -> list[tuple[str, bool]]:
    """(field, right?) for every field the manifest line gives a truth for."""
    get = (lambda key: record.get(key)) if record else (lambda key: None)
    results = [
        ("title", get("title") == line["title"]),
        ("language", get("language") == line["lang"]),
        ("extractor", get("extractor") == line["site"]),
        ("authors", get("authors") == byline_authors(line.get("byline", ""))),
    ]
    if line.get("section"):
        results.append(("section", get("section") == line["section"]))
    for field, truth in shown_dates(line):
        value = get(field)
        got = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc, second=0) if value else None
        results.append((field, got == truth))
    return results


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="the news-sites folder (with manifest.jsonl)")
    options.add_argument("--verbose", action="store_true", help="name every field that is wrong")
    args = options.parse_args(argv)
    manifest = args.pages / "manifest.jsonl"
    if not manifest.is_file():
        print(f"accuracy: {manifest} not found (the shared real pages are needed)", file=sys.stderr)
        return 2
    right: dict[str, int] = defaultdict(int)
    checked: dict[str, int] = defaultdict(int)
    for text in manifest.read_text(encoding="utf-8").splitlines():
        if not text.strip():
            continue
        line = json.loads(text)
        try:
            record: dict[str, Any] | None = dict(
                normalise_record(extract_page((args.pages / line["file"]).read_bytes(), line["url"]))
            )
        except ExtractionError:
            record = None  # every field of the page counts as wrong
        for field, ok in checks(line, record):
            checked[line["site"]] += 1
            right[line["site"]] += ok
            if args.verbose and not ok:
                print(f"  wrong: {line['file']} {field}")
    for site in sorted(checked):
        print(f"{site:12} {right[site]:3} / {checked[site]:3} fields right")
    print(f"{'total':12} {sum(right.values()):3} / {sum(checked.values()):3} fields right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
