"""Text clean-up: one spelling of whitespace and Unicode for every paragraph.

Pages mix NBSPs, zero-width marks and runs of spaces that readers never see; they
are removed so that the body, search and the change-detection hash depend on the
words only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

# Zero-width characters, BOM and soft hyphen: invisible, yet they split words for search.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# (a pattern: re.sub is several times faster than str.translate with a dict on long texts)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# The whitespace `str.split()` splits on, the space aside (U+3000 is the last there is).
_OTHER_SPACES = "".join(char for char in map(chr, range(0x3001)) if char.isspace() and char != " ")
PARAGRAPH_SEPARATOR = "\n\n"


def clean_text(text: str | None) -> str:
    """NFC form, no invisible characters, every whitespace run (NBSP too) one space, stripped."""
    if not text:
        return ""
    if not text.isascii():  # (an O(1) test) ASCII is in NFC and holds no invisible character
        text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def clean_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Each paragraph cleaned; the ones left empty dropped."""
    texts = list(paragraphs)
    if _clean_already(texts):
        return texts
    return [cleaned for cleaned in map(clean_text, texts) if cleaned]


def collapse_spaces(paragraphs: Sequence[str]) -> Sequence[str]:
    """Each paragraph with every whitespace run one space, stripped (empty ones kept)."""
    if _single_spaced(" ".join(paragraphs)):  # each paragraph is, then
        return paragraphs
    return [" ".join(paragraph.split()) for paragraph in paragraphs]


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Clean paragraphs joined with one blank line between them."""
    return PARAGRAPH_SEPARATOR.join(clean_paragraphs(paragraphs))


def join_cleaned(paragraphs: Sequence[str]) -> str:
    """`join_paragraphs` for paragraphs that `clean_paragraphs` gave: cleaned again only if that changes them."""
    body = PARAGRAPH_SEPARATOR.join(paragraphs)
    return body if _settled(body) else join_paragraphs(paragraphs)


def content_hash(title: str, body: str, *, cleaned: bool = False) -> str:
    """sha256 hex of the normalised title and body, for change detection between fetches.

    `cleaned` says that the title is what `clean_text` gave and the body what
    `join_paragraphs` or `join_cleaned` gave: they are not cleaned again unless that changes them.
    """
    if not (cleaned and _settled(title) and _settled(body)):
        title, body = clean_text(title), join_paragraphs(body.split(PARAGRAPH_SEPARATOR))
    normalised = title + PARAGRAPH_SEPARATOR + body
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _settled(cleaned: str) -> bool:
    """True when text that `clean_text` or `join_paragraphs` gave comes out of them unchanged.

    Cleaning again changes such text only where removing an invisible character left an
    accent after a letter it composes with: the text is then not in NFC. Paragraph breaks
    never compose, so one test covers a whole body.
    """
    return unicodedata.is_normalized("NFC", cleaned)


def _clean_already(paragraphs: list[str]) -> bool:
    """True when `clean_text` leaves every paragraph as it is and empties none.

    Extractors mostly hand over clean text, and one test over the whole text costs far
    less than cleaning each paragraph: joined by spaces, the paragraphs are all clean
    when the whole is single-spaced (an empty paragraph or a space at a paragraph's end
    shows as two spaces), holds no invisible character and is in NFC (a space never
    composes with its neighbours, so the whole is in NFC when each paragraph is).
    """
    text = " ".join(paragraphs)
    return (
        all(paragraphs)
        and _single_spaced(text)
        and (
            text.isascii()
            or (not any(char in text for char in _INVISIBLE) and unicodedata.is_normalized("NFC", text))
        )
    )


def _single_spaced(text: str) -> bool:
    """True when `text` has no whitespace but single spaces between words (`" ".join(text.split()) == text`).

    Substring tests run in C at a few bytes a nanosecond; splitting into words costs as much as cleaning.
    """
    return not (
        text.startswith(" ")
        or text.endswith(" ")
        or "  " in text
        or any(space in text for space in _OTHER_SPACES)
    )
