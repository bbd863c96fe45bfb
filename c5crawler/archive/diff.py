"""What changed between two versions of an article: `c5crawler show --diff` and the web view's revisions."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any


def record_lines(record: dict[str, Any]) -> list[str]:
    """The title, summary and body of a version, as lines to compare."""
    return [record.get("title") or "", "", *(record.get("summary") or "").splitlines(), "", *record.get("body", "").splitlines()]


def record_diff(old: dict[str, Any], new: dict[str, Any], old_name: str, new_name: str) -> Iterator[str]:
    """A unified diff of two versions' text, headed by their names."""
    return difflib.unified_diff(record_lines(old), record_lines(new), old_name, new_name, lineterm="")
