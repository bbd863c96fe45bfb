"""Every extractor on the shared real pages (../shared/real-pages/news-sites), read in place.

Per manifest line: title, language and section as the manifest gives them; dates to
the minute, authors, agencies and the body's first and last sentence as checked by
reading each page; and no page furniture in any body. The generic extractor gets
the furniture checks on the body fragments in `other/`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from c5crawler.extract import cgtn, extract_page, xinhua
from c5crawler.extract.fallback import extract_generic
from c5crawler.normalise.furniture import strip_furniture
from c5crawler.normalise.record import normalise_record
from tests.conftest import REAL_PAGES, needs_data

NEWS_SITES = REAL_PAGES / "news-sites"
needs_news_sites = needs_data(NEWS_SITES / "manifest.jsonl")


def _lines(name: str) -> list[dict[str, Any]]:
    path = NEWS_SITES / name
    if not path.is_file():
        return [{"file": f"(missing {name})"}]  # one case, which fails under CI=true
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


PAGES = _lines("manifest.jsonl")
FRAGMENTS = [line for line in _lines("other.jsonl") if line.get("kind", "fragment") == "fragment"]

# What each page shows, read off the page: UTC instants of its Beijing-time stamps,
# credits, and the body's first and last sentence.
TRUTH: dict[str, dict[str, Any]] = {
    "cgtn/2.html": {
        "url": "https://news.cgtn.com/news/3d3d514e7a51444d32457a6333566d54/index.html",
        "published_at": "2019-01-16T01:10:00Z",
        "updated_at": "2019-01-16T01:10:00Z",
        "authors": [],  # the byline reads "CGTN": the outlet itself
        "agencies": ["AFP", "Reuters"],  # "Source(s): AFP, Reuters"
        "first": "Britain's parliament on Tuesday resoundingly rejected Prime Minister Theresa May's Brexit deal, "
        "triggering a no-confidence vote in her government and plunging its plans to leave the EU into further disarray.",
        "last": "Speculation is growing that May could ask to delay Britain's divorce from the EU after almost half a "
        "century of membership, but a diplomatic source told AFP any extension would not be possible beyond June 30, "
        "when the new European Parliament will be formed.",
    },
    "chinadaily/2.html": {
        "url": "https://www.chinadaily.com.cn/a/202405/13/WS664167f4a31082fc043c6af7.html",
        "published_at": "2024-05-13T01:08:00Z",
        "updated_at": "2024-05-13T01:08:00Z",
        "authors": ["Wang Xiaoyu"],  # not the meta author, who is the editor
        "agencies": [],  # "China Daily" in the credit line is the paper itself
        "section": "Society",
        "first": "For centuries, the concept of yangsheng — a Taoist and traditional Chinese approach to self-care "
        "and maintaining good health — has mainly been popular among retirees and the elderly.",
        "last": "The patient's condition was soon alleviated without any medical interventions, she said.",
    },
    "xinhua/1.html": {
        "url": "https://www.news.cn/fortune/2023-11/17/c_1129981476.htm",
        "published_at": "2023-11-17T12:52:15Z",
        "updated_at": "2023-11-17T12:52:15Z",
        "authors": [],
        "agencies": ["Xinhua"],  # the dateline "新华社北京11月17日电"; "来源：新华网" is the site itself
        "first": "新华社北京11月17日电 记者17日从国家卫生健康委获悉，近阶段，相关部门持续依托短缺药品供应保障工作会商联动机制，"
        "深入优化短缺药品实时监测预警与分级应对体系，全力保障人民群众临床用药需求。",
        "last": "国家中医药局积极协调相关部门、行业协会等，推动中药材供需总体平衡。",
    },
    "xinhua/3.html": {
        "url": "https://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm",
        "published_at": "2020-02-19T12:29:58Z",
        "updated_at": "2020-02-19T12:29:58Z",
        "authors": [],
        "agencies": ["半月谈"],  # "来源： 半月谈"
        "first": "“妈妈，为什么还不能出去？”",
        "last": "正是有了英勇的你们，才有这座英雄的城！（评论员 罗博 萧海川）",
    },
    "xinhua/5.html": {
        "url": "https://www.he.news.cn/20240515/d59c39d4160a4fe4b3084c3e4abfb450/c.html",
        "published_at": "2024-05-15T00:58:52Z",
        "updated_at": "2024-05-15T00:58:52Z",
        "authors": [],
        "agencies": [],
        "contributors": ["刘满仓"],  # "新华社发（刘满仓摄）"
        "first": "5月13日，在河北省遵化市东新庄镇一家庭农场，无人驾驶农机在播种玉米。",
        "last": "近年来，河北省遵化市积极推行农机无人驾驶耕种和无人机植保作业等数字农机服务工作，促进农业增效、农民增收。",
    },
}

# Text that is page furniture on these sites, never story.
FURNITURE = (
    "【纠错】", "纠错", "责任编辑", "Play Video", "下一页", "|<<", "图集", "分享", "Photo: VCG", "/VCG Photo",
    "Read more", "RELATED STORIES", "Source(s)", "摄）", " 摄", "(Xinhua/", "■", "WELCOME TO CGTN", "FOLLOW US",
    "8150km", "Sign up here",
)


def record(line: dict[str, Any]) -> dict[str, Any]:
    return dict(normalise_record(extract_page((NEWS_SITES / line["file"]).read_bytes(), line["url"])))


def beijing(utc: str) -> datetime:
    return datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=8)


@needs_news_sites
@pytest.mark.parametrize("line", PAGES, ids=[line["file"] for line in PAGES])
def test_real_page(line: dict[str, Any]) -> None:
    truth = TRUTH[line["file"]]
    rec = record(line)
    assert rec["extractor"] == rec["source"] == line["site"]
    assert rec["url"] == truth["url"]
    assert rec["title"] == line["title"]
    assert rec["language"] == line["lang"]
    assert rec["section"] == truth.get("section", line.get("section"))
    # Dates to the minute, Beijing time to UTC; the manifest's text shows the same local minute.
    assert (rec["published_at"], rec["updated_at"]) == (truth["published_at"], truth["updated_at"])
    assert rec["date_precision"] == "minute" and rec["date_source"] == "page"
    shown = beijing(truth["published_at"])
    assert shown.strftime("%H:%M") in line["date_text"] and str(shown.year) in line["date_text"]
    assert (rec["authors"], rec["agencies"]) == (truth["authors"], truth["agencies"])
    assert rec["contributors"] == truth.get("contributors", [])
    assert rec["body"].startswith(truth["first"])
    assert rec["body"].endswith(truth["last"])
    for furniture in FURNITURE:
        assert furniture not in rec["body"], furniture
    assert rec["title"] not in rec["body"].split("\n\n")


@needs_news_sites
def test_cgtn_share_page_variants_are_one_article() -> None:
    """index, p, share_p, share and share_amp of one article are one archive identity."""
    line = next(line for line in PAGES if line["file"] == "cgtn/2.html")
    base = line["url"].rsplit("/", 1)[0]
    urls = {cgtn.canonical_url(f"{base}/{page}") for page in ("index.html", "p.html", "share_p.html", "share.html", "share_amp.html")}
    assert urls == {TRUTH["cgtn/2.html"]["url"]}
    assert all(cgtn.is_article_url(f"{base}/{page}") for page in ("share_p.html", "share.html"))


@needs_news_sites
def test_cgtn_share_page_json_body_images_and_no_map() -> None:
    rec = record(next(line for line in PAGES if line["file"] == "cgtn/2.html"))
    assert len(rec["body"].split("\n\n")) == 17  # the 17 non-empty text items of the JSON
    assert [image["caption"] for image in rec["images"]][1] == "Twitter Screenshot"
    assert len(rec["images"]) == 3 and rec["images"][0]["caption"].endswith("/VCG Photo")
    assert "Beijing" not in rec["body"]  # the map item's city


@needs_news_sites
def test_regional_xinhua_pager_leads_to_the_next_page() -> None:
    line = next(line for line in PAGES if line["file"] == "xinhua/5.html")
    raw = extract_page((NEWS_SITES / line["file"]).read_bytes(), line["url"])
    assert raw["next_page"] == f"{line['url']}?page=2"
    assert xinhua.canonical_url(raw["next_page"]) == TRUTH["xinhua/5.html"]["url"]
    assert xinhua.page_number(raw["next_page"]) == 2


@needs_news_sites
@pytest.mark.parametrize("line", FRAGMENTS, ids=[line["file"] for line in FRAGMENTS])
def test_fallback_on_body_fragments_leaves_no_furniture(line: dict[str, Any]) -> None:
    raw = extract_generic((NEWS_SITES / line["file"]).read_bytes(), line["url"], line["site"])
    assert raw["extractor"] == "fallback" and raw["language"] == "en"
    paragraphs, _ = strip_furniture(raw["paragraphs"])
    body = "\n\n".join(paragraphs)
    assert len(paragraphs) >= 5
    for furniture in FURNITURE:
        assert furniture not in body, furniture
    # Captions are gone, however the template wrote them ("... /VCG Photo", "... (Xinhua/Li Gang)").
    assert "Perry Baker (L) is tackled" not in body and "Passengers are greeted with gift bags" not in body


@needs_news_sites
@pytest.mark.parametrize(
    ("fragment", "count", "first", "last"),
    [
        (
            "other/cgtn_fragment_2019.html",  # <div class="text text-p en"> holding the text itself
            9,
            "Fiji secured their first win in South Africa since 2009 as they thrashed the United States 29-15 in the "
            "final of the HSBC Cape Town Sevens on Sunday.",
            "The next stop on the HSBC World Rugby Sevens Series is Hamilton and the two-day event will be staged on "
            "January 26-27.",
        ),
        (
            "other/cgtn_fragment_newseu_2020.html",  # <div class="text  en"> with <p>s inside
            37,
            '"We have strongly advocated in favor of public support using public money to support the airline '
            'industry because we think that first of all we are absolutely key for the economic development."',
            "But could it be under threat from COVID-19 and \"ultra long haul\" flights?",
        ),
    ],
)
def test_cgtn_extractor_reads_each_body_markup(fragment: str, count: int, first: str, last: str) -> None:
    """The real `#cmsMainContent` fragments inside a page shell written here."""
    body = (NEWS_SITES / fragment).read_text(encoding="utf-8")
    page = f"<html><head><title>A story - CGTN</title></head><body><div class='news-title'>A story</div>{body}</body></html>"
    rec = dict(normalise_record(cgtn.extract_article(page, "https://news.cgtn.com/news/2019-01-01/A-story-AAAAAAAAAA/index.html")))
    paragraphs = rec["body"].split("\n\n")
    assert rec["extractor"] == "cgtn" and rec["language"] == "en"
    assert (len(paragraphs), paragraphs[0]) == (count, first)
    assert rec["body"].endswith(last)
    for furniture in FURNITURE:
        assert furniture not in rec["body"], furniture
