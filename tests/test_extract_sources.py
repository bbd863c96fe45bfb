"""Xinhua, China Daily and Global Times extractors on pages written for this project."""

from __future__ import annotations

from pathlib import Path

import pytest

from c5crawler.extract import chinadaily, extract_page, globaltimes, source_for_url, xinhua
from c5crawler.extract.dating import UrlDate, cross_checked
from c5crawler.items import DateText, ExtractionError
from c5crawler.normalise.record import normalise_record

FIXTURES = Path(__file__).parent / "fixtures"
MIRROR = "http://127.0.0.1:8080"

XINHUA_2020 = "english/2020-07/16/c_139217426.htm"
XINHUA_2022 = "20220804/7f3c2a9e0b5d4c6e8a1f2b3c4d5e6f70/c.html"
CD_C5 = "a/202007/17/WS5f10e6c6a31083481725a8f2.html"
CD_C5_PAGE_2 = "a/202007/17/WS5f10e6c6a31083481725a8f2_2.html"
CD_BUDDHIST = "a/202208/04/WS62eb1f2ea310fd2b29e70a5b.html"
GT_C5 = "page/202007/1194771.shtml"
GT_2022 = "page/202204/1259458.shtml"


def page(site: str, path: str) -> bytes:
    return (FIXTURES / site / path).read_bytes()


def record(module, site: str, path: str) -> dict:
    return dict(normalise_record(module.extract_article(page(site, path), f"{MIRROR}/{path}")))


# -- Xinhua -----------------------------------------------------------------------------
def test_xinhua_2020_article() -> None:
    rec = record(xinhua, "xinhua", XINHUA_2020)
    assert rec["url"] == f"https://www.xinhuanet.com/{XINHUA_2020}"
    assert rec["source"] == rec["extractor"] == "xinhua"
    assert rec["title"] == "China, Central Asian countries hold first C+C5 foreign ministers' meeting"
    assert (rec["published_at"], rec["date_raw"], rec["date_source"]) == ("2020-07-16T14:41:05Z", "2020-07-16 22:41:05", "meta")
    assert rec["agencies"] == ["Xinhua"] and rec["authors"] == []
    assert rec["body"].startswith("BEIJING, July 16 (Xinhua) -- Chinese State Councilor")
    for furniture in ("Editor", "huaxia", "Related", "Share", "Copyright", "Zhai Jianlan"):
        assert furniture not in rec["body"]
    assert rec["images"][0]["caption"].endswith("(Xinhua/Zhai Jianlan)")


def test_xinhua_current_article_and_identity() -> None:
    rec = record(xinhua, "xinhua", XINHUA_2022)
    assert rec["url"] == f"https://english.news.cn/{XINHUA_2022}"
    assert rec["title"] == "Chinese, Kazakh FMs discuss Global Development Initiative"
    assert rec["published_at"] == "2022-08-04T03:02:37Z"
    assert rec["headings"] == ["Closer coordination"]
    assert "Editor: Liu Yang" not in rec["body"] and "Most viewed" not in rec["body"]
    tracked = f"{MIRROR}/{XINHUA_2022}?utm_source=rss&utm_medium=feed#top"
    assert xinhua.canonical_url(tracked) == rec["url"]
    assert xinhua.is_article_url(tracked) and not xinhua.is_article_url(f"{MIRROR}/china/index.htm")


def test_xinhua_section_links() -> None:
    links = xinhua.listing_links(page("xinhua", "china/index.htm"), f"{MIRROR}/china/index.htm")
    assert links == [f"{MIRROR}/{XINHUA_2022}", f"{MIRROR}/{XINHUA_2020}"]


# -- China Daily ------------------------------------------------------------------------
def test_chinadaily_byline_line() -> None:
    assert chinadaily.split_info_line("By Zhang Yunbi | China Daily | Updated: 2022-08-04 09:35") == (
        "By Zhang Yunbi", "China Daily", "Updated: 2022-08-04 09:35"
    )
    assert chinadaily.split_info_line("Xinhua | Updated: 2022-08-04 09:35") == (None, "Xinhua", "Updated: 2022-08-04 09:35")


def test_chinadaily_buddhist_era_publishdate_loses_to_the_url() -> None:
    html = page("chinadaily", CD_BUDDHIST)
    assert b'name="publishdate" content="2565-08-04 09:35:00"' in html
    rec = record(chinadaily, "chinadaily", CD_BUDDHIST)
    # The URL gives the day (4 August 2022), the page's only stamp the minute on that day.
    assert rec["published_at"] == rec["updated_at"] == "2022-08-04T01:35:00Z"  # 09:35 Beijing time
    assert (rec["date_source"], rec["date_precision"], rec["date_raw"]) == ("page", "minute", "Updated: 2022-08-04 09:35")
    assert rec["authors"] == ["Zhang Yunbi"]
    # "(Xinhua contributed ...)"; the credit line's "China Daily" is the paper itself, no agency.
    assert rec["agencies"] == ["Xinhua"]
    assert "contributed" not in rec["body"]


def test_chinadaily_meta_year_that_disagrees_with_the_url_loses() -> None:
    html = page("chinadaily", CD_BUDDHIST).replace(b"2565-08-04 09:35:00", b"2021-08-04 09:35:00")
    rec = dict(normalise_record(chinadaily.extract_article(html, f"{MIRROR}/{CD_BUDDHIST}")))
    assert rec["published_at"] == "2022-08-04T01:35:00Z" and rec["date_source"] == "page"


def test_chinadaily_agreeing_meta_wins_and_pages_link_on() -> None:
    raw = chinadaily.extract_article(page("chinadaily", CD_C5), f"{MIRROR}/{CD_C5}")
    assert raw["next_page"] == f"{MIRROR}/{CD_C5_PAGE_2}"
    rec = dict(normalise_record(raw))
    assert rec["url"] == f"https://www.chinadaily.com.cn/{CD_C5}"
    assert (rec["published_at"], rec["date_source"]) == ("2020-07-16T23:19:00Z", "meta")
    assert rec["section"] == "Diplomacy" and rec["authors"] == ["Cao Desheng"]
    assert rec["images"][0]["caption"].startswith("State Councilor and Foreign Minister Wang Yi")
    assert "Next" not in rec["body"] and "Most Popular" not in rec["body"]
    second = chinadaily.extract_article(page("chinadaily", CD_C5_PAGE_2), f"{MIRROR}/{CD_C5_PAGE_2}")
    assert second["url"] == rec["url"] and second["next_page"] is None  # a "Previous" link is not a next page
    assert second["headings"] == ["Joint statement"]


def test_chinadaily_identity() -> None:
    for variant in (
        f"{MIRROR}/{CD_C5_PAGE_2}",
        f"https://global.chinadaily.com.cn/{CD_C5}?utm_source=rss",
        f"http://www.chinadaily.com.cn/{CD_C5}#comments",
    ):
        assert chinadaily.canonical_url(variant) == f"https://www.chinadaily.com.cn/{CD_C5}"
    assert chinadaily.first_page_url(f"{MIRROR}/{CD_C5_PAGE_2}?utm_source=x") == f"{MIRROR}/{CD_C5}"
    links = chinadaily.listing_links(page("chinadaily", "china/diplomacy/index.html"), f"{MIRROR}/china/diplomacy")
    assert links == [f"{MIRROR}/{CD_BUDDHIST}", f"{MIRROR}/{CD_C5}"]


# -- Global Times -----------------------------------------------------------------------
def test_globaltimes_article() -> None:
    rec = record(globaltimes, "globaltimes", GT_C5)
    assert rec["url"] == f"https://www.globaltimes.cn/{GT_C5}"
    assert rec["title"] == "China, Central Asian countries vow closer cooperation at first C+C5 FM meeting"
    assert (rec["published_at"], rec["date_raw"]) == ("2020-07-16T14:51:00Z", "Published: Jul 16, 2020 10:51 PM")
    assert rec["authors"] == ["Zhang Han", "Yang Sheng"]
    assert rec["section"] == "CHINA / DIPLOMACY"
    paragraphs = rec["body"].split("\n\n")  # <br><br>-separated text, one paragraph each
    assert len(paragraphs) == 3 and paragraphs[1].startswith("Chinese State Councilor")
    assert "Photo: Xinhua" not in rec["body"] and "RELATED" not in rec["body"]


def test_globaltimes_staff_byline_is_a_credit_and_pm_is_afternoon() -> None:
    rec = record(globaltimes, "globaltimes", GT_2022)
    assert rec["published_at"] == "2022-04-17T08:21:00Z"  # "Apr 17, 2022 04:21 PM" Beijing
    # "By Global Times" names the paper itself: neither an author nor an agency.
    assert rec["authors"] == [] and rec["agencies"] == []


def test_globaltimes_published_and_updated_stamps() -> None:
    assert globaltimes.page_dates("Published: Apr 17, 2022 04:21 PM Updated: Apr 18, 2022 09:00 AM") == [
        DateText(text="Published: Apr 17, 2022 04:21 PM", source="page", role="published"),
        DateText(text="Updated: Apr 18, 2022 09:00 AM", source="page", role="updated"),
    ]


def test_globaltimes_meta_date_outside_the_url_month_loses_the_page_date_stays() -> None:
    meta = [DateText(text="2019-07-16T22:51:00+08:00", source="meta", role="published")]
    assert cross_checked(meta, globaltimes.url_date(f"{MIRROR}/{GT_C5}")) == []
    assert cross_checked(meta, UrlDate.month(2019, 7)) == meta
    # What the page shows is what readers saw: it is kept, and wins over other candidates.
    shown = [DateText(text="Published: Jul 16, 2019 10:51 PM", source="page", role="published")]
    assert cross_checked(shown, globaltimes.url_date(f"{MIRROR}/{GT_C5}")) == shown


# -- shared -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("site", "path", "url"),
    [
        ("xinhua", XINHUA_2022, f"https://english.news.cn/{XINHUA_2022}"),
        ("xinhua", XINHUA_2020, f"http://www.xinhuanet.com/{XINHUA_2020}"),
        ("chinadaily", CD_C5, f"https://www.chinadaily.com.cn/{CD_C5}"),
        ("globaltimes", GT_C5, f"https://www.globaltimes.cn/{GT_C5}"),
    ],
)
def test_registry_knows_the_new_sites(site: str, path: str, url: str) -> None:
    """`c5crawler extract FILE --url URL` picks the site's extractor from the URL."""
    assert source_for_url(url) == site
    assert extract_page(page(site, path), url)["extractor"] == site


@pytest.mark.parametrize("module", [xinhua, chinadaily, globaltimes])
def test_a_page_that_is_not_an_article_is_an_extraction_error(module) -> None:
    with pytest.raises(ExtractionError):
        module.extract_article(b"<html><head><title></title></head><body><div id='nav'></div></body></html>", f"{MIRROR}/x.html")
    with pytest.raises(ExtractionError):
        module.extract_article(b"\x89PNG\r\n\x1a\n\x00\x00", f"{MIRROR}/x.html")
