"""The page's language: what the page declares, checked against the script of its text.

Pages declare a language in `<html lang>`, `<meta http-equiv=content-language>`,
`og:locale` or the HTTP `Content-Language` header, and the declaration is often a
template's default (Chinese pages served as `lang="en"`). The text decides when
the two disagree: a text mostly in Han characters is Chinese, a text mostly in
Latin letters is not. A declaration only picks among languages of the same
script (`fr` stays `fr` for a Latin text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# What is not a Han character (CJK Unified Ideographs and Extension A, and the
# compatibility block) and not a Latin letter: removed in runs, what is left is counted
# (a list of every letter found would cost more). An ASCII text has no Han and only
# its ASCII letters are Latin: they are counted by deleting the other bytes.
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00c0-\u024f]+")
_ASCII_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())
# Enough text to tell the script apart; reading more only costs time.
_SAMPLE = 1500
# A Han character is a word, a Latin word some five letters: counted in words, the
# larger script wins (a Chinese text still holds Latin names, acronyms and URLs).
_LETTERS_PER_WORD = 5
_HAN_LANGUAGES = frozenset({"zh", "ja"})
UNKNOWN = "und"


def language_code(declared: str | None) -> str | None:
    """`zh-CN`, `zh_CN`, `EN-us` -> `zh`, `zh`, `en`; None for empty or malformed values."""
    match = re.match(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*(?:[,;]|$)", declared or "")
    return match.group(1).lower() if match else None


def script_of(text: str) -> str | None:
    """`han` or `latin`, by the share of letters in the first few thousand characters; None without letters."""
    sample = text[:_SAMPLE]
    if sample.isascii():
        han, latin = 0, len(sample.encode("ascii").translate(None, _ASCII_NOT_LETTERS))
    else:
        han, latin = len(_NOT_HAN.sub("", sample)), len(_NOT_LATIN.sub("", sample))
    if not han and not latin:
        return None
    return "han" if han * _LETTERS_PER_WORD >= latin else "latin"


def page_language(declared: Iterable[str | None], text: str) -> str:
    """The language of a page: the first declaration that fits the script of `text`.

    `declared` in order of trust (e.g. Content-Language, `<html lang>`, meta tags).
    Without a declaration that fits, a Han text is `zh` and a Latin text `en`;
    with neither letters nor a declaration the language is `und` (undetermined).
    """
    codes = [code for code in map(language_code, declared) if code]
    script = script_of(text)
    if script is None:
        return codes[0] if codes else UNKNOWN
    for code in codes:
        if (code in _HAN_LANGUAGES) == (script == "han"):
            return code
    return "zh" if script == "han" else "en"
