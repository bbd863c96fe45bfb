"""The CGTN extractor on the project's own mirror pages and the real saved homepage."""

from __future__ import annotations

from pathlib import Path

import pytest

from c5crawler.extract.cgtn import canonical_url, extract_article, is_article_url, listing_links
from c5crawler.items import ExtractionError
from c5crawler.normalise.record import normalise_record
from tests.conftest import needs_data

MIRROR = Path(__file__).resolve().parents[1] / "c5crawler" / "sample_mirror" / "cgtn"
REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "real-pages"
MIRROR_HOST = "http://127.0.0.1:8080"

SEED = "news/2020-07-16/Wang-Yi-China-Central-Asia-cooperation-not-targeted-at-third-party-Sb0sDfUVNK"
SEED_URL = f"https://news.cgtn.com/{SEED}/index.html"
FLOODS = "news/2020-07-12/Yangtze-River-basin-braces-for-more-floods-as-rain-continues-Sa5ydPRmCI"
VIDEO = "news/2020-07-20/Watch-Flood-waters-recede-in-Wuhan-as-Yangtze-peak-passes-SgKx8n1vQs"
NEW_TEMPLATE = "news/2021-08-05/UN-Security-Council-holds-open-debate-on-maritime-security-12Cc9PAFmwM"
WHO = "news/2020-02-06/China-WHO-step-up-cooperation-against-novel-coronavirus-NR5ZqLvU6k"
REDESIGN = "news/2022-03-23/China-Pakistan-foreign-ministers-meet-in-Islamabad-18xLqWz0iKc"
KYRGYZSTAN = "news/2019-11-27/China-Kyrgyzstan-sign-agreements-on-infrastructure-cooperation-LTdNr7TO0w"
OLYMPICS = "news/2021-07-31/China-tops-Tokyo-Olympics-medal-table-after-gold-rush-in-diving-12rAtIvFXXi"
RUSSIA = "news/2021-03-03/Chinese-Russian-FMs-hold-talks-on-strategic-coordination-YgH2KbLmAo"
ASEAN = "news/2021-06-08/China-pledges-more-vaccine-support-for-ASEAN-countries-10XkQ4YtBm0"
HEX_2018 = "news/3d3d514d7a49444e34597a6333566d54"
BROKEN = "news/2021-01-01/Broken-page-ZZZZZZZZZZ"


def record(path: str, page: str = "index.html") -> dict:
    """The normalised record of a mirror page, fetched as if from the local mirror."""
    raw = extract_article((MIRROR / path / page).read_bytes(), f"{MIRROR_HOST}/{path}/{page}")
    return dict(normalise_record(raw))


def test_seed_story_record() -> None:
    rec = record(SEED)
    assert rec["url"] == SEED_URL
    assert rec["source"] == "cgtn"
    assert rec["kind"] == "article"
    assert rec["extractor"] == "cgtn"
    assert rec["title"] == "Wang Yi: China-Central Asia cooperation not targeted at any third party"
    assert rec["published_at"] == rec["updated_at"] == "2020-07-16T13:30:00Z"
    assert rec["date_raw"] == "Updated 21:30, 16-Jul-2020"
    assert rec["date_source"] == "page"
    assert rec["date_precision"] == "minute"
    assert rec["section"] == "China"
    assert rec["authors"] == ["Wang Mengjie"]
    assert rec["contributors"] == ["Liu Yang"]
    assert rec["agencies"] == []
    assert rec["headings"] == ["Upholding multilateralism", "Opposing virus stigma", "Promoting economic recovery"]
    assert "contributed" not in rec["body"]
    assert '"We oppose the political revolution' in rec["body"]
    assert "\n\nUpholding multilateralism\n\n" in rec["body"]
    assert rec["language"] == "en"
    assert len(rec["content_hash"]) == 64


def test_seed_story_body_has_no_page_furniture() -> None:
    rec = record(SEED)
    for furniture in ("gtag", "dataLayer", "Top news", "Related stories", "Copyright", "Share", "/Xinhua"):
        assert furniture not in rec["body"]
    assert rec["images"] == [
        {
            "url": "https://news.cgtn.com/news/2020-07-16/wangyi-cc5-video-meeting.jpeg",
            "caption": "Chinese State Councilor and Foreign Minister Wang Yi attends the China-Central Asia "
            "foreign ministers' video meeting in Beijing, July 16, 2020. /Xinhua",
        }
    ]


def test_print_variant_is_the_same_article() -> None:
    assert record(SEED, "p.html") == record(SEED)


def test_amp_variant_shares_url_and_instant() -> None:
    amp, index = record(WHO, "share_amp.html"), record(WHO)
    assert amp["url"] == index["url"] == f"https://news.cgtn.com/{WHO}/index.html"
    assert amp["date_raw"] == "Updated 2020.02.06 20:06 GMT+8"
    assert amp["published_at"] == index["published_at"] == "2020-02-06T12:06:00Z"
    assert amp["body"] == index["body"]


@pytest.mark.parametrize(
    "variant",
    [
        SEED_URL,
        f"https://news.cgtn.com/{SEED}/p.html",
        f"https://news.cgtn.com/{SEED}/share_amp.html",
        f"https://newsus.cgtn.com/{SEED}/index.html",
        f"https://newseu.cgtn.com/{SEED}/p.html",
        f"https://newsaf.cgtn.com/{SEED}/index.html",
        f"http://www.cgtn.com/{SEED}/index.html",
        f"https://news.cgtn.com/{SEED}/index.html?UTM_Source=cgtn&UTM_Medium=rss&UTM_Campaign=China",
        f"https://news.cgtn.com/{SEED}/index.html#comments",
        f"{MIRROR_HOST}/{SEED}/index.html",
        f"{MIRROR_HOST}/{SEED}/share_amp.html?utm_source=x",
    ],
)
def test_canonical_url_variants(variant: str) -> None:
    assert canonical_url(variant) == SEED_URL


def test_canonical_url_old_hex_path_and_other_urls() -> None:
    hex_url = "https://news.cgtn.com/news/3d3d514d7a49444e34597a6333566d54/index.html"
    assert canonical_url("https://newsus.cgtn.com/news/3d3d514d7a49444e34597a6333566d54/share_amp.html") == hex_url
    assert canonical_url("https://www.cgtn.com/world?utm_source=a&UTM_Medium=b&page=2#top") == "https://www.cgtn.com/world?page=2"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SEED_URL, True),
        (f"https://video.cgtn.com/{VIDEO}/index.html", True),
        ("https://news.cgtn.com/news/3d3d514d7a49444e34597a6333566d54/p.html", True),
        ("https://www.cgtn.com/world", False),
        ("https://www.cgtn.com/special/chinese-master", False),
        ("https://news.cgtn.com/news/2020-07-16/no-id/index.html", False),
        ("https://news.cgtn.com/news/2020-07-16/Some-story-Sb0sDfUVNK/other.html", False),
    ],
)
def test_is_article_url(url: str, expected: bool) -> None:
    assert is_article_url(url) is expected


def test_listing_links_are_absolute_once_per_article_and_dated() -> None:
    page = f"""<html><body>
      <div class="cg-title"><h3><a href="/{SEED}/index.html?UTM_Source=home" data-time="1594906200000">Seed</a></h3></div>
      <div class="cg-title"><h4><a href="https://newsus.cgtn.com/{SEED}/p.html">Seed again</a></h4></div>
      <div class="top-news-item-content"><a href="/{FLOODS}/index.html">Floods</a></div>
      <a href="https://www.cgtn.com/world" data-news-id="">World</a>
      <a href="javascript:void(0);" data-news-id="">Menu</a>
      <a href="/{VIDEO}/index.html" data-news-id="SgKx8n1vQs" data-time="">Video</a>
    </body></html>"""
    links = listing_links(page, "https://www.cgtn.com/china")
    # Links stay on the host the listing names (a mirror stays a mirror), one per article.
    assert [url for url, _ in links] == [
        f"https://www.cgtn.com/{SEED}/index.html",
        f"https://www.cgtn.com/{FLOODS}/index.html",
        f"https://www.cgtn.com/{VIDEO}/index.html",
    ]
    seed_date = links[0][1]
    assert seed_date is not None and seed_date.iso == "2020-07-16T13:30:00Z"
    assert links[1][1] is None and links[2][1] is None


@needs_data(REAL_PAGES)
def test_real_homepage_links() -> None:
    page = (REAL_PAGES / "cgtn-home-2021-09-13.html").read_bytes()
    links = listing_links(page, "https://www.cgtn.com/")
    urls = [url for url, _ in links]
    assert len(set(urls)) == len(urls) >= 80
    canonical = [canonical_url(url) for url in urls]
    assert len(set(canonical)) == len(canonical)
    assert all(url.startswith("https://news.cgtn.com/news/") for url in canonical)
    assert sum(date is not None for _, date in links) >= 80


def test_video_page() -> None:
    rec = record(VIDEO)
    assert rec["kind"] == "video"
    assert rec["title"] == "Watch: Flood waters recede in Wuhan as Yangtze peak passes"
    raw = extract_article((MIRROR / VIDEO / "index.html").read_bytes(), f"https://video.cgtn.com/{VIDEO}/index.html")
    assert raw["kind"] == "video"
    assert raw["url"] == f"https://news.cgtn.com/{VIDEO}/index.html"


def test_article_with_stream_and_long_text_is_not_video() -> None:
    assert record(SEED)["kind"] == "article"


def test_newer_template_section_and_date() -> None:
    rec = record(NEW_TEMPLATE)
    assert rec["section"] == "World"
    assert rec["date_raw"] == "09:12, 05-Aug-2021"
    assert rec["date_source"] == "page"
    assert rec["published_at"] == "2021-08-05T01:12:00Z"
    assert rec["headings"] == ["Law of the sea"]


def test_gtag_publish_date_gives_published_and_page_gives_updated() -> None:
    rec = record(FLOODS)
    assert rec["authors"] == []
    assert rec["published_at"] == "2020-07-12T08:40:00Z"
    assert rec["date_source"] == "meta"
    assert rec["updated_at"] == "2020-07-12T10:05:00Z"
    assert rec["headings"] == ["More rain forecast"]  # an <h2> subheading


def test_bylines_and_credits() -> None:
    assert record(RUSSIA)["authors"] == ["Li Jingjing", "Zhang Rui"]
    asean = record(ASEAN)
    assert asean["contributors"] == ["Hou Na", "Zhou Jiaxin"]
    assert "contributed" not in asean["body"]


def test_agency_block_and_agency_credit_paragraph() -> None:
    assert record(KYRGYZSTAN)["agencies"] == ["Xinhua"]
    olympics = record(OLYMPICS)
    assert olympics["agencies"] == ["Reuters", "AFP"]
    assert "With input" not in olympics["body"]
    old = record(HEX_2018)
    assert old["url"] == "https://news.cgtn.com/news/3d3d514d7a49444e34597a6333566d54/index.html"
    assert old["agencies"] == ["Xinhua", "AFP"]


def test_redesigned_page_uses_the_fallback_extractor() -> None:
    rec = record(REDESIGN)
    assert rec["extractor"] == "fallback"
    assert rec["title"] == "China, Pakistan foreign ministers meet in Islamabad"
    assert rec["body"].startswith("Chinese State Councilor and Foreign Minister Wang Yi met")
    assert "China-Pakistan Economic Corridor" in rec["body"]
    assert rec["url"] == f"https://news.cgtn.com/{REDESIGN}/index.html"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty page"),
        (b"   \n ", "empty page"),
        (b"<!-- nothing but a comment -->", "not HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "not HTML"),
        (bytes(range(256)) * 8, "not HTML"),
        ("just a line of plain text, no markup", "not HTML"),
        (b'{"json": true}', "not HTML"),
    ],
)
def test_non_html_input_raises(content: bytes | str, reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason):
        extract_article(content, SEED_URL)


def test_page_without_title_raises() -> None:
    page = "<html><head></head><body><div id='cmsMainContent'><div class='text en'><p>Text only.</p></div></div></body></html>"
    with pytest.raises(ExtractionError, match="no title"):
        extract_article(page, SEED_URL)


def test_page_without_text_raises() -> None:
    page = "<html><head><title>Only a title - CGTN</title></head><body><div class='news-title'>Only a title</div></body></html>"
    with pytest.raises(ExtractionError, match="no text"):
        extract_article(page, SEED_URL)


def test_broken_mirror_page_raises() -> None:
    with pytest.raises(ExtractionError, match="no title"):
        record(BROKEN)


def test_every_mirror_article_extracts() -> None:
    pages = [p for p in MIRROR.glob("news/**/*.html") if BROKEN not in p.as_posix()]
    assert len(pages) >= 12
    urls = set()
    for page in pages:
        folder = page.parent.relative_to(MIRROR).as_posix()
        rec = record(folder, page.name)
        assert rec["title"] and rec["published_at"] and rec["body"]
        urls.add(rec["url"])
    assert len(urls) == len(pages) - 2  # the p.html and share_amp.html variants share a row
