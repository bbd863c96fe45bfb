"""Who said what: direct quotes and reported statements, each with its speaker.

Rules (docs/record.md, "Mentions, quotes and relevance", explains them to users):

- A direct quote is text in quotation marks (straight or curly) with a speech verb
  next to it in the same sentence: `"...," Wang said`, `said Wang`, `Wang said: "..."`.
  `"...," Wang said, "..."` is one quote. Quoted words with no speech verb next to
  them (scare quotes, names of plans) are not quotes.
- A reported statement is a sentence, outside quotation marks, whose subject is a
  person followed by a speech verb: "Wang said ...", "He noted that ...",
  "..., Wang Yi said on Tuesday." Its text is the whole sentence.
- The speaker is a listed official (data/people.toml), found by full name, alias,
  or surname once the full name appeared; "he"/"she" is the person last named
  before the pronoun (outside quotation marks, matching the listed pronoun). A
  person not in the list keeps the name as printed when the subject ends in a full
  capitalised name of two to four words that is no title, country or institution
  ("Foreign Minister Chingiz Aidarbekov" -> "Chingiz Aidarbekov"); otherwise the
  speaker is null. A reported statement needs a speaker; a direct quote does not.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick_rs

from c5crawler.enrich.gazetteer import Hit, inside
from c5crawler.enrich.mentions import countries, organisations
from c5crawler.enrich.people import people
from c5crawler.items import Quote


def _alternation(words: Iterable[str]) -> str:
    """One regex alternation of the words, nested by shared prefix, a longer word before its prefix.

    Nesting lets the engine try one branch per letter instead of every word.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _node_pattern(root)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _node_pattern(child) for char, child in node.items() if char]
    if "" in node and branches:
        branches.append("")  # the word ending here, tried last
    if len(branches) <= 1:
        return "".join(branches)
    return "(?:" + "|".join(branches) + ")"


SPEECH_VERBS = (
    "said", "says", "added", "adds", "noted", "notes", "stressed", "stresses", "emphasised", "emphasized",
    "stated", "told", "urged", "called for", "called on", "pointed out", "underlined", "underscored",
    "reiterated", "warned", "insisted", "explained", "announced", "affirmed", "argued", "expressed", "hoped",
    "proposed", "suggested", "remarked", "declared", "highlighted", "asserted", "replied", "responded",
    "recalled", "acknowledged",
)
VERBS = _alternation(SPEECH_VERBS)
_VERB = re.compile(rf"\s(?:also\s+|further\s+)?(?:{VERBS})\b")
# `"...," Wang said` / `"...," said Wang`: the attribution right after a quote.
_AFTER = re.compile(rf"^\s*(?P<subj>[^,;:\"“”]{{1,120}}?)\s+(?:also\s+)?(?:{VERBS})\b")
_AFTER_INVERTED = re.compile(r"^\s*(?:said|says|added)\s+(?P<subj>[^,;:.\"“”]{1,80})")
# `Wang said: "..."` / `Lavrov told reporters, "..."`: the attribution right before.
_MAX_SUBJECT = 120
_BEFORE_VERB = rf"\s+(?:also\s+)?(?:{VERBS})(?:\s+[a-z]+){{0,3}}?\s*[,:]?\s*(?:that\s+)?$"
_BEFORE = re.compile(rf"(?P<subj>[^,;:\"“”]{{1,{_MAX_SUBJECT}}}?){_BEFORE_VERB}")
_VERB_AT_END = re.compile(_BEFORE_VERB)
_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_PRONOUN = re.compile(r"(?:he|she)", re.IGNORECASE)
_TOKEN = re.compile(r"[\w'’.\-]+")

_INITIAL = re.compile(r"[A-Z]\.")  # "J." does not end a sentence
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“(]?[A-Z])")
_ABBREVIATIONS = frozenset(
    "Mr. Mrs. Ms. Dr. St. No. Gen. Sen. Rep. Prof. Jr. Sr. Inc. Co. Corp. Ltd. Jan. Feb. Mar. "
    "Apr. Aug. Sept. Sep. Oct. Nov. Dec. U.S. U.N. U.K. e.g. i.e. vs.".split()
)
# Words that make a capitalised run a title, not a name ("Foreign Minister").
_TITLE_WORDS = frozenset(
    "The A An As But And Also Meanwhile However Minister Ministers Foreign President Vice Premier "
    "Prime Secretary Secretary-General Director-General Director Spokesperson Spokesman "
    "Spokeswoman Ambassador Councilor Councillor Chairman Chairwoman General Deputy State "
    "Representative Permanent Mr Mr. Ms Ms. Mrs Mrs. Dr Dr. Chancellor King Queen Prince Senator "
    "Governor Mayor Envoy Special Assistant Chief Head Leader Commissioner Defense Defence Finance "
    "Trade Affairs Executive Senior Official Officials Spokespersons".split()
)
# Words that make a capitalised run an institution ("National Meteorological Center").
_INSTITUTION_WORDS = frozenset(
    "Center Centre Ministry Council Organization Organisation Department Office Agency Bureau "
    "Committee Commission Administration Association Government Embassy Union Bank Fund Group "
    "Party Court University Institute News Times Daily Post Press Network Television TV Radio "
    "Corporation Company Forces Army Navy Station Service Authority Media Xinhua Reuters "
    "Nations Assembly Summit Forum".split()
)
_LOWER_OK = frozenset({"and", "of", "the", "for", "to"})


@dataclass
class _Context:
    """Who has been named so far: the listed officials, and speakers not in the list."""

    named: list[tuple[int, str, str | None]]  # (position, full name, pronoun), sorted
    refs: list[Hit]
    unlisted: dict[str, str] = field(default_factory=dict)  # last word -> name as printed

    def person_in(self, start: int, end: int) -> str | None:
        """The last listed official named in text[start:end]."""
        found = [h.value for h in self.refs if start <= h.start < end]
        return found[-1] if found else None

    def pronoun_at(self, position: int, pronoun: str) -> str | None:
        """The person last named before `position` whom `pronoun` can stand for."""
        for _, name, theirs in reversed(self.named[: bisect.bisect_left(self.named, (position,))]):
            if theirs is None or theirs == pronoun:
                return name
        return None

    def add_unlisted(self, position: int, name: str) -> None:
        bisect.insort(self.named, (position, name, None))
        # Either end may be the surname: "Dai Bing" is Dai, "Chingiz Aidarbekov" Aidarbekov.
        words = name.split()
        self.unlisted[words[0]] = self.unlisted[words[-1]] = name


def find_quotes(text: str, refs: list[Hit], start: int = 0) -> list[Quote]:
    """Direct quotes and reported statements in text[start:], in order.

    `refs` are the listed officials referred to in `text` (mentions.person_references).
    """
    verbs = _verbs_in(text, start)
    if not verbs.starts:  # every rule needs a speech verb
        return []
    spans = [(m.start(), m.end()) for m in _QUOTE.finditer(text, start)] if refs else []
    outside = [h for h in refs if not inside(h.start, spans)]
    index = people()
    context = _Context(
        named=[(h.start, str(h.value), index.by_name[str(h.value)].pronoun) for h in outside], refs=outside
    )
    quotes: list[Quote] = []
    position = start
    for paragraph in text[start:].split("\n\n"):
        # A sentence without a speech verb is not read.
        if verbs.within(position, position + len(paragraph)):
            for s, e in _sentences(paragraph):
                if verbs.within(position + s, position + e):
                    quotes.extend(_sentence_quotes(text, position + s, position + e, context))
        position += len(paragraph) + 2
    return quotes


@dataclass(frozen=True)
class _Verbs:
    """Where the speech verbs are in a text, as letters (a word that merely holds one counts too)."""

    starts: list[int]
    ends: list[int]

    def within(self, start: int, end: int) -> bool:
        """Is a speech verb wholly inside text[start:end]?"""
        i = bisect.bisect_left(self.starts, start)
        while i < len(self.starts) and self.starts[i] < end:
            if self.ends[i] <= end:
                return True
            i += 1
        return False


# Where speech verbs are, as letters (the words that hold one count too).
_SPEECH_VERBS_IN = ahocorasick_rs.AhoCorasick(SPEECH_VERBS)


def _verbs_in(text: str, start: int) -> _Verbs:
    """The speech verbs of text[start:], in one pass (a regex would try every verb at every letter)."""
    matches = _SPEECH_VERBS_IN.find_matches_as_indexes(text[start:], overlapping=True)
    found = sorted((s + start, e + start) for _, s, e in matches)
    return _Verbs([s for s, _ in found], [e for _, e in found])


def _sentences(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph; a quotation is never split, abbreviations do not end one."""
    bounds, begin = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[begin : match.start() + 1]
        word = before.rsplit(None, 1)[-1] if before.strip() else ""
        if word in _ABBREVIATIONS or _INITIAL.fullmatch(word) or _open_quote(before):
            continue
        bounds.append((begin, match.end()))
        begin = match.end()
    if paragraph[begin:].strip():
        bounds.append((begin, len(paragraph)))
    return bounds


def _open_quote(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def _sentence_quotes(text: str, start: int, end: int, context: _Context) -> list[Quote]:
    sentence = text[start:end]
    found = list(_QUOTE.finditer(sentence))
    direct = _direct_quotes(sentence, start, found, context)
    if direct:
        return direct
    reported = _reported(sentence, start, context)
    return [reported] if reported else []


def _direct_quotes(sentence: str, offset: int, found: list[re.Match[str]], context: _Context) -> list[Quote]:
    quotes: list[Quote] = []
    i = 0
    while i < len(found):
        match = found[i]
        words = match.group(1) or match.group(2)
        after_end = found[i + 1].start() if i + 1 < len(found) else len(sentence)
        after = sentence[match.end() : after_end]
        before_start = found[i - 1].end() if i > 0 else 0
        before = sentence[before_start : match.start()]
        attribution = _AFTER.match(after) or _AFTER_INVERTED.match(after)
        if attribution:
            speaker = _speaker(attribution.group("subj"), offset + match.end() + attribution.start("subj"), context)
            # `"A," Wang said, "B."`: the second part continues the same quote.
            if i + 1 < len(found) and re.fullmatch(r"[^.!?]*,\s*", after[attribution.end() :]):
                following = found[i + 1]
                words = words.rstrip().rstrip(",") + " " + (following.group(1) or following.group(2))
                i += 1
            quotes.append(Quote(speaker=speaker, text=words.strip().rstrip(","), kind="direct"))
        elif (attribution := _attribution_before(before)) and _is_subject(attribution.group("subj")):
            speaker = _speaker(attribution.group("subj"), offset + before_start + attribution.start("subj"), context)
            quotes.append(Quote(speaker=speaker, text=words.strip().rstrip(","), kind="direct"))
        i += 1
    return quotes


def _attribution_before(before: str) -> re.Match[str] | None:
    """`_BEFORE.search(before)`, started where its subject can begin at the earliest.

    Searched from every position, the lazy subject makes a long clause with no
    attribution cost milliseconds. A match's subject ends where `_VERB_AT_END`
    matches, so no match starts more than `_MAX_SUBJECT` characters before the first
    place it does.
    """
    verb = _VERB_AT_END.search(before)
    return _BEFORE.search(before, max(0, verb.start() - _MAX_SUBJECT)) if verb else None


def _reported(sentence: str, offset: int, context: _Context) -> Quote | None:
    """A sentence whose subject is a person and whose verb is a speech verb."""
    for verb in _VERB.finditer(sentence):
        prefix = sentence[: verb.start()]
        for subject, at in _subject_candidates(prefix):
            speaker = _speaker(subject, offset + at, context)
            if speaker:
                return Quote(speaker=speaker, text=sentence.strip(), kind="reported")
    return None


def _subject_candidates(prefix: str) -> list[tuple[str, int]]:
    """Where a subject may be: the whole prefix, after a lead-in clause, before an apposition."""
    candidates = [(prefix, 0)]
    if "," in prefix.rstrip(", "):
        cut = prefix.rstrip(", ").rfind(",") + 1
        candidates.append((prefix[cut:], cut))
    if prefix.rstrip().endswith(","):  # "Dai Bing, China's deputy representative to the UN, said"
        candidates.append((prefix[: prefix.find(",")], 0))
    return [(text, at + len(text) - len(text.lstrip())) for text, at in candidates]


def _is_subject(subject: str) -> bool:
    """Short enough to be who spoke ("a spokesperson", "Wang"), not a clause."""
    return 0 < len(subject.split()) <= 8


def _speaker(subject: str, position: int, context: _Context) -> str | None:
    """The full name of who the subject names, or None (see the module's rules)."""
    subject = subject.strip()
    if _PRONOUN.fullmatch(subject):
        return context.pronoun_at(position, subject.lower())
    listed = context.person_in(position, position + len(subject))
    if listed:
        return listed
    tokens = _TOKEN.findall(subject)
    if not tokens or any(t[0].islower() and t not in _LOWER_OK for t in tokens):
        return None
    if len(tokens) == 1:
        return context.unlisted.get(tokens[0])
    name = _unlisted_name(tokens)
    if name:
        context.add_unlisted(position, name)
    return name


def _unlisted_name(tokens: list[str]) -> str | None:
    """The full capitalised name a subject ends in, if it is a person's."""
    run: list[str] = []
    for token in reversed(tokens):
        if not token[0].isupper() or token in _TITLE_WORDS or token.endswith(("'s", "’s")) or token.isupper():
            break
        run.insert(0, token)
    name = " ".join(run)
    if not 2 <= len(run) <= 4 or any(t in _INSTITUTION_WORDS for t in run):
        return None
    if countries().find(name) or organisations().find(name):
        return None
    return name
