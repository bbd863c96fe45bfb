"""Text clean-up: one spelling of whitespace and Unicode for every paragraph.

Pages mix NBSPs, zero-width marks and runs of spaces that readers never see; they
are removed so that the body, search and the change-detection hash depend on the
words only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Zero-width characters, BOM and soft hyphen: invisible, yet they split words for search.
# (a pattern: re.sub is several times faster than str.translate with a dict on long texts)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
PARAGRAPH_SEPARATOR = "\n\n"


def clean_text(text: str | None) -> str:
    """NFC form, no invisible characters, every whitespace run (NBSP too) one space, stripped."""
    if not text:
        return ""
    return " ".join(_INVISIBLE_RE.sub("", unicodedata.normalize("NFC", text)).split())


def clean_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Each paragraph cleaned; the ones left empty dropped."""
    return [cleaned for cleaned in map(clean_text, paragraphs) if cleaned]


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Clean paragraphs joined with one blank line between them."""
    return PARAGRAPH_SEPARATOR.join(clean_paragraphs(paragraphs))


def content_hash(title: str, body: str) -> str:
    """sha256 hex of the normalised title and body, for change detection between fetches."""
    normalised = clean_text(title) + PARAGRAPH_SEPARATOR + join_paragraphs(body.split(PARAGRAPH_SEPARATOR))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
