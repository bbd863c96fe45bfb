"""Text clean-up, attribution and the raw-to-record step."""

from __future__ import annotations

import pytest

from c5crawler.items import DateText, ExtractionError, RawArticle
from c5crawler.normalise.attribution import (
    agencies_from_text,
    authors_from_byline,
    clean_name,
    split_agency_credits,
    split_credit_lines,
    split_names,
)
from c5crawler.normalise.record import normalise_record
from c5crawler.normalise.text import clean_paragraphs, clean_text, content_hash, join_paragraphs


# --- text -------------------------------------------------------------------


def test_clean_text_whitespace_and_invisible_characters() -> None:
    assert clean_text("  Wang\u00a0Yi \u200bsaid\u200d  on\tThursday \n") == "Wang Yi said on Thursday"
    assert clean_text("\ufeffCafe\u0301") == "Café"
    assert clean_text(None) == ""


def test_join_paragraphs_one_blank_line() -> None:
    assert join_paragraphs(["One.", " ", "Two\u00a0 words."]) == "One.\n\nTwo words."
    assert clean_paragraphs(["", "\u200b", "x"]) == ["x"]


def test_content_hash_ignores_whitespace_only() -> None:
    base = content_hash("Title", "One.\n\nTwo.")
    assert base == content_hash(" Title\u00a0", "One. \n\nTwo.")
    assert base != content_hash("Title", "One.\n\nTwo!")
    assert base != content_hash("Other", "One.\n\nTwo.")
    assert len(base) == 64


# --- attribution ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("CGTN's Liu Yang", "Liu Yang"),
        ("By  Liu\u00a0Yang", "Liu Yang"),
        ("BY CGTN'S WANG XIAONAN", "Wang Xiaonan"),
        ("liu yang", "Liu Yang"),
        ("CGTN reporter Hou Na", "Hou Na"),
        ("Zhou Jiaxin, CGTN correspondent", "Zhou Jiaxin"),
        ("Editor: Xu Wen", "Xu Wen"),
        ("Toby McDonald", "Toby McDonald"),
        ("CGTN", ""),
    ],
)
def test_clean_name(text: str, name: str) -> None:
    assert clean_name(text) == name


def test_split_names() -> None:
    assert split_names("Li Jingjing, Zhang Rui and Gao Yun") == ["Li Jingjing", "Zhang Rui", "Gao Yun"]
    assert split_names("Andrew Smith & Brandon Lee") == ["Andrew Smith", "Brandon Lee"]


def test_authors_from_byline() -> None:
    assert authors_from_byline("CGTN's Li Jingjing and Zhang Rui") == ["Li Jingjing", "Zhang Rui"]
    assert authors_from_byline("By Liu Yang, CGTN reporter") == ["Liu Yang"]
    assert authors_from_byline("CGTN") == []
    assert authors_from_byline(None) == []


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("(CGTN's Liu Yang also contributed to the story.)", ["Liu Yang"]),
        ("CGTN's Liu Yang also contributed to the story.", ["Liu Yang"]),
        ("(CGTN's Gao Yun and Chen Xiaoyu also contributed to the story.)", ["Gao Yun", "Chen Xiaoyu"]),
        ("CGTN reporters Hou Na, Zhou Jiaxin and Wang Tianyu contributed to this report.", ["Hou Na", "Zhou Jiaxin", "Wang Tianyu"]),
        ("(CGTN reporter Hou Na contributed to this story)", ["Hou Na"]),
        ("(CGTN’s Liu Yang and Xinhua contributed to this report.)", ["Liu Yang"]),
    ],
)
def test_split_credit_lines_variants(line: str, names: list[str]) -> None:
    kept, contributors = split_credit_lines(["First.", "Second.", line])
    assert kept == ["First.", "Second."]
    assert contributors == names


def test_credit_lines_only_at_the_end() -> None:
    body = [
        "(CGTN's Liu Yang also contributed to the story.)",
        "A.",
        "B.",
        "C.",
        "D.",
    ]
    assert split_credit_lines(body) == (body, [])
    kept, names = split_credit_lines(["A.", "(CGTN's Liu Yang also contributed to the story.)", "(Cover image via VCG)"])
    assert kept == ["A.", "(Cover image via VCG)"]
    assert names == ["Liu Yang"]


@pytest.mark.parametrize(
    ("text", "agencies"),
    [
        ("Source(s): Xinhua, AFP", ["Xinhua", "AFP"]),
        ("Source(s): Xinhua News Agency", ["Xinhua"]),
        ("Sources: Reuters and Associated Press", ["Reuters", "AP"]),
        ("Source: Agence France-Presse", ["AFP"]),
        ("(With input from Xinhua, China News Service)", ["Xinhua", "CNS"]),
        ("With input from AP, reuters & dpa", ["AP", "Reuters", "dpa"]),
        ("Source(s): People's Daily, Global Times, Kyodo, Yonhap, TASS", ["People's Daily", "Global Times", "Kyodo", "Yonhap", "TASS"]),
        ("Source(s): Xinhua, Xinhua, CGTN", ["Xinhua", "CGTN"]),
        ("Source(s): Al Jazeera", ["Al Jazeera"]),
        (None, []),
    ],
)
def test_agencies_from_text(text: str | None, agencies: list[str]) -> None:
    assert agencies_from_text(text) == agencies


def test_split_agency_credits() -> None:
    kept, agencies = split_agency_credits(["Story.", "(With input from Reuters, AFP)"])
    assert (kept, agencies) == (["Story."], ["Reuters", "AFP"])
    kept, agencies = split_agency_credits(["Story.", "Source(s): Reuters", "(Xinhua contributed to this report.)"])
    assert (kept, agencies) == (["Story."], ["Reuters", "Xinhua"])
    sentence = ["Sources said the talks would go on.", "End."]
    assert split_agency_credits(sentence) == (sentence, [])


# --- record ----------------------------------------------------------------


def raw_article(**fields: object) -> RawArticle:
    base: dict[str, object] = {
        "url": "https://news.cgtn.com/news/2020-07-16/Story-Sb0sDfUVNK/index.html",
        "source": "cgtn",
        "kind": "article",
        "title": "A  title\u00a0",
        "paragraphs": ["First\u00a0paragraph.", "Second."],
        "dates": [],
        "extractor": "cgtn",
    }
    base.update(fields)
    return RawArticle(**base)  # type: ignore[typeddict-item]


def test_single_updated_page_date_serves_both() -> None:
    rec = normalise_record(raw_article(dates=[DateText(text="Updated 21:30, 16-Jul-2020", source="page", role="updated")]))
    assert rec["published_at"] == rec["updated_at"] == "2020-07-16T13:30:00Z"
    assert (rec["date_raw"], rec["date_source"], rec["date_precision"]) == ("Updated 21:30, 16-Jul-2020", "page", "minute")


def test_published_and_updated_roles() -> None:
    rec = normalise_record(
        raw_article(
            dates=[
                DateText(text="Updated 18:05, 12-Jul-2020", source="page", role="updated"),
                DateText(text="2020-07-12T16:40:00+08:00", source="meta", role="published"),
            ]
        )
    )
    assert rec["published_at"] == "2020-07-12T08:40:00Z"
    assert rec["updated_at"] == "2020-07-12T10:05:00Z"
    assert (rec["date_raw"], rec["date_source"]) == ("2020-07-12T16:40:00+08:00", "meta")


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("15:45, 23-Mar-2022", "2022-03-23T07:45:00Z", "minute"),
        ("Updated 2020.02.06 20:06 GMT+8", "2020-02-06T12:06:00Z", "minute"),
        ("2021-08-05T09:12:00+08:00", "2021-08-05T01:12:00Z", "minute"),
        ("2022-03-23", "2022-03-22T16:00:00Z", "day"),
        ("Tue, 16 Jul 2020 13:30:00 GMT", "2020-07-16T13:30:00Z", "minute"),
    ],
)
def test_date_variants(text: str, iso: str, precision: str) -> None:
    rec = normalise_record(raw_article(dates=[DateText(text=text, source="page", role="published")]))
    assert (rec["published_at"], rec["date_precision"]) == (iso, precision)


def test_unparseable_dates_are_skipped() -> None:
    rec = normalise_record(
        raw_article(
            dates=[
                DateText(text="3 hours ago", source="page", role="published"),
                DateText(text="on September 28", source="title", role="published"),
                DateText(text="10:02, 15-Jul-2020", source="meta", role="published"),
            ]
        )
    )
    assert (rec["published_at"], rec["date_source"]) == ("2020-07-15T02:02:00Z", "meta")


def test_no_dates() -> None:
    rec = normalise_record(raw_article())
    assert rec["published_at"] is rec["updated_at"] is rec["date_raw"] is rec["date_precision"] is None


def test_date_zone_when_given() -> None:
    rec = normalise_record(
        raw_article(date_zone="UTC", dates=[DateText(text="2022-03-23 10:00", source="meta", role="published")])
    )
    assert rec["published_at"] == "2022-03-23T10:00:00Z"


def test_record_credits_body_and_defaults() -> None:
    rec = normalise_record(
        raw_article(
            paragraphs=["Story.", "\u00a0", "Sub", "More.", "(CGTN's Liu Yang also contributed to the story.)", "(With input from Reuters)"],
            headings=["Sub"],
            byline="By CGTN's Zhang Rui",
            agency_text="Source(s): Xinhua, Reuters",
            images=[
                {"url": "https://news.cgtn.com/a.jpeg", "caption": None},
                {"url": "https://news.cgtn.com/a.jpeg", "caption": " A caption "},
                {"url": "https://news.cgtn.com/b.jpeg", "caption": "B"},
            ],
        )
    )
    assert rec["title"] == "A title"
    assert rec["body"] == "Story.\n\nSub\n\nMore."
    assert rec["headings"] == ["Sub"]
    assert rec["authors"] == ["Zhang Rui"]
    assert rec["contributors"] == ["Liu Yang"]
    assert rec["agencies"] == ["Xinhua", "Reuters"]
    assert rec["images"] == [
        {"url": "https://news.cgtn.com/a.jpeg", "caption": "A caption"},
        {"url": "https://news.cgtn.com/b.jpeg", "caption": "B"},
    ]
    assert rec["turns"] == [] and rec["quotes"] == [] and rec["topics"] == []
    assert rec["mentions"] == {"countries": [], "people": [], "organisations": []}
    assert rec["content_hash"] == content_hash("A title", "Story.\n\nSub\n\nMore.")


def test_turns_pass_through() -> None:
    turn = {"speaker": "Zhao Lijian", "role": "spokesperson", "outlet": None, "text": "Yes."}
    assert normalise_record(raw_article(turns=[turn]))["turns"] == [turn]


@pytest.mark.parametrize("title", [None, "", " \u00a0\u200b "])
def test_empty_title_raises(title: str | None) -> None:
    with pytest.raises(ExtractionError, match="no title"):
        normalise_record(raw_article(title=title))
