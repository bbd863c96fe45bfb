"""The page's language, the furniture stage and the date conflict rule, on text written here;
and the archive's language filter on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from c5crawler.archive import ArchiveStore, open_archive
from c5crawler.archive.export import article_rows
from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.search import search
from c5crawler.extract import extract_page
from c5crawler.extract.html import declared_languages, parse_html
from c5crawler.items import DateText, RawArticle
from c5crawler.normalise.furniture import strip_furniture
from c5crawler.normalise.language import language_code, page_language
from c5crawler.normalise.record import normalise_record
from c5crawler.spiders.cgtn import CgtnSpider
from tests.test_archive import make_record, page

ZH = "外交部发言人汪文斌主持例行记者会，回答了有关中国同中亚国家合作的问题。"
EN = "Chinese State Councilor and Foreign Minister Wang Yi held talks with his counterparts."


# -- language -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("declared", "text", "language"),
    [
        (["zh-CN"], ZH, "zh"),
        (["en"], ZH, "zh"),  # a template's default: the text wins
        (["zh-CN"], EN, "en"),
        (["fr-FR", "en"], "Le ministre a rencontré ses homologues.", "fr"),  # same script: the declaration
        ([], ZH + " WHO CGTN", "zh"),  # Latin acronyms in a Chinese text
        ([], EN + " 王毅", "en"),
        (["en-US"], "", "en"),  # no letters: the declaration
        ([], "2020-07-16", "und"),
    ],
)
def test_page_language(declared: list[str], text: str, language: str) -> None:
    assert page_language(declared, text) == language


def test_language_codes() -> None:
    assert [language_code(v) for v in ("zh-CN", "zh_CN", "EN-us", "en", "", None, "x")] == [
        "zh", "zh", "en", "en", None, None, None
    ]


def test_declared_languages_in_order() -> None:
    tree = parse_html(
        '<html lang="en"><head><meta http-equiv="Content-Language" content="zh-CN">'
        '<meta property="og:locale" content="en_US"></head><body><p>x</p></body></html>'
    )
    assert declared_languages(tree) == ["zh-CN", "en", "en_US"]


def test_chinese_page_declared_english_is_chinese() -> None:
    html = f'<html lang="en"><head><title>中亚合作</title></head><body><h1>中亚合作</h1><div id="detail"><p>{ZH}</p><p>{ZH}</p></div></body></html>'
    raw = extract_page(html, "https://www.news.cn/world/2020-07/16/c_1126245466.htm")
    assert raw["language"] == "zh" and normalise_record(raw)["language"] == "zh"


# -- furniture ------------------------------------------------------------------------
def test_furniture_goes_credits_stay() -> None:
    paragraphs = [
        "Play Video 0:00 /2:54",
        "South China Sea Photo: VCG",
        "BEIJING, July 16 (Xinhua) -- The ministers met on Thursday.",
        "Officials said more talks would follow. ■",
        "Read more:",
        "China and Central Asia sign deals",
        "Read more: Ministers meet in Xi'an",
        "Delegates attend the meeting in Beijing, capital of China, July 16, 2020.",
        "The meeting was held by video link. (Xinhua/Li Gang)",
        "|<<1234下一页>>|",
        "图集",
        "+1",
        "【纠错】 责任编辑： 焦鹏",
        "[作者: 刘满仓 　责任编辑: 杨丹宇 ]",
        "新华社发（刘满仓摄）",
        "(CGTN's Liu Yang also contributed to the story.)",
    ]
    kept, photographers = strip_furniture(paragraphs)
    assert kept == [
        "BEIJING, July 16 (Xinhua) -- The ministers met on Thursday.",
        "Officials said more talks would follow.",
        "(CGTN's Liu Yang also contributed to the story.)",
    ]
    assert photographers == ["刘满仓"]


def test_story_sentences_are_not_furniture() -> None:
    story = [
        "The photo: a symbol of the friendship, she said, hangs in the ministry.",
        "The treaty was signed in Beijing, July 16, 2020.",  # a date at the end, but no caption beside it
        "Sources said the talks would resume.",
        "2月17日，武汉市民在社区领取蔬菜。",
        "The spokesperson said the report was groundless (Xinhua).",
    ]
    assert strip_furniture(story) == (story, [])


def test_record_drops_furniture_and_credits_photographers() -> None:
    raw = RawArticle(
        url="https://www.news.cn/local/2020-02/19/c_1.htm", source="xinhua", title="标题",
        paragraphs=[ZH, "新华社发（刘满仓摄）", "【纠错】", "责任编辑： 焦鹏"], dates=[],
    )
    rec = normalise_record(raw)
    assert rec["body"] == ZH and rec["contributors"] == ["刘满仓"] and rec["language"] == "zh"


# -- dates: the visible page text wins, the conflict is recorded ------------------------
def dated(*stamps: tuple[str, str, str]) -> dict:
    """The record of a page whose date candidates are (text, source, role), best first."""
    dates = [DateText(text=text, source=source, role=role) for text, source, role in stamps]
    return dict(normalise_record(RawArticle(url="https://example.org/a", source="cgtn", title="Talks", paragraphs=[EN], dates=dates)))


def test_visible_date_wins_over_a_disagreeing_meta_date() -> None:
    rec = dated(
        ("2019-01-10T08:00:00+08:00", "meta", "published"), ("Published: Jan 16, 2019 09:10 AM", "page", "published")
    )
    assert rec["published_at"] == "2019-01-16T01:10:00Z" and rec["date_precision"] == "minute"
    assert rec["date_source"] == "page (meta disagreed: 2019-01-10)"


def test_agreeing_dates_record_no_conflict_and_keep_the_minute() -> None:
    rec = dated(
        ("2024-05-15", "meta", "published"), ("2024-05-15 08:58:52", "page", "published"), ("2024-05-15", "url", "published")
    )
    assert (rec["published_at"], rec["date_source"], rec["date_precision"]) == ("2024-05-15T00:58:52Z", "page", "minute")


def test_published_and_updated_apart() -> None:
    rec = dated(("19:49, 21-Jan-2019", "page", "published"), ("Updated 23:16, 21-Jan-2019", "page", "updated"))
    assert (rec["published_at"], rec["updated_at"]) == ("2019-01-21T11:49:00Z", "2019-01-21T15:16:00Z")


# -- the archive: filter on language ------------------------------------------------------
def test_search_and_export_filter_on_language(tmp_path: Path) -> None:
    store = ArchiveStore(open_archive(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    english = "https://news.cgtn.com/news/2020-07-16/Talks-Sb0sDfUVNK/index.html"
    chinese = "https://www.news.cn/world/2020-07/16/c_1126245466.htm"
    store.save(make_record(english, "Talks with Central Asia", "Ministers met Central Asia."), page(english))
    store.save(
        make_record(chinese, "中亚 Central Asia 会谈", ZH + " Central Asia", language="zh", source="xinhua"),
        page(chinese),
    )
    assert [hit.url for hit in search(store.engine, "Central Asia", ArticleFilter(language="zh"))] == [chinese]
    assert [hit.url for hit in search(store.engine, "Central Asia", ArticleFilter(language="EN"))] == [english]
    assert [row["url"] for row in article_rows(store.engine, ArticleFilter(language="zh"))] == [chinese]


# -- CGTN templates, on markup written here after SITES.md ---------------------------------
DESKTOP_2019 = """<html><head><title>Ministers meet - CGTN</title></head><body>
<div class="news-title">Ministers meet</div>
<div class="news-author news-text"><div class="news-author-name">By CGTN's Li Ming</div>
<div class="news-section-date"><span class="section">World</span><span class="date">19:49, 21-Jan-2019</span></div>
<div class="updatetime">Updated 23:16, 21-Jan-2019</div></div>
<div id="cmsMainContent" class="m-content">
<p class="text en">The ministers met in Beijing on Monday.</p>
<div class="cmsMap"><select><option>Beijing</option><option>London</option></select><p>Beijing</p></div>
<p class="text en">Read more:</p>
<p class="text en"><a href="/news/3d3d000000006d54/index.html">Another story entirely</a></p>
<p class="text en">They agreed to meet again in March.</p>
<div class="sourceTextDiv"></div>
</div>
<ul><li><span class="date">10:02, 15-Jul-2020</span></li></ul>
</body></html>"""


def test_cgtn_desktop_2019_published_updated_map_and_read_more() -> None:
    rec = normalise_record(extract_page(DESKTOP_2019, "https://news.cgtn.com/news/3d3d514e7a51444d6d54/index.html"))
    assert (rec["published_at"], rec["updated_at"]) == ("2019-01-21T11:49:00Z", "2019-01-21T15:16:00Z")
    assert rec["date_raw"] == "19:49, 21-Jan-2019" and rec["date_precision"] == "minute"
    assert rec["body"] == "The ministers met in Beijing on Monday.\n\nThey agreed to meet again in March."
    assert (rec["authors"], rec["section"], rec["language"]) == (["Li Ming"], "World", "en")


def test_cgtn_amp_2022_dotted_stamps() -> None:
    amp = DESKTOP_2019.replace(
        '<span class="date">19:49, 21-Jan-2019</span>', '<span class="date">2022.12.25 09:29 GMT+8</span>'
    ).replace("Updated 23:16, 21-Jan-2019", "Updated 2022.12.25 10:48 GMT+8")
    rec = normalise_record(extract_page(amp, "https://news.cgtn.com/news/2022-12-25/A-story-AAAAAAAAAA/share_amp.html"))
    assert (rec["published_at"], rec["updated_at"]) == ("2022-12-25T01:29:00Z", "2022-12-25T02:48:00Z")
    assert rec["url"] == "https://news.cgtn.com/news/2022-12-25/A-story-AAAAAAAAAA/index.html"


def test_globaltimes_agency_byline_caption_and_both_stamps() -> None:
    html = """<html><head><title>Talks - Global Times</title></head><body>
<div class="article_title">Talks held</div>
<span class="byline">By Xinhua </span>
<span class="pub_time">Published: Aug 22, 2025 12:29 PM Updated: Aug 22, 2025 10:15 PM</span>
<div class="article_right">South China Sea Photo: VCG<br /><br />The two sides held talks on Friday.<br /><br />
They agreed to keep in touch.</div></body></html>"""
    rec = normalise_record(extract_page(html, "https://www.globaltimes.cn/page/202508/1341234.shtml"))
    assert (rec["authors"], rec["agencies"]) == ([], ["Xinhua"])
    assert (rec["published_at"], rec["updated_at"]) == ("2025-08-22T04:29:00Z", "2025-08-22T14:15:00Z")
    assert rec["body"] == "The two sides held talks on Friday.\n\nThey agreed to keep in touch."


def test_chinadaily_chinese_template_and_site_credit_line() -> None:
    chinese = f"""<html><head><title>中亚合作 - 中国日报网</title></head><body>
<h1 class="dabiaoti">中亚合作迈上新台阶</h1>
<div class="fenx"><div class="xinf-le">作者：王晓雨 来源：中国日报网 2024-05-13 09:08</div></div>
<div id="Content"><p>{ZH}</p><p>【责任编辑：李明】</p></div></body></html>"""
    rec = normalise_record(extract_page(chinese, "https://cn.chinadaily.com.cn/a/202405/13/WS664167f4a31082fc043c6af8.html"))
    assert (rec["title"], rec["language"], rec["body"]) == ("中亚合作迈上新台阶", "zh", ZH)
    assert (rec["authors"], rec["agencies"]) == (["王晓雨"], [])
    assert (rec["published_at"], rec["date_precision"]) == ("2024-05-13T01:08:00Z", "minute")
    english = f"""<html><head><title>Talks - Chinadaily.com.cn</title></head><body><h1>Talks</h1>
<span class="info_l">chinadaily.com.cn | Updated: 2024-05-13 09:08</span>
<div id="Content"><p>{EN}</p></div></body></html>"""
    rec = normalise_record(extract_page(english, "https://www.chinadaily.com.cn/a/202405/13/WS664167f4a31082fc043c6af9.html"))
    assert (rec["authors"], rec["agencies"], rec["updated_at"]) == ([], [], "2024-05-13T01:08:00Z")


def test_xinhua_2012_gb2312_table_page() -> None:
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>中国同中亚国家加强合作_新华网</title></head><body><table><tr><td>
<span id="title">中国同中亚国家加强合作</span><span id="pubtime">2012年05月10日 08:23:45</span>
<span id="source">来源： 新华社</span></td></tr>
<tr><td id="content"><p>{ZH}</p><p>【纠错】</p></td></tr></table></body></html>""".encode("gb2312")
    rec = normalise_record(extract_page(html, "http://news.xinhuanet.com/world/2012-05/10/c_123105624.htm"))
    assert (rec["title"], rec["body"], rec["language"]) == ("中国同中亚国家加强合作", ZH, "zh")
    assert (rec["published_at"], rec["date_precision"], rec["agencies"]) == ("2012-05-10T00:23:45Z", "minute", ["Xinhua"])
    assert rec["url"] == "https://news.xinhuanet.com/world/2012-05/10/c_123105624.htm"


def test_content_language_header_serves_when_the_page_cannot_tell() -> None:
    """A video page with no letters and no declaration: the HTTP Content-Language decides."""
    spider = CgtnSpider.from_crawler(get_crawler(CgtnSpider))
    url = "https://news.cgtn.com/news/2020-07-20/Watch-1234-SgKx8n1vQs/index.html"
    html = b"""<html><head><title>2020</title></head><body><div class="news-title">1234</div>
<div id="cmsMainContent"><p>2020-07-20</p></div></body></html>"""

    def language(headers: dict[str, str]) -> str:
        response = HtmlResponse(url=url, body=html, headers=headers, request=Request(url))
        [item] = spider.parse_article(response)
        return item["raw"]["language"]

    assert language({}) == "und"
    assert language({"Content-Language": "en-US"}) == "en"
