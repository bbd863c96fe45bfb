"""Name lists matched as whole words, the longest form first; several lists in one pass over a text."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from functools import cached_property
from importlib import resources
from typing import Any, NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# A letter, digit, "." or "+" before a form means it is part of a longer word, and so
# does a letter, digit or "+" after it, or a "." that goes on ("Turkmen" in
# "Turkmenistan", "US" in "USB", "C5" in "C+C5", "U.S" in "U.S.A"); hyphens are
# boundaries ("China-Pakistan" names both).
_WORD_BEFORE = r"(?<![\w.+])"
_WORD_AFTER = r"(?![\w+]|\.\w)"
# The same tests, matched at the character before a form and at its end.
_BEFORE_FORM = re.compile(r"[\w.+]")
_AFTER_FORM = re.compile(r"[\w+]|\.\w")
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
        # Case is ignored by matching lower-cased forms in lower-cased text: a regex
        # flag would make every position slower.
        self.forms = {(f.lower() if ignore_case else f): v for f, v in forms.items()}

    @cached_property
    def _alone(self) -> Scanner:  # compiled on first use: most lists are read with others
        return Scanner(self)

    def find(self, text: str, pos: int = 0) -> list[Hit]:
        """The forms in `text` from `pos` on, in order, none overlapping another (masks dropped)."""
        if len(self.forms) <= _FEW_FORMS and not self.ignore_case and self.bounded:
            return self._find_few(text, pos)
        return self._alone.find(text, pos)[0]

    def _find_few(self, text: str, pos: int) -> list[Hit]:
        """`find` for a handful of forms (an article's surnames): str.find per form beats a regex
        that tries every position of a long text."""
        found: list[tuple[int, int, str]] = []
        for form in self.forms:
            start = text.find(form, pos)
            while start >= 0:
                end = start + len(form)
                if not (start and _BEFORE_FORM.match(text, start - 1)) and not _AFTER_FORM.match(text, end):
                    found.append((start, -end, form))
                start = text.find(form, start + 1)
        hits: list[Hit] = []
        free_from = 0
        for start, minus_end, form in sorted(found):  # at each start the longest form first
            if start < free_from:
                continue
            free_from = -minus_end
            value = self.forms[form]
            if value is not None:
                hits.append(Hit(value, form, start, -minus_end))
        return hits


class Scanner:
    """Several gazetteers (all of one case rule) read in one pass over a text.

    Scanning a long transcript costs per character, not per form: one pattern for
    all the lists reads each character once instead of once per list. At each word
    start it captures every list's longest form there; each list then keeps its
    non-overlapping hits, as a scan of that list alone would.
    """

    def __init__(self, *gazetteers: Gazetteer) -> None:
        if len({(g.ignore_case, g.bounded) for g in gazetteers}) != 1:
            raise ValueError("a scanner reads gazetteers of one case rule and one boundary rule")
        self.gazetteers = gazetteers
        self.ignore_case = gazetteers[0].ignore_case
        before, after = (_WORD_BEFORE, _WORD_AFTER) if gazetteers[0].bounded else ("", "")
        every = [form for g in gazetteers for form in g.forms]
        # Cheapest test first: most positions fail the first-letter class, most of
        # the rest the word start; only then are the lists tried (one list: once).
        lists = (
            f"(?=({_trie(every)}){after})"
            if len(gazetteers) == 1
            else f"(?={_trie(every)}{after})"
            + "".join(f"(?=(?:({_trie(g.forms)}){after})?)" for g in gazetteers)
        )
        # No forms at all: a pattern that never matches.
        self.pattern = re.compile(_first_letters(every) + before + lists if every else "(?!)")

    def find(self, text: str, pos: int = 0) -> tuple[list[Hit], ...]:
        """Each gazetteer's hits in `text` from `pos` on, in the order the gazetteers were given."""
        lowered = text.lower() if self.ignore_case else text
        if len(lowered) != len(text):  # a rare letter whose lower case is longer: offsets would shift
            lowered = text = text.lower()
        if len(self.gazetteers) == 1:
            return (self._find_one(text, lowered, pos),)
        hits: tuple[list[Hit], ...] = tuple([] for _ in self.gazetteers)
        free_from = [0] * len(self.gazetteers)  # where each list's next hit may start
        for match in self.pattern.finditer(lowered, pos):
            start = match.start()  # every list's form starts here (or is None)
            for index, form in enumerate(match.groups()):
                if form is None or start < free_from[index]:  # inside the list's last hit
                    continue
                end = free_from[index] = start + len(form)
                value = self.gazetteers[index].forms[form]
                if value is not None:
                    hits[index].append(Hit(value, text[start:end], start, end))
        return hits

    def _find_one(self, text: str, lowered: str, pos: int) -> list[Hit]:
        """`find` for a scanner of one list: the same hits, with less work per match."""
        forms = self.gazetteers[0].forms
        hits: list[Hit] = []
        free_from = 0
        for match in self.pattern.finditer(lowered, pos):
            start = match.start()
            if start < free_from:
                continue
            form = match.group(1)
            end = free_from = start + len(form)
            value = forms[form]
            if value is not None:
                hits.append(Hit(value, text[start:end], start, end))
        return hits


def _first_letters(forms: Iterable[str]) -> str:
    """A lookahead for the forms' first letters: most positions fail this one test."""
    return "(?=[" + "".join(sorted({re.escape(f[0]) for f in forms})) + "])"


def _trie(forms: Iterable[str]) -> str:
    """One alternation of the forms, nested by shared prefix, a longer form before its prefix.

    Nesting lets the engine try one branch per letter instead of every form; trying
    the longer continuation first (and backtracking to a shorter one when the text
    goes on as a word) makes the match the longest form that ends at a word boundary.
    """
    root: dict[str, Any] = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}  # a form ends here
    return _node_pattern(root)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _node_pattern(child) for char, child in node.items() if char]
    if "" in node and branches:
        branches.append("")  # the form ending here, tried last
    if len(branches) <= 1:
        return "".join(branches)
    return "(?:" + "|".join(branches) + ")"


def forms_of(entries: Iterable[Mapping[str, Any]], key: str = "aliases") -> dict[str, str]:
    """{name, aliases} entries -> surface form -> name (`key="zh"`: the Chinese forms only)."""
    forms: dict[str, str] = {}
    for entry in entries:
        for form in ([entry["name"]] if key == "aliases" else []) + entry.get(key, []):
            forms[form] = entry["name"]
    return forms
