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
        # Case is ignored by matching lower-cased forms in lower-cased text: a regex
        # flag would make every position slower.
        self.forms = {(f.lower() if ignore_case else f): v for f, v in forms.items()}
        # A letter, digit or "+" next to a form means it is part of a longer word
        # ("Turkmen" in "Turkmenistan", "US" in "USB", "C5" in "C+C5"); hyphens are
        # boundaries ("China-Pakistan" names both).
        self.pattern = re.compile(
            rf"(?={_first_letters(self.forms)})(?<![\w.+])(?:{_alternation(self.forms)})(?![\w+]|\.\w)"
        )

    def find(self, text: str) -> Iterator[Hit]:
        lowered = text.lower() if self.ignore_case else text
        if len(lowered) != len(text):  # a rare letter whose lower case is longer: offsets would shift
            lowered, text = text.lower(), text.lower()
        for match in self.pattern.finditer(lowered):
            value = self.forms[match.group(0)]
            if value is not None:
                yield Hit(value, text[match.start() : match.end()], match.start(), match.end())


def _first_letters(forms: Iterable[str]) -> str:
    """A character class of the forms' first letters: most positions fail this one test."""
    return "[" + "".join(sorted({re.escape(f[0]) for f in forms})) + "]"


def _alternation(forms: Iterable[str]) -> str:
    """One alternation, grouped by first letter so the engine tries few forms per position.

    A flat alternation of hundreds of names made a long transcript several times
    slower to scan than to extract. Within a group, alternation takes the first
    form that matches, so the longest comes first.
    """
    groups: dict[str, list[str]] = {}
    for form in forms:
        groups.setdefault(form[0], []).append(form[1:])
    return "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in sorted(rests, key=len, reverse=True)) + ")"
        for first, rests in groups.items()
    )


def forms_of(entries: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{name, aliases} entries -> surface form -> name."""
    forms: dict[str, str] = {}
    for entry in entries:
        for form in [entry["name"], *entry.get("aliases", [])]:
            forms[form] = entry["name"]
    return forms
