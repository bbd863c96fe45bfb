"""Press-conference turns: the Q:/A: era, the outlet era, and the real 2020 transcripts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from c5crawler.extract.mfa import extract_article
from c5crawler.normalise.record import normalise_record
from tests.conftest import needs_data
from c5crawler.normalise.turns import split_turns, spokesperson_from_title

SECTION = "www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "fmprc-2020-07-04" / SECTION
BASE = "https://" + SECTION

needs_snapshot = needs_data(REAL)

OUTLET_TITLE = "Foreign Ministry Spokesperson Zhao Lijian's Regular Press Conference on July 3, 2020"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        (OUTLET_TITLE, "Zhao Lijian"),
        ("Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on June11, 2018", "Geng Shuang"),
        ("Foreign Ministry Spokesperson Hua Chunying's Daily Briefing Online on February 6, 2020", "Hua Chunying"),
        ("Foreign Ministry Spokesperson Wang Wenbin's Regular Press Conference on June 1, 2021", "Wang Wenbin"),
        ("Foreign Ministry Spokesperson Lin Jian’s Regular Press Conference on March 12, 2024", "Lin Jian"),
        ("Foreign Ministry  Spokesperson Mao Ning’s Regular Press Conference on May 6, 2024", "Mao Ning"),
        ("Foreign Ministry Spokesperson’s Remarks on the G7 Statement", None),
        ("Regular Press Conference", None),
        (None, None),
    ],
)
def test_spokesperson_from_title(title: str | None, name: str | None) -> None:
    assert spokesperson_from_title(title) == name


def roles(turns: list) -> list[tuple[str, str | None, str | None]]:
    return [(turn["role"], turn["speaker"], turn["outlet"]) for turn in turns]


def test_qa_era() -> None:
    paragraphs = [
        "At the invitation of Foreign Minister Wang Yi, the Foreign Minister of Example will visit China.",
        "During the visit, the two sides will hold talks.",
        "Q: What do you expect of the visit?",
        "A: We hope it will be a success.",
        "China values its friendship with Example.",
        "Q: A second question?",
        "A:Without a space after the colon.",
        "Follow-up: And a follow-up?",
        "A: Answered.",
    ]
    bold = [False, False, True, False, False, True, False, True, False]
    title = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 11, 2018"
    turns = split_turns(paragraphs, title, bold)
    assert roles(turns) == [
        ("announcement", "Geng Shuang", None),
        ("journalist", None, None),
        ("spokesperson", "Geng Shuang", None),
        ("journalist", None, None),
        ("spokesperson", "Geng Shuang", None),
        ("journalist", None, None),
        ("spokesperson", "Geng Shuang", None),
    ]
    assert turns[0]["text"] == paragraphs[0] + "\n\n" + paragraphs[1]
    assert turns[1]["text"] == "What do you expect of the visit?"
    assert turns[2]["text"] == "We hope it will be a success.\n\nChina values its friendship with Example."
    assert turns[4]["text"] == "Without a space after the colon."
    # the same without bold information
    assert roles(split_turns(paragraphs, title)) == roles(turns)


def test_outlet_era() -> None:
    paragraphs = [
        "I'd like to share some figures with you first.",
        "CCTV: The US recently announced visa restrictions. Does China have a comment?",
        "Zhao Lijian: The national security legislation is China's internal affair.",
        "Reacting to the erroneous move, China decides to impose visa restrictions.",
        "The Paper: What does China expect of the consultation?",
        "Zhao Lijian: The consultation will be held on July 1.",
        "Follow-up: Who will attend?",
        "Zhao Lijian: Assistant Foreign Minister Chen Xiaodong.",
        "Associated Press of Pakistan: Do you have any comment on the attack?",
        "zhao lijian: China condemns all forms of terrorist attacks.",
        "China  Review  News: A last question?",
        "Zhao Lijian: As of 24:00 yesterday, the figures were published.",
    ]
    bold = [False, True, False, False, True, False, True, False, True, False, True, False]
    turns = split_turns(paragraphs, OUTLET_TITLE, bold)
    assert roles(turns) == [
        ("announcement", "Zhao Lijian", None),
        ("journalist", None, "CCTV"),
        ("spokesperson", "Zhao Lijian", None),
        ("journalist", None, "The Paper"),
        ("spokesperson", "Zhao Lijian", None),
        ("journalist", None, "The Paper"),
        ("spokesperson", "Zhao Lijian", None),
        ("journalist", None, "Associated Press of Pakistan"),
        ("spokesperson", "Zhao Lijian", None),
        ("journalist", None, "China Review News"),
        ("spokesperson", "Zhao Lijian", None),
    ]
    assert turns[1]["text"] == "The US recently announced visa restrictions. Does China have a comment?"
    assert turns[2]["text"].endswith("\n\nReacting to the erroneous move, China decides to impose visa restrictions.")
    assert turns[-1]["text"] == "As of 24:00 yesterday, the figures were published."


def test_sentences_with_a_colon_are_not_prefixes() -> None:
    paragraphs = [
        "Reuters: Is there a comment?",
        "Zhao Lijian: Yes.",
        "China's position is clear: we oppose it.",
        "I want to ask Mr. Pompeo this question: where is the evidence?",
        "As of 24:00 March 4, there were 52,045 cases.",
    ]
    for bold in ([True, False, False, False, False], None):
        turns = split_turns(paragraphs, OUTLET_TITLE, bold)
        assert roles(turns) == [("journalist", None, "Reuters"), ("spokesperson", "Zhao Lijian", None)]
        assert turns[1]["text"].count("\n\n") == 3


def test_plain_outlet_like_prefix_is_not_a_question_when_bold_is_known() -> None:
    paragraphs = ["AFP: A question?", "Zhao Lijian: First point.", "Second Point: continued in plain text."]
    turns = split_turns(paragraphs, OUTLET_TITLE, [True, False, False])
    assert roles(turns) == [("journalist", None, "AFP"), ("spokesperson", "Zhao Lijian", None)]


def test_unlabelled_paragraphs_change_speaker_by_weight() -> None:
    # real cases: a bold question raised after the conference with no label, and an
    # answer printed without "A:" after a follow-up
    paragraphs = [
        "Q: A question?",
        "A: An answer.",
        "After the press conference, a journalist asked about the floods.",
        "A: China has sent condolences.",
        "Follow-up: Which country?",
        "As you may have noticed, some countries have made remarks.",
    ]
    bold = [True, False, True, False, True, False]
    assert [turn["role"] for turn in split_turns(paragraphs, OUTLET_TITLE, bold)] == [
        "journalist", "spokesperson", "journalist", "spokesperson", "journalist", "spokesperson",
    ]


def test_other_question_labels() -> None:
    paragraphs = [
        "AFP: A question?",
        "Zhao Lijian: An answer?",
        "Journalist: Yes.",
        "Zhao Lijian: Then no.",
        "Question raised after the press conference: Is it true?",
        "Zhao Lijian: It is.",
    ]
    turns = split_turns(paragraphs, OUTLET_TITLE, [True, False, True, False, True, False])
    assert roles(turns)[2] == ("journalist", None, None)
    assert roles(turns)[4] == ("journalist", None, None)
    assert turns[4]["text"] == "Is it true?"


def test_answer_without_a_named_spokesperson() -> None:
    turns = split_turns(["Q: A question?", "A: An answer."], "Foreign Ministry Spokesperson’s Remarks on X", [True, False])
    assert roles(turns) == [("journalist", None, None), ("spokesperson", None, None)]
    # a known spokesperson printed as the label still names the answer
    turns = split_turns(["Bloomberg: Q?", "Mao Ning: A."], "Remarks", [True, False])
    assert roles(turns) == [("journalist", None, "Bloomberg"), ("spokesperson", "Mao Ning", None)]


def test_empty_input() -> None:
    assert split_turns([], OUTLET_TITLE) == []
    assert split_turns(["", "  "], OUTLET_TITLE, [False, False]) == []


# --- the real transcripts ---------------------------------------------------------


def real(name: str) -> list:
    return normalise_record(extract_article((REAL / name).read_bytes(), BASE + name))["turns"]


@needs_snapshot
def test_real_qa_era() -> None:
    turns = real("t1758235.shtml")  # March 19, 2020, the last Q:/A: week in the snapshot
    counts = Counter(turn["role"] for turn in turns)
    assert counts["journalist"] == counts["spokesperson"] >= 5
    assert all(turn["outlet"] is None for turn in turns)
    assert {turn["speaker"] for turn in turns if turn["role"] == "spokesperson"} == {"Geng Shuang"}


@needs_snapshot
def test_real_outlet_era() -> None:
    turns = real("t1793120.shtml")  # June 29, 2020
    questions = [turn for turn in turns if turn["role"] == "journalist"]
    assert [turn["outlet"] for turn in questions] == [
        "CCTV", "China Daily", "Beijing Youth Daily", "CNR", "Shenzhen TV", "Xinhua News Agency",
        "Beijing Media Network", "Global Times", "Associated Press of Pakistan", "CRI", "Reuters",
        "Kyodo News", "Reuters",
    ]
    assert questions[0]["text"].startswith("The US recently announced imposition of visa restrictions")
    answers = [turn for turn in turns if turn["role"] == "spokesperson"]
    assert len(answers) == 13 and all(turn["speaker"] == "Zhao Lijian" for turn in answers)
    assert all(not turn["text"].startswith("Zhao Lijian") for turn in answers)


@needs_snapshot
@pytest.mark.parametrize(("name", "outlet"), [("t1776657.shtml", "Sky News"), ("t1785898.shtml", "The Paper")])
def test_real_follow_ups_keep_the_outlet(name: str, outlet: str) -> None:
    paragraphs = extract_article((REAL / name).read_bytes(), BASE + name)["paragraphs"]
    follow_up = next(p for p in paragraphs if p.startswith("Follow-up:"))
    turns = real(name)
    index = next(i for i, turn in enumerate(turns) if follow_up.endswith(turn["text"]) and turn["role"] == "journalist")
    assert turns[index]["outlet"] == outlet
    previous_question = next(turn for turn in reversed(turns[:index]) if turn["role"] == "journalist")
    assert previous_question["outlet"] == outlet


@needs_snapshot
def test_real_lower_case_spokesperson_label() -> None:
    # "Hua chunying:" once in the May 6, 2020 transcript
    turns = real("t1776657.shtml")
    assert {turn["speaker"] for turn in turns if turn["role"] == "spokesperson"} == {"Hua Chunying"}
