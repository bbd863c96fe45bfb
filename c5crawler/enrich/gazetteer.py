"""Name lists matched as whole words, the longest form first; several lists in one pass over a text."""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterable, Mapping
from functools import cached_property
from importlib import resources
from typing import Any, NamedTuple

import ahocorasick_rs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Up to this many forms (case-sensitive), `Gazetteer.find` searches each with str.find.
_FEW_FORMS = 8


def load_data(name: str) -> dict[str, Any]:
    """A TOML file of c5crawler/enrich/data (shipped as package data)."""
    text = resources.files("c5crawler.enrich").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


class Hit(NamedTuple):  # a tuple: hits are made by the thousand on a long transcript
    value: str | None  # what the matched form stands for (None: a masking phrase)
    surface: str  # the text as printed
    start: int
    end: int


class Gazetteer:
    """Surface forms -> values, matched as whole words, the longest form first.

    A form whose value is None masks: it is matched (so its words are not read as a
    shorter form, "South China Sea" is not "China") and then dropped.
    """

    def __init__(self, forms: Mapping[str, str | None], ignore_case: bool = False, bounded: bool = True) -> None:
        self.ignore_case = ignore_case
        # Chinese is written without spaces: its forms are matched anywhere (bounded=False).
        self.bounded = bounded
        # Case is ignored by matching lower-cased forms in lower-cased text: the
        # automaton matches exact characters (and a regex flag slows every position).
        self.forms = {(f.lower() if ignore_case else f): v for f, v in forms.items()}

    @cached_property
    def _alone(self) -> Scanner:  # built on first use: most lists are read with others
        return Scanner(self)

    def find(self, text: str, pos: int = 0) -> list[Hit]:
        """The forms in `text` from `pos` on, in order, none overlapping another (masks dropped)."""
        if len(self.forms) <= _FEW_FORMS and not self.ignore_case and self.bounded:
            return self._find_few(text, pos)
        return self._alone.find(text, pos)[0]

    def _find_few(self, text: str, pos: int) -> list[Hit]:
        """`find` for a handful of forms (an article's surnames): str.find per form beats
        building an automaton for each article's set of forms."""
        found: list[Occurrence] = []
        for form in self.forms:
            start = text.find(form, pos)
            while start >= 0:
                end = start + len(form)
                if _bounded(text, start, end):
                    found.append((start, -end, form))
                start = text.find(form, start + 1)
        return _leftmost_longest(found, self.forms, text)


# A form found at text[start:end], as (start, -end, form): sorted, the longest form at a start comes first.
Occurrence = tuple[int, int, str]


def _bounded(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a whole word (or words)?

    A letter, digit, "_", "." or "+" before a form means it is part of a longer word,
    and so does a letter, digit, "_" or "+" after it, or a "." that goes on
    ("Turkmen" in "Turkmenistan", "US" in "USB", "C5" in "C+C5", "U.S" in "U.S.A");
    hyphens are boundaries ("China-Pakistan" names both). (Tests of single
    characters: a regex call per occurrence costs more.)
    """
    if start and (text[start - 1].isalnum() or text[start - 1] in "_.+"):
        return False
    if end < len(text):
        after = text[end]
        if after.isalnum() or after in "_+":
            return False
        if after == "." and end + 1 < len(text) and (text[end + 1].isalnum() or text[end + 1] == "_"):
            return False
    return True


def _leftmost_longest(found: list[Occurrence], forms: Mapping[str, str | None], text: str) -> list[Hit]:
    """The hits a scan from left to right keeps: at each start the longest form, none overlapping
    another; masking forms are kept out of the hits but still cover their words."""
    hits: list[Hit] = []
    free_from = 0
    for start, minus_end, form in sorted(found):
        if start < free_from:
            continue
        free_from = -minus_end
        value = forms[form]
        if value is not None:
            hits.append(Hit(value, text[start:free_from], start, free_from))
    return hits


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    """Is `position` inside one of `spans` ((start, end), sorted, none overlapping)?

    The one span it may be in is the last to start at or before it.
    """
    i = bisect.bisect_right(spans, (position, sys.maxsize)) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]


class Scanner:
    """Several gazetteers (all of one case rule) read in one pass over a text.

    Scanning a long transcript costs per character, not per form: one Aho-Corasick
    automaton of every list's forms reads each character once, and reports every
    occurrence of every form; each list then keeps, of its word-bounded occurrences,
    the longest at each start and none overlapping another, as a scan of that list
    alone would.
    """

    def __init__(self, *gazetteers: Gazetteer) -> None:
        if len({(g.ignore_case, g.bounded) for g in gazetteers}) != 1:
            raise ValueError("a scanner reads gazetteers of one case rule and one boundary rule")
        self.gazetteers = gazetteers
        self.ignore_case = gazetteers[0].ignore_case
        self.bounded = gazetteers[0].bounded
        lists: dict[str, list[int]] = {}  # form -> the lists that hold it
        for index, gazetteer in enumerate(gazetteers):
            for form in gazetteer.forms:
                lists.setdefault(form, []).append(index)
        self.forms = list(lists)
        self.lists = [tuple(indexes) for indexes in lists.values()]
        # A DFA: the fastest to run, and the lists are small enough to build it.
        self.automaton = ahocorasick_rs.AhoCorasick(self.forms, implementation=ahocorasick_rs.Implementation.DFA)

    def find(self, text: str, pos: int = 0) -> tuple[list[Hit], ...]:
        """Each gazetteer's hits in `text` from `pos` on, in the order the gazetteers were given."""
        lowered = text.lower() if self.ignore_case else text
        if len(lowered) != len(text):  # a rare letter whose lower case is longer: offsets would shift
            lowered = text = text.lower()
        found: tuple[list[Occurrence], ...] = tuple([] for _ in self.gazetteers)
        forms, lists, bounded = self.forms, self.lists, self.bounded
        for number, start, end in self.automaton.find_matches_as_indexes(lowered[pos:], overlapping=True):
            start += pos
            end += pos
            if not bounded or _bounded(lowered, start, end):
                for index in lists[number]:
                    found[index].append((start, -end, forms[number]))
        return tuple(_leftmost_longest(f, g.forms, text) for f, g in zip(found, self.gazetteers))


def forms_of(entries: Iterable[Mapping[str, Any]], key: str = "aliases") -> dict[str, str]:
    """{name, aliases} entries -> surface form -> name (`key="zh"`: the Chinese forms only)."""
    forms: dict[str, str] = {}
    for entry in entries:
        for form in ([entry["name"]] if key == "aliases" else []) + entry.get(key, []):
            forms[form] = entry["name"]
    return forms
