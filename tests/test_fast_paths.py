"""The shortcuts taken for speed give what the plain definitions give.

Text clean-up tests the whole text once before cleaning paragraph by paragraph; the
MFA body walk reads a paragraph without line breaks or hidden parts whole. The edge
cases below are where a shortcut could go wrong.
"""

from __future__ import annotations

import pytest

from c5crawler.extract.mfa import extract_article
from c5crawler.normalise.text import (
    PARAGRAPH_SEPARATOR,
    clean_paragraphs,
    clean_text,
    collapse_spaces,
    content_hash,
    join_cleaned,
)

PARAGRAPHS = [
    [],
    [""],
    ["One."],
    ["One.", ""],
    [" One."],
    ["One. "],
    ["One.  Two."],
    ["One.\u00a0Two."],
    ["One.\nTwo.", "Three."],
    ["x\u200b"],
    ["e\u200b\u0301 accent"],  # cleaned once, the accent follows the letter: out of NFC
    ["e\u0301 accent"],
    ["\u00e9 accent", "“Quoted”"],
    ["Ａ\u3000B", "C\x1cD"],
]


@pytest.mark.parametrize("paragraphs", PARAGRAPHS)
def test_text_shortcuts_match_cleaning_each_paragraph(paragraphs: list[str]) -> None:
    cleaned = [text for text in map(clean_text, paragraphs) if text]
    assert clean_paragraphs(paragraphs) == cleaned
    assert list(collapse_spaces(paragraphs)) == [" ".join(text.split()) for text in paragraphs]
    body = join_cleaned(cleaned)
    assert body == PARAGRAPH_SEPARATOR.join(text for text in map(clean_text, cleaned) if text)
    assert content_hash("Title", body, cleaned=True) == content_hash("Title", body)


URL = "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/t1794629.shtml"


@pytest.mark.parametrize(
    ("body", "blocks"),
    [
        # read whole: the first piece that is not blank decides the weight
        ("<p>  <b> Q: x</b> y</p>", [("Q: x y", True)]),
        ("<p><b>\u00a0</b>plain</p>", [("plain", False)]),
        ("<p>\u00a0</p><p>x\u200b</p>", [("x", False)]),
        # walked piece by piece: line breaks, hidden text, a tail block inside a paragraph
        ('<p><span style="font-weight:700">Q:</span> text<br><br>A: answer</p>', [("Q: text", True), ("A: answer", False)]),
        ("<p>Before <script>var x;</script>after</p>", [("Before after", False)]),
        ('<p>text <span class="tool">[Print]</span> more</p><p>next</p>', [("text more", False)]),
        ("One<br>Two <b>three</b>", [("One", False), ("Two three", False)]),
        # the article ends at the first tail block or at [Print] [Close]
        ('<p>Q: one</p><div class="news-foot"><p>related</p></div><p>after</p>', [("Q: one", False)]),
        ("<p>Zhao Lijian: yes</p><p>[Print] [Close]</p><p>never</p>", [("Zhao Lijian: yes", False)]),
    ],
)
def test_body_walk_edge_cases(body: str, blocks: list[tuple[str, bool]]) -> None:
    html = f'<html><head><title>T</title></head><body><div class="content">{body}</div></body></html>'
    raw = extract_article(html, URL)
    assert list(zip(raw["paragraphs"], raw["paragraph_bold"])) == blocks
