"""Press-conference transcripts as turns: who asked, who answered, in order.

The Ministry of Foreign Affairs prints its transcripts in two ways:

- up to 23 March 2020, `Q:` / `A:` paragraphs, the question in bold;
- from 24 March 2020, a bold outlet prefix for questions (`CCTV:`, `The Paper:`),
  the spokesperson's name for answers (`Zhao Lijian:`) and `Follow-up:`.

The Chinese transcripts the same way: `问：` / `答：`, later `法新社记者：` and `赵立坚：`,
`追问：` for a follow-up; names are written without spaces.

Both can be read with one set of rules, so no date is needed. Paragraphs before
the first question are the spokesperson's announcements; a paragraph without a
prefix continues the turn before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from c5crawler.items import Turn
from c5crawler.normalise.text import collapse_spaces

# Spokespersons seen in transcripts, in English and in Chinese; a title normally
# names the one on duty, this list lets an answer be recognised when it does not
# (or when a colleague answers), and pairs a transcript with its translation.
SPOKESPERSONS: tuple[tuple[str, str], ...] = (
    ("Lu Kang", "陆慷"),
    ("Hua Chunying", "华春莹"),
    ("Geng Shuang", "耿爽"),
    ("Zhao Lijian", "赵立坚"),
    ("Wang Wenbin", "汪文斌"),
    ("Mao Ning", "毛宁"),
    ("Lin Jian", "林剑"),
    ("Guo Jiakun", "郭嘉昆"),
)
KNOWN_SPOKESPERSONS: tuple[str, ...] = tuple(name for pair in SPOKESPERSONS for name in pair)
_KNOWN_BY_FOLDED = {name.casefold(): name for name in KNOWN_SPOKESPERSONS}
_ENGLISH_NAME = {chinese: english for english, chinese in SPOKESPERSONS}

# "Foreign Ministry Spokesperson Zhao Lijian's Regular Press Conference ..."
_TITLE_NAME = re.compile(r"\bSpokesperson\s+((?:[A-Z][a-z]+\s+){1,2}[A-Z][a-z]+)\s*['’]s\b")
# "2019年1月7日外交部发言人陆慷主持例行记者会", "外交部发言人华春莹就……答记者问"
_CHINESE_TITLE_NAME = re.compile(r"发言人\s*([\u4e00-\u9fff]{2,4}?)\s*(?:主持|就|答|发表|宣布|表示|介绍|在|[:：])")

# A label is the text before the first colon; a colon followed by a digit is a
# time ("As of 24:00") and not a label, unless a Chinese label ends before it
# ("法新社记者：29日，…").
_LABEL = re.compile(r"^\s*([^:：]{1,60}?)\s*(?:[:：](?!\d)|(?<=[\u4e00-\u9fff》])[:：])\s*(.*)$", re.S)
_HAN = re.compile(r"[\u4e00-\u9fff]")

# Chinese labels: "问" and "答"; "追问" (a follow-up); from 2020 the asker's outlet
# ("法新社记者", "《环球时报》记者提问"); "会后有记者问及" (asked after the conference).
_CHINESE_QUESTION = re.compile(r"^(?:问|提问|记者问|(?:会后)?[，,]?有记者问及)$")
_CHINESE_FOLLOW_UP = re.compile(r"^(?:追问|又问)$")
_CHINESE_ANSWER = re.compile(r"^(?:答|回答)$")
_CHINESE_OUTLET = re.compile(r"^(?P<outlet>[^，,。；;？?！!“”\s]{0,24}?)记者(?:提问|问)?$")
# Announcements before the first question are numbered "一、", "二、" ...
_NUMBERED = re.compile(r"^[一二三四五六七八九十]{1,3}、")

_QUESTION_LABELS = re.compile(r"^(?:q|question\b.*|journalist|reporter|correspondent)$", re.I)
_FOLLOW_UP = re.compile(r"^follow[\s-]*ups?$", re.I)
_ANSWER_LABELS = re.compile(r"^(?:a|answer|spokesperson)$", re.I)

# Small words allowed in lower case inside an outlet name ("Associated Press of Pakistan").
_CONNECTORS = frozenset({"of", "the", "and", "de", "du", "la", "for", "in", "on", "&"})
_NOT_IN_OUTLET = re.compile(r"[,;?!\"“”«»]")


def spokesperson_from_title(title: str | None) -> str | None:
    """The spokesperson a transcript's title names, e.g. `Lin Jian` or `林剑`, or None."""
    if not title:
        return None
    text = " ".join(title.split())
    match = _TITLE_NAME.search(text) or _CHINESE_TITLE_NAME.search(text)
    return match.group(1) if match else None


def english_name(spokesperson: str | None) -> str | None:
    """A spokesperson's name as the English transcripts print it (`华春莹` -> `Hua Chunying`)."""
    return _ENGLISH_NAME.get(spokesperson, spokesperson) if spokesperson else None


def split_turns(
    paragraphs: Sequence[str],
    title: str | None = None,
    bold_starts: Sequence[bool] | None = None,
) -> list[Turn]:
    """Split a transcript's paragraphs into turns.

    `bold_starts[i]` says whether paragraph i begins in bold (questions do); when
    it is None, an outlet is recognised by the shape of its name alone.
    """
    spokesperson = spokesperson_from_title(title)
    turns: list[Turn] = []
    last_question: Turn | None = None
    opened_as_expected = False  # the current turn's first paragraph had its role's weight
    for index, text in enumerate(collapse_spaces(paragraphs)):
        if not text:
            continue
        bold = None if bold_starts is None else bool(bold_starts[index])
        turn = _open_turn(text, bold, spokesperson, last_question)
        if turn is None and bold is not None:
            turn = _unlabelled_turn(text, bold, spokesperson, turns, opened_as_expected)
        if turn is not None:
            turns.append(turn)
            opened_as_expected = bold is not None and bold == (turn["role"] == "journalist")
            if turn["role"] == "journalist":
                last_question = turn
        elif turns and not (last_question is None and _NUMBERED.match(text)):
            _append(turns[-1], text)
        else:  # the announcements before the first question, each numbered one its own turn
            turns.append(Turn(speaker=spokesperson, role="announcement", outlet=None, text=text))
            opened_as_expected = bold is False
    return [turn for turn in turns if turn["text"]]


def _unlabelled_turn(
    text: str, bold: bool, spokesperson: str | None, turns: list[Turn], opened_as_expected: bool
) -> Turn | None:
    """A new turn the weight of an unlabelled paragraph shows, or None to continue.

    Questions are printed in bold, answers not. Some transcripts drop a label (a bold
    "After the press conference, a journalist asked ..." after an answer; a plain
    answer with no "A:" after a follow-up): a change of weight is then a change of
    speaker, provided the current turn opened with the weight its role has.
    """
    if not turns or not opened_as_expected:
        return None
    asking = turns[-1]["role"] == "journalist"
    if bold and not asking:
        return Turn(speaker=None, role="journalist", outlet=None, text=text)
    if asking and not bold:
        return Turn(speaker=spokesperson, role="spokesperson", outlet=None, text=text)
    return None


def _open_turn(
    text: str, bold: bool | None, spokesperson: str | None, last_question: Turn | None
) -> Turn | None:
    """The turn a paragraph starts, or None when it continues the current one."""
    match = _LABEL.match(text)
    if not match:
        return None
    label = " ".join(match.group(1).replace("’", "'").split())
    rest = match.group(2).strip()
    if _HAN.search(label):
        return _chinese_turn(label, rest, spokesperson, last_question)
    answerer = _answerer(label, spokesperson)
    if answerer is not None:
        return Turn(speaker=answerer or None, role="spokesperson", outlet=None, text=rest)
    if _FOLLOW_UP.match(label):
        speaker = last_question["speaker"] if last_question else None
        outlet = last_question["outlet"] if last_question else None
        return Turn(speaker=speaker, role="journalist", outlet=outlet, text=rest)
    if _QUESTION_LABELS.match(label):
        return Turn(speaker=None, role="journalist", outlet=None, text=rest)
    if bold is not False and _looks_like_outlet(label):
        return Turn(speaker=None, role="journalist", outlet=label, text=rest)
    return None


def _chinese_turn(label: str, rest: str, spokesperson: str | None, last_question: Turn | None) -> Turn | None:
    """The turn a Chinese label opens ("问", "答", "追问", "法新社记者", "赵立坚"), or None."""
    label = label.replace(" ", "")
    if _CHINESE_ANSWER.match(label):
        return Turn(speaker=spokesperson, role="spokesperson", outlet=None, text=rest)
    answerer = _answerer(label, spokesperson)
    if answerer:
        return Turn(speaker=answerer, role="spokesperson", outlet=None, text=rest)
    if _CHINESE_FOLLOW_UP.match(label):
        outlet = last_question["outlet"] if last_question else None
        return Turn(speaker=None, role="journalist", outlet=outlet, text=rest)
    if _CHINESE_QUESTION.match(label):
        return Turn(speaker=None, role="journalist", outlet=None, text=rest)
    outlet = _CHINESE_OUTLET.match(label)
    if outlet:
        name = outlet["outlet"]
        if name.startswith("《") and name.endswith("》") and name.count("《") == 1:
            name = name[1:-1]  # "《环球时报》" is the paper 环球时报
        return Turn(speaker=None, role="journalist", outlet=name or None, text=rest)
    return None


def _answerer(label: str, spokesperson: str | None) -> str | None:
    """The answering spokesperson's name if `label` marks an answer ('' when unnamed), else None."""
    if _ANSWER_LABELS.match(label):
        return spokesperson or ""
    folded = label.casefold()
    if spokesperson and folded == spokesperson.casefold():
        return spokesperson
    return _KNOWN_BY_FOLDED.get(folded)


def _looks_like_outlet(label: str) -> bool:
    """A short capitalised name ("The Paper", "RIA Novosti"), not the start of a sentence."""
    words = label.split()
    if not 1 <= len(words) <= 6 or _NOT_IN_OUTLET.search(label):
        return False
    if not words[0][0].isupper() and not words[0][0].isdigit():
        return False
    return all(word[0].isupper() or word[0].isdigit() or word in _CONNECTORS for word in words)


def _append(turn: Turn, text: str) -> None:
    turn["text"] = f"{turn['text']}\n\n{text}" if turn["text"] else text
