"""Who wrote, who contributed, which agencies are credited.

Bylines ("By CGTN's Liu Yang"), contributor lines at the end of a story
("(CGTN's Liu Yang also contributed to the story.)") and agency credits
("Source(s): Xinhua, AFP", "(With input from Reuters)") become clean lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from c5crawler.normalise.text import clean_text

# Credit lines sit after the story; looking further up would eat real sentences.
END_REGION = 3

_ROLE_WORDS = re.compile(
    r"\b(?:by|cgtn(?:['’]s)?|(?:senior\s+|chief\s+|video\s+|news\s+)?"
    r"(?:reporters?|correspondents?|editors?|journalists?|producers?|anchors?))\b",
    re.I,
)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|、|\band\b)\s*", re.I)
_EDGE_PUNCTUATION = re.compile(r"^[\s(\[:.,'’\"-]+|[\s)\]:.,'’\"-]+$")

_CONTRIBUTOR_LINE = re.compile(
    r"^\(?\s*(?P<names>.+?)\s+(?:also\s+)?contributed\s+to\s+(?:the|this)\s+"
    r"(?:story|report|article)\s*\.?\s*\)?\s*\.?$",
    re.I,
)
# "Source(s):" needs its colon: "Sources said ..." is a sentence, not a credit.
_CREDIT_PREFIX = r"\(?\s*(?:(?:with\s+)?inputs?\s+from\s*:?|sources?\s*(?:\(s\))?\s*[:：]|来源\s*[:：])\s*"
_AGENCY_LINE = re.compile(rf"^{_CREDIT_PREFIX}(?P<names>.+?)\s*\.?\s*\)?\s*\.?$", re.I)
_AGENCY_PREFIX = re.compile(rf"^{_CREDIT_PREFIX}", re.I)

# Lower-cased spellings to canonical agency names.
_AGENCIES: dict[str, str] = {
    "xinhua": "Xinhua",
    "xinhua news agency": "Xinhua",
    "reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "france-presse": "AFP",
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "cgtn": "CGTN",
    "cmg": "CMG",
    "china media group": "CMG",
    "cctv": "CCTV",
    "china daily": "China Daily",
    "chinadaily.com.cn": "China Daily",
    "global times": "Global Times",
    "globaltimes.cn": "Global Times",
    "tass": "TASS",
    "sputnik": "Sputnik",
    "kyodo": "Kyodo",
    "kyodo news": "Kyodo",
    "yonhap": "Yonhap",
    "yonhap news agency": "Yonhap",
    "dpa": "dpa",
    "deutsche presse-agentur": "dpa",
    "efe": "EFE",
    "ansa": "ANSA",
    "bloomberg": "Bloomberg",
    "cns": "CNS",
    "china news service": "CNS",
    "people's daily": "People's Daily",
    "people’s daily": "People's Daily",
    "ecns": "CNS",
    "anadolu": "Anadolu",
    "anadolu agency": "Anadolu",
    "prensa latina": "Prensa Latina",
    "bernama": "Bernama",
    "pti": "PTI",
    "press trust of india": "PTI",
    "ria novosti": "RIA Novosti",
    "agencies": "agencies",
    "新华社": "Xinhua",
    "新华通讯社": "Xinhua",
    "新华网": "Xinhuanet",
    "xinhuanet": "Xinhuanet",
    "中新社": "CNS",
    "中国新闻社": "CNS",
    "中新网": "CNS",
    "人民日报": "People's Daily",
    "中国日报": "China Daily",
    "中国日报网": "China Daily",
    "环球时报": "Global Times",
    "环球网": "Global Times",
    "央视新闻": "CCTV",
    "央视网": "CCTV",
    "中央广播电视总台": "CMG",
    "法新社": "AFP",
    "路透社": "Reuters",
    "美联社": "AP",
    "塔斯社": "TASS",
    "共同社": "Kyodo",
    "韩联社": "Yonhap",
}
# Each source's own name in a credit slot ("By Global Times", "来源：新华网") names the
# outlet itself: neither a person nor an agency it took the story from.
OWN_OUTLETS: dict[str, frozenset[str]] = {
    "cgtn": frozenset({"CGTN"}),
    "chinadaily": frozenset({"China Daily"}),
    "globaltimes": frozenset({"Global Times"}),
    "xinhua": frozenset({"Xinhuanet"}),
}
# An unknown credit longer than this is a sentence, not an agency name.
_MAX_AGENCY_WORDS = 5


def clean_name(text: str) -> str:
    """A person's name without role words ("CGTN's", "reporter", "By", ...), in name case."""
    name = clean_text(_ROLE_WORDS.sub(" ", clean_text(text)))
    name = _EDGE_PUNCTUATION.sub("", name)
    if name.isupper() or name.islower():
        # All-caps or all-lower bylines; mixed case (McDonald) is left as written.
        name = " ".join(word.capitalize() for word in name.split())
    return name


def split_names(text: str) -> list[str]:
    """ "A, B and C", "A & B" -> the separate (uncleaned) names."""
    return [part for part in _NAME_SEPARATORS.split(text) if part.strip()]


def authors_from_byline(byline: str | None) -> list[str]:
    """Clean author names from a byline, deduplicated in order."""
    return _unique(clean_name(part) for part in split_names(byline or ""))


def canonical_agency(name: str) -> str | None:
    """The canonical agency name for `name`, or None if it is not a known agency."""
    key = clean_text(name).strip(" .()").lower()
    return _AGENCIES.get(key)


def agencies_from_text(text: str | None) -> list[str]:
    """Agencies named in a credit such as "Source(s): Xinhua, AFP" or "(With input from Reuters)".

    Known agencies get their canonical names; unknown short names are kept as written.
    """
    credit = clean_text(text).rstrip(" .)")
    names: list[str] = []
    for part in split_names(credit):
        # Each part may open a credit of its own ("CGTN, Source(s): AFP").
        cleaned = _EDGE_PUNCTUATION.sub("", clean_text(_AGENCY_PREFIX.sub("", part.strip())))
        known = canonical_agency(cleaned)
        if known:
            names.append(known)
        elif cleaned and len(cleaned.split()) <= _MAX_AGENCY_WORDS:
            names.append(cleaned)
    return _unique(names)


def without_own_outlet(agencies: list[str], source: str) -> list[str]:
    """`agencies` without the name of the outlet whose page this is."""
    own = OWN_OUTLETS.get(source, frozenset())
    return [agency for agency in agencies if agency not in own]


def split_agency_credits(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Remove agency credit paragraphs from the end of a body; return (kept, agencies).

    Recognises "Source(s): Reuters", "(With input from Xinhua, AFP)" and
    "(Xinhua contributed to this report)" when every name credited is an agency.
    """
    kept, agencies = list(paragraphs), []
    for index in _end_region(kept):
        found = _agency_credit(kept[index])
        if found:
            agencies = found + agencies
            del kept[index]
    return kept, _unique(agencies)


def split_credit_lines(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Remove "(CGTN's A and B also contributed to the story.)" lines from the end of a body.

    Returns (kept paragraphs, contributor names in order). Agencies named in such a
    line are not people and are left to `split_agency_credits`.
    """
    kept, contributors = list(paragraphs), []
    for index in _end_region(kept):
        match = _CONTRIBUTOR_LINE.match(kept[index])
        if not match:
            continue
        parts = split_names(match.group("names"))
        people = [clean_name(part) for part in parts if not canonical_agency(part)]
        if people:
            contributors = people + contributors
            del kept[index]
    return kept, _unique(contributors)


def _agency_credit(paragraph: str) -> list[str]:
    """Canonical agencies if `paragraph` is wholly an agency credit, else []."""
    match = _AGENCY_LINE.match(paragraph)
    if match:
        return agencies_from_text(match.group("names"))
    match = _CONTRIBUTOR_LINE.match(paragraph)
    if match:
        parts = split_names(match.group("names"))
        known = [canonical_agency(part) for part in parts]
        if all(known):
            return _unique(name for name in known if name)
    return []


def _end_region(paragraphs: list[str]) -> range:
    """Indices of the last END_REGION paragraphs, last first (safe to delete while walking)."""
    return range(len(paragraphs) - 1, max(len(paragraphs) - END_REGION, 0) - 1, -1)


def _unique(names: Iterable[str]) -> list[str]:
    """Non-empty names, first occurrence kept, compared case-insensitively."""
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            result.append(name)
    return result
