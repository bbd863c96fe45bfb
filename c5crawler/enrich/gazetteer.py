"""Name lists compiled to one regular expression each, so a text is scanned once per list."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def load_data(name: str) -> dict[str, Any]:
    """A TOML file of c5crawler/enrich/data (shipped as package data)."""
    text = resources.files("c5crawler.enrich").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Hit:
    value: str | None  # what the matched form stands for (None: a masking phrase)
    surface: str  # the text as printed
    start: int
    end: int


class Gazetteer:
    """Surface forms -> values, matched as whole words, the longest form first.

    A form whose value is None masks: it is matched (so its words are not read as a
    shorter form, "South China Sea" is not "China") and then dropped.
    """

    def __init__(self, forms: Mapping[str, str | None], ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        self.forms = {(f.lower() if ignore_case else f): v for f, v in forms.items()}
        # Regex alternation takes the first alternative that matches, so longest first.
        alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        # A letter, digit or "+" next to a form means it is part of a longer word
        # ("Turkmen" in "Turkmenistan", "US" in "USB", "C5" in "C+C5"); hyphens are
        # boundaries ("China-Pakistan" names both).
        self.pattern = re.compile(
            rf"(?<![\w.+])(?:{alternatives})(?![\w+]|\.\w)",
            re.IGNORECASE if ignore_case else 0,
        )

    def find(self, text: str) -> Iterator[Hit]:
        for match in self.pattern.finditer(text):
            surface = match.group(0)
            value = self.forms[surface.lower() if self.ignore_case else surface]
            if value is not None:
                yield Hit(value, surface, match.start(), match.end())


def forms_of(entries: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{name, aliases} entries -> surface form -> name."""
    forms: dict[str, str] = {}
    for entry in entries:
        for form in [entry["name"], *entry.get("aliases", [])]:
            forms[form] = entry["name"]
    return forms
