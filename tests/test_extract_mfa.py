"""The MFA extractor against the real 2020 snapshot (old template) and written pages (current)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from c5crawler.extract.mfa import (
    canonical_url,
    extract_article,
    is_article_url,
    is_deleted_page,
    listing_links,
    listing_pages,
)
from c5crawler.normalise.record import normalise_record
from tests.conftest import needs_data
from c5crawler.items import ExtractionError, RawArticle
from c5crawler.normalise.dates import parse_date
from c5crawler.normalise.turns import spokesperson_from_title

SNAPSHOT = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "fmprc-2020-07-04"
SECTION = "www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
REAL = SNAPSHOT / SECTION
BASE = "https://" + SECTION
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mfa"

needs_snapshot = needs_data(REAL)

# What the 2020-07-04 snapshot holds (measured): 13 listing pages of 40 links (20 on
# the last) = 500 transcripts, 100 of them saved.
LISTING_PAGES = 13
TRANSCRIPT_LINKS = 500
SAVED_TRANSCRIPTS = 100
# Titles without a usable full date: "on September 13/20/28" (no year).
YEARLESS_TITLES = {"t1594900.shtml", "t1597236.shtml", "t1600384.shtml"}

FULL_TITLE_DATE = re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|December) ?\d{1,2}, \d{4}")


@lru_cache(maxsize=None)
def real_article(name: str) -> RawArticle:
    return extract_article((REAL / name).read_bytes(), BASE + name)


def transcripts() -> list[str]:
    return sorted(path.name for path in REAL.glob("t*.shtml")) if REAL.is_dir() else []


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- real snapshot: listings --------------------------------------------------


@needs_snapshot
def test_listing_pages_from_the_javascript_pager() -> None:
    pages = listing_pages((REAL / "default.shtml").read_bytes(), BASE + "default.shtml")
    assert len(pages) == LISTING_PAGES
    assert pages[0] == BASE + "default.shtml"
    assert pages[1:] == [BASE + f"default_{n}.shtml" for n in range(1, LISTING_PAGES)]
    # any page of the listing, and the bare folder, give the same list
    assert listing_pages((REAL / "default_7.shtml").read_bytes(), BASE + "default_7.shtml") == pages
    assert listing_pages((REAL / "default.shtml").read_bytes(), BASE) == pages
    assert all((REAL / page.rsplit("/", 1)[1]).is_file() for page in pages)


@needs_snapshot
def test_listing_links_of_all_pages() -> None:
    links: list[str] = []
    for page in listing_pages((REAL / "default.shtml").read_bytes(), BASE):
        name = page.rsplit("/", 1)[1]
        page_links = listing_links((REAL / name).read_bytes(), page)
        assert page_links, name
        links.extend(page_links)
    assert len(links) == TRANSCRIPT_LINKS
    assert len(set(links)) == TRANSCRIPT_LINKS
    assert all(re.fullmatch(re.escape(BASE) + r"t\d+\.shtml", link) for link in links)
    first = listing_links((REAL / "default.shtml").read_bytes(), BASE + "default.shtml")
    assert first[0] == BASE + "t1794629.shtml"  # page order: newest first
    saved = {BASE + name for name in transcripts()}
    assert len(saved) == SAVED_TRANSCRIPTS and saved <= set(links)


# --- real snapshot: transcripts -------------------------------------------------


@needs_snapshot
@pytest.mark.parametrize("name", transcripts())
def test_every_real_transcript(name: str) -> None:
    article = real_article(name)
    assert article["url"] == BASE + name
    assert article["source"] == "mfa" and article["extractor"] == "mfa" and article["language"] == "en"
    assert article["kind"] == "press_conference"
    assert article["section"] == "press_conferences"
    title = article["title"]
    assert title and title.startswith("Foreign Ministry Spokesperson ")
    paragraphs = article["paragraphs"]
    assert len(paragraphs) >= 5
    assert all(paragraph and paragraph == " ".join(paragraph.split()) for paragraph in paragraphs)
    body = "\n\n".join(paragraphs)
    for chrome in ("[Print]", "Print", "Close", "Suggest to a friend", "Related News", "Copyright",
                   "Regular Press Conference\n", "Go to Page", "countPage"):
        assert chrome not in body, chrome
    spokesperson = spokesperson_from_title(title)
    assert spokesperson
    turns = normalise_record(article)["turns"]
    roles = Counter(turn["role"] for turn in turns)
    assert roles["journalist"] >= 3 and roles["spokesperson"] >= 3
    assert all(turn["speaker"] == spokesperson for turn in turns if turn["role"] != "journalist")
    assert all(turn["outlet"] is None for turn in turns if turn["role"] != "journalist")
    # a question is followed by an answer: the roles alternate after the announcements
    exchange = [turn["role"] for turn in turns if turn["role"] != "announcement"]
    assert all(a != b for a, b in zip(exchange, exchange[1:]))
    assert all(image["url"].startswith(BASE + "W0") for image in article["images"])


@needs_snapshot
def test_real_title_dates() -> None:
    with_full_date = [name for name in transcripts() if FULL_TITLE_DATE.search(real_article(name)["title"] or "")]
    malformed = [name for name in transcripts() if "June11, 2018" in (real_article(name)["title"] or "")]
    assert len(with_full_date) == SAVED_TRANSCRIPTS - len(YEARLESS_TITLES)
    assert malformed == ["t1567808.shtml"]
    for name in with_full_date:
        first = real_article(name)["dates"][0]
        assert first["source"] == "title"
        expected = FULL_TITLE_DATE.search(real_article(name)["title"] or "")
        assert expected is not None
        assert parse_date(first["text"]) == parse_date(expected.group(0).replace("June11", "June 11"))
        assert parse_date(first["text"]).precision == "day"  # type: ignore[union-attr]
    # the page prints its own text: "July 3, 2020" becomes date_raw
    assert real_article("t1793120.shtml")["dates"][0]["text"] == "June 29, 2020"


@needs_snapshot
def test_real_malformed_title_date() -> None:
    first = real_article("t1567808.shtml")["dates"][0]
    assert first["source"] == "title"
    assert first["text"] == "June 11, 2018"
    parsed = parse_date(first["text"])
    assert parsed is not None and parsed.iso == "2018-06-10T16:00:00Z"


@needs_snapshot
@pytest.mark.parametrize("name", sorted(YEARLESS_TITLES))
def test_real_yearless_titles_take_the_image_year(name: str) -> None:
    article = real_article(name)
    assert not FULL_TITLE_DATE.search(article["title"] or "")
    first, *rest = article["dates"]
    assert first["source"] == "title+image"
    day = re.search(r"September (\d+)$", article["title"] or "")
    assert day is not None
    assert first["text"] == f"2018-09-{int(day.group(1)):02d}"
    assert [candidate["source"] for candidate in rest] == ["image"]


@needs_snapshot
def test_real_image_dates_are_a_fallback_only() -> None:
    # images are sometimes uploaded the day after the conference
    article = real_article("t1565728.shtml")  # June 4, 2018, images of June 5
    assert [(d["source"], d["text"]) for d in article["dates"]] == [("title", "June 4, 2018"), ("image", "2018-06-05")]
    no_images = real_article("t1741546.shtml")  # a Daily Briefing Online without photos
    assert [d["source"] for d in no_images["dates"]] == ["title"]


@needs_snapshot
def test_real_paragraphs_split_at_line_breaks() -> None:
    # this transcript is ten <P>s with <BR><BR> between questions and answers
    article = real_article("t1752564.shtml")
    assert any(p.startswith("First, some figures from the NHC.") and "Q:" not in p for p in article["paragraphs"])
    assert any(p.startswith("Q: Reports say the US House of Representatives") for p in article["paragraphs"])
    assert len(article["paragraphs"]) > 20


@needs_snapshot
def test_real_bytes_are_decoded_as_utf8() -> None:
    article = real_article("t1793120.shtml")
    assert not any("\ufffd" in p or "Ã" in p for p in article["paragraphs"])
    assert is_deleted_page((REAL / "t1793120.shtml").read_bytes(), BASE + "t1793120.shtml") is False


# --- current template: written pages ------------------------------------------------

PRESS_URL = "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"
REMARKS_URL = "https://www.mfa.gov.cn/eng/xw/fyrbt/fyrbt/202403/t20240315_11260001.html"
STATEMENT_URL = "https://www.mfa.gov.cn/eng/xw/fyrbt/fyrbt/202403/t20240320_11262000.html"
ACTIVITY_URL = "https://www.mfa.gov.cn/eng/wjb/wjbz/hd/202403/t20240314_11259000.html"


def test_current_press_conference() -> None:
    article = extract_article(fixture("press_conference_lin_jian.html"), PRESS_URL + "#p1")
    # Served from www.fmprc.gov.cn, archived under the canonical www.mfa.gov.cn.
    assert article["url"] == PRESS_URL.replace("www.fmprc.gov.cn", "www.mfa.gov.cn")
    assert article["kind"] == "press_conference" and article["section"] == "press_conferences"
    assert article["title"] == "Foreign Ministry Spokesperson Lin Jian’s Regular Press Conference on March 12, 2024"
    assert article["summary"] is None
    assert [(d["source"], d["text"]) for d in article["dates"]] == [
        ("meta", "2024-03-12 15:30"),
        ("title", "March 12, 2024"),
        ("url", "2024-03-12"),
        ("image", "2024-03-12"),
    ]
    assert all(d["role"] == "published" for d in article["dates"])
    parsed = parse_date(article["dates"][0]["text"])
    assert parsed is not None and parsed.iso == "2024-03-12T07:30:00Z" and parsed.precision == "minute"
    paragraphs = article["paragraphs"]
    assert paragraphs[0].startswith("At the invitation of")
    assert paragraphs[-1] == "Lin Jian: We have stated our position on many occasions."
    body = "\n\n".join(paragraphs)
    assert "Print" not in body and "Close" not in body and "Related" not in body and "Weibo" not in body
    assert "Home" not in body and "Copyright" not in body
    assert article["images"] == [
        {"url": "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202403/W020240312612345678901.jpg", "caption": None},
        {"url": "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202403/W020240312612345699902.jpg", "caption": None},
    ]
    turns = normalise_record(article)["turns"]
    assert [(t["role"], t["speaker"], t["outlet"]) for t in turns] == [
        ("announcement", "Lin Jian", None),
        ("journalist", None, "CCTV"),
        ("spokesperson", "Lin Jian", None),
        ("journalist", None, "AFP"),
        ("spokesperson", "Lin Jian", None),
        ("journalist", None, "AFP"),  # the follow-up keeps its outlet
        ("spokesperson", "Lin Jian", None),
        ("journalist", None, "Bloomberg"),
        ("spokesperson", "Lin Jian", None),
    ]
    assert turns[2]["text"] == (
        "The two sessions have sent a clear message of confidence in China’s high-quality development."
        "\n\nChina will continue to open up at a high standard."
    )
    assert turns[5]["text"] == "Was anyone hurt?"


def test_current_remarks() -> None:
    article = extract_article(fixture("spokesperson_remarks.html"), REMARKS_URL)
    assert article["kind"] == "remarks" and article["section"] == "spokesperson_remarks"
    assert article["summary"] == "China expresses condolences over the earthquake in Example."
    assert [d["source"] for d in article["dates"]] == ["meta", "url"]
    assert article["paragraphs"][-1] == "China stands ready to provide assistance within its capacity."
    assert normalise_record(article)["turns"] == []


def test_current_statement() -> None:
    article = extract_article(fixture("statement.html"), STATEMENT_URL)
    assert article["kind"] == "statement" and article["section"] == "spokesperson_remarks"
    assert article["paragraphs"] == [
        "China welcomes the adoption of Resolution 9999 by the Security Council.",
        "China will continue to work with all parties for lasting peace.",
    ]
    parsed = parse_date(article["dates"][0]["text"])
    assert parsed is not None and parsed.iso == "2024-03-20T00:00:00Z"


def test_current_minister_activity() -> None:
    # the canonical link wins over the request URL (here with a query)
    article = extract_article(fixture("minister_activity.html"), ACTIVITY_URL.replace("www.mfa", "www.fmprc") + "?from=list")
    assert article["url"] == ACTIVITY_URL
    assert article["kind"] == "article" and article["section"] == "minister_activities"
    assert article["title"] == "Wang Yi Meets with Foreign Minister of Example Jane Doe"
    assert article["images"][0]["caption"] == "Wang Yi meets Jane Doe in Beijing"
    assert len(article["paragraphs"]) == 3 and normalise_record(article)["turns"] == []


def test_deleted_system_page() -> None:
    page = fixture("system_deleted.html")
    assert is_deleted_page(page, "https://www.mfa.gov.cn/web/system/index_17321.shtml")
    # recognised by its content too, when the redirect is not known
    assert is_deleted_page(page, PRESS_URL)
    # an article under any URL is not a deletion, but the system path always is
    assert not is_deleted_page(fixture("statement.html"), STATEMENT_URL)
    assert is_deleted_page(fixture("statement.html"), "https://www.mfa.gov.cn/web/system/index_17321.shtml")
    with pytest.raises(ExtractionError):
        extract_article(page, PRESS_URL)


def test_current_listing() -> None:
    listing = fixture("listing_index.html")
    url = "https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/"
    folder = url + "202403/"
    assert listing_links(listing, url) == [
        folder + "t20240312_11258093.html",
        folder + "t20240311_11257512.html",
        folder + "t20240308_11256001.html",
    ]
    assert listing_pages(listing, url) == [url + "index.html", url + "index_1.html", url + "index_2.html"]


def test_listing_without_pager_is_one_page() -> None:
    url = "https://www.mfa.gov.cn/eng/xw/wjbxw/index.html"
    assert listing_pages("<html><body><ul><li><a href='./202403/t20240301_1.html'>x</a></li></ul></body></html>", url) == [url]


# --- date fallbacks ---------------------------------------------------------------


def old_page(title: str, *images: str) -> str:
    """A minimal old-template page: the date only in the title and the image names."""
    tags = "".join(f'<P align=center><IMG src="./{image}"></P>' for image in images)
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
        f"<title>{title}</title></head><body><div class=\"content_mod\"><h2 class=\"title\">{title}</h2>"
        '<div class="date" id="News_Body_Time"></div>'
        f'<div class="content">{tags}<P><B>Q: A question?</B></P><P>A: An answer.</P></div>'
        '<div class="tool"><a href="javascript:window.print();">Print</a></div></div></body></html>'
    )


def sources(article: RawArticle) -> list[tuple[str, str]]:
    return [(d["source"], d["text"]) for d in article["dates"]]


def test_malformed_title_date() -> None:
    title = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on June11, 2018"
    article = extract_article(old_page(title), BASE + "t1567808.shtml")
    assert sources(article) == [("title", "June 11, 2018")]


def test_yearless_title_with_image_names() -> None:
    title = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on September 28"
    page = old_page(title, "W020180928111111111111.jpg", "W020180929222222222222.jpg", "W020180928333333333333.jpg")
    assert sources(extract_article(page, BASE + "t1600384.shtml")) == [
        ("title+image", "2018-09-28"),
        ("image", "2018-09-28"),  # the most common upload day
    ]


def test_yearless_title_across_new_year() -> None:
    # a 31 December conference whose photos were uploaded on 1 January
    title = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on December 31"
    page = old_page(title, "W020200101444444444444.jpg")
    assert sources(extract_article(page, BASE + "t1729013.shtml"))[0] == ("title+image", "2019-12-31")


def test_title_without_year_alone_is_no_date() -> None:
    title = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on September 28"
    assert extract_article(old_page(title), BASE + "t1600384.shtml")["dates"] == []


def test_title_without_date_and_dated_url() -> None:
    page = (
        "<html><head><meta name='ArticleTitle' content='Foreign Ministry Spokesperson’s Remarks on US Sanctions'>"
        "</head><body><div class='TRS_UEDITOR'><p>China firmly opposes the sanctions.</p></div></body></html>"
    )
    article = extract_article(page, REMARKS_URL)
    assert sources(article) == [("url", "2024-03-15")]
    parsed = parse_date(article["dates"][0]["text"])
    assert parsed is not None and parsed.iso == "2024-03-14T16:00:00Z" and parsed.precision == "day"


def test_yearless_title_with_dated_url_folder() -> None:
    page = (
        "<html><head><meta name='ArticleTitle' content='Remarks on January 2'></head>"
        "<body><div class='TRS_UEDITOR'><p>Text.</p></div></body></html>"
    )
    url = "https://www.mfa.gov.cn/eng/xw/fyrbt/fyrbt/202401/t_11200000.html"
    assert sources(extract_article(page, url)) == [("title+url", "2024-01-02")]


def test_nothing_at_all() -> None:
    title = "Foreign Ministry Spokesperson Hua Chunying's Remarks on US Remarks on Venezuela"
    article = extract_article(old_page(title), BASE + "t1688000.shtml")
    assert article["dates"] == []
    assert article["kind"] == "press_conference"  # the section decides


def test_page_date_element_when_filled() -> None:
    page = old_page("Regular Press Conference on July 3, 2020").replace(
        '<div class="date" id="News_Body_Time"></div>', '<div class="date" id="News_Body_Time">2020-07-03 19:00</div>'
    )
    assert sources(extract_article(page, BASE + "t1794629.shtml"))[:2] == [("page", "2020-07-03 19:00"), ("title", "July 3, 2020")]


# --- kinds by title where the section says nothing ------------------------------------


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Foreign Ministry Spokesperson Mao Ning’s Regular Press Conference on May 6, 2024", "press_conference"),
        ("Foreign Ministry Spokesperson’s Remarks on the G7 Statement", "remarks"),
        ("Statement of the Ministry of Foreign Affairs on Countermeasures", "statement"),
        ("Foreign Ministry Spokesperson Answers Journalists’ Questions on the Summit", "remarks"),
        ("Wang Yi Holds Talks with Foreign Minister of Example", "article"),
    ],
)
def test_kind_from_title(title: str, kind: str) -> None:
    page = f"<html><head><meta name='ArticleTitle' content='{title}'></head><body><div class='TRS_UEDITOR'><p>Text.</p></div></body></html>"
    assert extract_article(page, "https://www.mfa.gov.cn/eng/zxxx/202405/t20240506_1.html")["kind"] == kind


def test_page_without_body_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        extract_article("<html><head><title>Home</title></head><body><p>Menu</p></body></html>", PRESS_URL)


def test_canonical_url_is_one_identity_per_page() -> None:
    current = "https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/202403/t20240312_11258093.html"
    for variant in (
        current,
        current.replace("www.mfa.gov.cn", "www.fmprc.gov.cn") + "#top",
        current.replace("https://www.mfa.gov.cn", "http://127.0.0.1:8080") + "?utm_source=x",
    ):
        assert canonical_url(variant) == current
    old = "http://127.0.0.1:5000/mfa_eng/xwfw_665399/s2510_665401/2511_665403/t1794629.shtml"
    assert canonical_url(old) == old.replace("http://127.0.0.1:5000", "https://www.fmprc.gov.cn")
    assert is_article_url(old) and is_article_url(current)
    assert not is_article_url(old.replace("t1794629.shtml", "default_1.shtml"))
