"""Enrichment: mentions, quotes and diplomacy relevance, on the mirror, written pages and real transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from c5crawler.enrich import enrich_record, is_diplomacy
from c5crawler.enrich.gazetteer import Gazetteer, Scanner
from c5crawler.extract import extract_page
from c5crawler.extract.mfa import extract_article
from c5crawler.items import ArticleRecord
from c5crawler.mirror import SAMPLE_MIRROR
from c5crawler.normalise.record import normalise_record
from tests.conftest import needs_data

SEED = "news/2020-07-16/Wang-Yi-China-Central-Asia-cooperation-not-targeted-at-third-party-Sb0sDfUVNK"
SECTION = "www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "fmprc-2020-07-04" / SECTION
needs_snapshot = needs_data(REAL)


def mirror(path: str, page: str = "index.html") -> ArticleRecord:
    html = (SAMPLE_MIRROR / "cgtn" / path / page).read_bytes()
    return enrich_record(normalise_record(extract_page(html, f"https://news.cgtn.com/{path}/{page}")))


def story(body: str, title: str = "A story") -> ArticleRecord:
    """A CGTN page written for the test: one paragraph per line of `body`."""
    paragraphs = "".join(f'<div class="text en"><p>{line}</p></div>' for line in body.strip().splitlines())
    html = f"""<html><head><title>{title} - CGTN</title></head><body>
      <div class="news-title">{title}</div><span class="date">Updated 10:00, 01-Mar-2021</span>
      <div id="cmsMainContent">{paragraphs}</div></body></html>"""
    return enrich_record(normalise_record(extract_page(html, "https://news.cgtn.com/news/2021-03-01/A-story-Ab0sDfUVNK/index.html")))


def names(record: ArticleRecord, kind: str) -> dict[str, int]:
    return {str(m["name"]): int(m["count"]) for m in record["mentions"][kind]}  # type: ignore[call-overload]


def test_seed_story() -> None:
    rec = mirror(SEED)
    assert set(names(rec, "countries")) == {"China", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"}
    wang = next(p for p in rec["mentions"]["people"] if p["name"] == "Wang Yi")
    offices = wang["offices"]
    assert {"title": "Minister of Foreign Affairs", "country": "China", "start": "2013-03-16", "end": "2022-12-30", "held": True} in offices
    assert {"United Nations", "World Health Organization"} <= set(names(rec, "organisations"))
    by_text = {q["text"][:40]: q for q in rec["quotes"]}
    oppose = next(q for t, q in by_text.items() if t.startswith("We oppose the political revolution"))
    assert (oppose["speaker"], oppose["kind"]) == ("Wang Yi", "direct")
    for opening in ("Wang said Central Asian countries have an important strategic position", "He noted that China attaches great importance"):
        quote = next(q for q in rec["quotes"] if q["text"].startswith(opening))
        assert (quote["speaker"], quote["kind"]) == ("Wang Yi", "reported")
    assert [t["name"] for t in rec["topics"]] == ["diplomacy"]
    assert any(r.startswith("officials: Wang Yi") for r in rec["topics"][0]["reasons"])
    assert "states: 6 (China, Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan)" in rec["topics"][0]["reasons"]
    assert mirror(SEED, "p.html")["quotes"] == rec["quotes"]


@pytest.mark.parametrize(
    "path",
    [
        "news/2021-07-31/China-tops-Tokyo-Olympics-medal-table-after-gold-rush-in-diving-12rAtIvFXXi",
        "news/2020-07-12/Yangtze-River-basin-braces-for-more-floods-as-rain-continues-Sa5ydPRmCI",
    ],
)
def test_sports_and_floods_are_not_diplomacy(path: str) -> None:
    rec = mirror(path)
    assert rec["topics"] == [] and not is_diplomacy(rec)


def test_two_officials_quoted_in_turn() -> None:
    rec = story('''
        Chinese Foreign Minister Wang Yi held talks with Russian Foreign Minister Sergey Lavrov in Moscow on Monday.
        "China and Russia will always be good partners," Wang said, "whatever the weather."
        Lavrov said the two countries would coordinate at the United Nations. "We trust each other," he added.
        Wang stressed that the talks were frank. "It is a new era," said Lavrov.
    ''')
    assert [(q["speaker"], q["kind"], q["text"]) for q in rec["quotes"]] == [
        ("Wang Yi", "direct", "China and Russia will always be good partners whatever the weather."),
        ("Sergey Lavrov", "reported", "Lavrov said the two countries would coordinate at the United Nations."),
        ("Sergey Lavrov", "direct", "We trust each other"),
        ("Wang Yi", "reported", "Wang stressed that the talks were frank."),
        ("Sergey Lavrov", "direct", "It is a new era"),
    ]


def test_the_us_and_u_s_are_one_country() -> None:
    rec = story("The US and China met. U.S. officials, United States diplomats and Central Asian countries too.")
    assert names(rec, "countries") == {"United States": 3, "China": 1}


def test_surname_alone_needs_the_full_name_first() -> None:
    rec = story("Wang said the weather is fine.\n\nWang Yi met Li Wenwen. Wang said so.")
    assert names(rec, "people") == {"Wang Yi": 2}


def test_a_name_not_in_the_list_is_not_invented() -> None:
    rec = story('''
        Freedonian Foreign Minister Rufus Firefly said his country wants peace with China.
        "We are ready," Firefly said.
        The National Weather Center said rain would continue. Officials said the talks went well.
        "Maybe," a spokesperson said.
    ''')
    assert names(rec, "people") == {}
    assert [(q["speaker"], q["kind"]) for q in rec["quotes"]] == [
        ("Rufus Firefly", "reported"),  # a full capitalised name, kept as printed
        ("Rufus Firefly", "direct"),
        (None, "direct"),  # no name: no speaker
    ]


def real(name: str) -> ArticleRecord:
    return enrich_record(normalise_record(extract_article((REAL / name).read_bytes(), "https://" + SECTION + name)))


@needs_snapshot
@pytest.mark.parametrize(("name", "spokesperson"), [("t1793120.shtml", "Zhao Lijian"), ("t1758235.shtml", "Geng Shuang")])
def test_real_press_conferences(name: str, spokesperson: str) -> None:
    rec = real(name)
    answers = [t for t in rec["turns"] if t["role"] == "spokesperson"]
    assert answers and all(t["speaker"] == spokesperson for t in answers)
    # The turns say who speaks: no answer comes back as the spokesperson's quote.
    assert all(q["speaker"] != spokesperson for q in rec["quotes"])
    countries = names(rec, "countries")
    assert countries["China"] > 10 and len(countries) > 3
    assert is_diplomacy(rec)


@needs_snapshot
def test_real_countries_are_counted_per_transcript() -> None:
    a, b = real("t1793120.shtml"), real("t1758235.shtml")
    # June 29, 2020 (Australia, Mongolia, Malawi questions) and March 19, 2020 differ.
    assert names(a, "countries")["Australia"] >= 10 and "Australia" not in names(b, "countries")
    assert names(b, "countries")["Taiwan"] >= 1 and "Taiwan" not in names(a, "countries")


def test_one_pass_over_several_lists_finds_what_each_list_finds_alone() -> None:
    # Overlapping lists ("head of state" / "state visit"), a masking form, the longest
    # form, word boundaries, and a letter whose lower case is longer ("İ").
    roles = Gazetteer({"head of state": "head of state", "state councilor": "state councilor"}, ignore_case=True)
    events = Gazetteer({"state visit": "visit", "visit": "visit", "talks": "talks", "held talks": "talks"}, ignore_case=True)
    masks = Gazetteer({"talks show": None, "visits": "visit"}, ignore_case=True)
    text = "The Head of State visit. Held talks; talks show. State Councilor-visits, İstanbul talks+ talksx visit."
    scanner = Scanner(roles, events, masks)
    assert scanner.find(text) == (roles.find(text), events.find(text), masks.find(text))
    assert [h.surface for h in events.find("The Head of State visit. Held talks; talks show.")] == [
        "State visit",
        "Held talks",
        "talks",
    ]
    assert [h.value for h in masks.find("talks show, visits")] == ["visit"]
    with pytest.raises(ValueError):
        Scanner(roles, Gazetteer({"China": "China"}))
