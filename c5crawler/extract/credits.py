"""Bylines that name an outlet instead of a person ("By Global Times", "Xinhua").

Papers credit wire copy and staff pieces in the byline slot; such a credit is an
agency, not an author, and is handed on as agency text.
"""

from __future__ import annotations

import re

from c5crawler.normalise.attribution import canonical_agency

_BY = re.compile(r"^\s*by\s+", re.I)


def split_byline(text: str | None) -> tuple[str | None, str | None]:
    """(byline, agency text): "By Zhang Han" -> ("Zhang Han", None); "By Global Times" -> (None, "Global Times")."""
    name = _BY.sub("", text or "").strip()
    if not name:
        return None, None
    if canonical_agency(name):
        return None, name
    return name, None
