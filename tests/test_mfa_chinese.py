"""The Foreign Ministry in Chinese: the real 2017-2020 transcripts and the current template.

Every expected value on the real pages is derived here from the page's own text,
independently of the extractor: the date from the title ("2019年1月7日") or from
`#News_Body_Time` ("2019-01-07"), the spokesperson from the title, the questions
by counting the "问：" and "…记者：" labels that open the body's paragraphs.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import pytest

from c5crawler.health import covered_fields
from c5crawler.items import ArticleRecord
from c5crawler.normalise.dates import parse_date
from c5crawler.normalise.turns import english_name, spokesperson_from_title
from c5crawler.records import record_of_page
from c5crawler.spiders.mfa import MfaSpider, start_urls_for
from tests.conftest import REAL_PAGES, needs_real_pages

SECTION = "www.fmprc.gov.cn/web/wjdt_674879/fyrbt_674889/"
CHINESE = REAL_PAGES / "fmprc-2020-07-04" / SECTION
FIXTURES = Path(__file__).parent / "fixtures" / "mfa"
SAVED_TRANSCRIPTS = 200

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
TITLE_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")
BODY_DAY = re.compile(r'id="News_Body_Time">\s*(\d{4})-(\d{2})-(\d{2})\s*<')
BODY = re.compile(r'id="News_Body_Txt_A".*?</div>', re.S)
# A question opens its paragraph: "问：", "追问：", and from 2020 "法新社记者：" / "…记者提问：".
QUESTION_LABEL = re.compile(r"^[\s\u3000]*(?:(?:追)?问|[^\n：:，。]{0,24}记者(?:提问)?)[：:]", re.M)
NAME_IN_TITLE = re.compile(r"发言人(华春莹|耿爽|陆慷|赵立坚)")


def transcripts() -> list[Path]:
    return sorted(CHINESE.glob("t*.shtml"))


@lru_cache(maxsize=None)
def record(path: Path) -> ArticleRecord:
    return record_of_page(path.read_bytes(), f"https://{SECTION}{path.name}")


def expected_day(html: str) -> date:
    """The day the page shows: its title's date, else the body's YYYY-MM-DD."""
    title = TITLE.search(html)[1]  # type: ignore[index]
    found = TITLE_DAY.search(title) or BODY_DAY.search(html)
    assert found, title
    return date(int(found[1]), int(found[2]), int(found[3]))


def question_labels(html: str) -> int:
    body = BODY.search(html)
    assert body, "no body"
    return len(QUESTION_LABEL.findall(re.sub(r"<[^>]+>", "\n", body.group())))


@needs_real_pages
def test_all_real_transcripts_dated_chinese_and_named() -> None:
    paths = transcripts()
    assert len(paths) == SAVED_TRANSCRIPTS
    for path in paths:
        html = path.read_text(encoding="utf-8")
        got = record(path)
        day = expected_day(html)
        # Day precision at 00:00 Beijing time: 16:00 UTC the day before.
        midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - timedelta(hours=8)
        assert got["published_at"] == midnight.strftime("%Y-%m-%dT%H:%M:%SZ"), path.name
        assert got["date_precision"] == "day"
        assert got["language"] == "zh", path.name
        assert not got["title"].endswith("中华人民共和国外交部"), got["title"]
        assert got["url"] == f"https://{SECTION}{path.name}"


@needs_real_pages
def test_real_press_conferences_turns_and_spokesperson() -> None:
    conferences = [p for p in transcripts() if "例行记者会" in TITLE.search(p.read_text(encoding="utf-8"))[1]]  # type: ignore[index]
    assert len(conferences) >= 150
    within, ours, theirs = 0, 0, 0
    for path in conferences:
        html = path.read_text(encoding="utf-8")
        got = record(path)
        assert got["kind"] == "press_conference", path.name
        name = NAME_IN_TITLE.search(got["title"])
        assert name, got["title"]
        spokespeople = {t["speaker"] for t in got["turns"] if t["role"] == "spokesperson"}
        assert spokespeople == {name[1]}, path.name  # names without spaces, as printed
        questions = sum(t["role"] == "journalist" for t in got["turns"])
        labels = question_labels(html)
        ours, theirs = ours + questions, theirs + labels
        within += abs(questions - labels) <= max(1, 0.1 * labels)
    assert abs(ours - theirs) <= 0.1 * theirs, (ours, theirs)
    # Some questions carry no label (asked after the conference, in bold): a few pages differ more.
    assert within >= 0.95 * len(conferences), (within, len(conferences))


@needs_real_pages
def test_real_outlets_follow_ups_and_announcements() -> None:
    records = [record(p) for p in transcripts()]
    outlets = {t["outlet"] for r in records for t in r["turns"] if t["outlet"]}
    assert {"路透社", "法新社", "新华社", "彭博社", "环球时报"} <= outlets  # "《环球时报》记者" is 环球时报
    assert not any(o.endswith("记者") for o in outlets)
    # Announcements before the first question are the spokesperson's own turns.
    announced = [r for r in records if r["turns"] and r["turns"][0]["role"] == "announcement"]
    assert announced and all(r["turns"][0]["speaker"] == spokesperson_from_title(r["title"]) for r in announced)


@needs_real_pages
def test_real_answers_to_one_question_are_remarks_dated_from_the_body() -> None:
    answers = [p for p in transcripts() if "答记者问" in TITLE.search(p.read_text(encoding="utf-8"))[1]]  # type: ignore[index]
    assert answers
    for path in answers:
        got = record(path)
        assert got["kind"] == "remarks", got["title"]
        if not TITLE_DAY.search(got["title"]):
            assert got["date_source"] == "page" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", got["date_raw"] or "")
        assert got["turns"] == []  # remarks are no press conference: their text stays in the body


@needs_real_pages
def test_real_mentions_in_chinese_use_the_english_names() -> None:
    # "2020年6月30日…": Hong Kong, the US, India; the WHO as 世卫组织.
    got = record(CHINESE / "t1793409.shtml")
    countries = {m["name"] for m in got["mentions"]["countries"]}
    assert {"China", "United States", "Hong Kong", "India", "Japan"} <= countries
    assert "World Health Organization" in {m["name"] for m in got["mentions"]["organisations"]}
    assert covered_fields(got, 50) == ["date", "body", "site_extractor"]


def test_current_template_chinese_press_conference() -> None:
    """A page written from SITES.md's notes on the current Chinese template."""
    url = "https://www.fmprc.gov.cn/web/wjdt_674879/fyrbt_674889/202403/t20240312_11258093.shtml"
    got = record_of_page((FIXTURES / "zh_press_conference_current.html").read_bytes(), url)
    assert got["url"] == url.replace("www.fmprc.gov.cn", "www.mfa.gov.cn")  # the current site's own host
    assert (got["kind"], got["language"], got["published_at"], got["date_source"]) == (
        "press_conference", "zh", "2024-03-12T11:30:00Z", "meta",
    )
    assert [(t["role"], t["speaker"], t["outlet"]) for t in got["turns"]] == [
        ("announcement", "林剑", None),
        ("announcement", "林剑", None),
        ("journalist", None, "法新社"),
        ("spokesperson", "林剑", None),
        ("journalist", None, "法新社"),  # 追问: the follow-up keeps the outlet
        ("spokesperson", "林剑", None),
        ("journalist", None, "环球时报"),
        ("spokesperson", "林剑", None),
    ]
    assert got["turns"][3]["text"].endswith("我们敦促美方立即纠正错误做法。")
    assert {m["name"] for m in got["mentions"]["countries"]} == {"China", "United States", "Philippines", "New Zealand"}
    assert english_name(spokesperson_from_title(got["title"])) == "Lin Jian"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019年1月7日", "2019-01-06T16:00:00Z"),
        ("二〇一九年一月七日", "2019-01-06T16:00:00Z"),
        ("2020年十二月三十一日", "2020-12-30T16:00:00Z"),
        ("2019年1月7日 15:30", "2019-01-07T07:30:00Z"),
        ("2019年1月7日下午3时", "2019-01-07T07:00:00Z"),
    ],
)
def test_chinese_dates_in_beijing_time(text: str, expected: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None and parsed.iso == expected


def test_chinese_date_that_does_not_exist() -> None:
    assert parse_date("2019年2月30日") is None


def test_lang_chooses_the_start_listings() -> None:
    english = start_urls_for("press_conferences", "en")
    chinese = start_urls_for("press_conferences", "zh")
    assert english == ["https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/index.html"]
    assert chinese == ["https://www.mfa.gov.cn/web/wjdt_674879/fyrbt_674889/"]
    assert start_urls_for("press_conferences", None) == english + chinese  # all by default
    assert len(MfaSpider().start_urls) == 7  # six English sections and the Chinese one
    with pytest.raises(ValueError, match="lang"):
        start_urls_for(None, "fr")
    with pytest.raises(ValueError, match="Chinese site"):
        start_urls_for("speeches", "zh")
