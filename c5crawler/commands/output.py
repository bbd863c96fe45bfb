"""What the query commands share for printing: dates, highlights, formats."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

FORMATS = ("table", "json", "csv")
_HIT = re.compile(r"\[([^\[\]]*)\]")


def when(value: datetime | None, precision: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(precision) if value else "(no date)"


def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def highlight(snippet: str) -> str:
    """Hits in bold on a terminal; the `[` `]` markers stay when piped or with NO_COLOR."""
    if sys.stdout.isatty() and "NO_COLOR" not in os.environ:
        return _HIT.sub("\033[1m\\1\033[0m", snippet)
    return snippet


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    print()


def print_csv(fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def print_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Columns padded to their widest cell; numbers right-aligned."""
    cells = [[str(c) for c in header], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(isinstance(row[i], int) for row in rows) and bool(rows) for i in range(len(header))]
    for row in cells:
        print("  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric)).rstrip())
