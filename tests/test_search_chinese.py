"""Chinese full-text search and the translation links, on SQLite and PostgreSQL.

The real Chinese and English transcripts of 2020-07-04's snapshot are archived through
the real extract -> normalise -> enrich -> store code; what a search must find is
worked out here from the pages' text, not from the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from c5crawler.archive import ArchiveStore, open_archive
from c5crawler.archive.chinese import segment
from c5crawler.archive.export import QUESTION_FIELDS, TRANSLATION_FIELDS, translated_questions, translation_pairs
from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.models import Article, Translation, Turn
from c5crawler.archive.search import search
from c5crawler.archive.translations import translations_of
from c5crawler.items import ArticleRecord, FetchedPage
from c5crawler.records import record_of_page
from c5crawler.reparse import reparse
from tests.archives import empty_archive
from tests.conftest import REAL_PAGES, needs_real_pages

SNAPSHOT = REAL_PAGES / "fmprc-2020-07-04" / "www.fmprc.gov.cn"
CHINESE = "web/wjdt_674879/fyrbt_674889"
ENGLISH = "mfa_eng/xwfw_665399/s2510_665401/2511_665403"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
ENGLISH_DAY = re.compile(rf"on ({'|'.join(MONTHS)}) ?(\d{{1,2}}), (\d{{4}})")
CHINESE_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日.*例行记者会")


def page(url: str, html: bytes) -> FetchedPage:
    return FetchedPage(url=url, status=200, html=html, fetched_at="2020-07-04T00:00:00Z")


def real_records(folder: str) -> list[tuple[ArticleRecord, FetchedPage]]:
    entries = []
    for path in sorted((SNAPSHOT / folder).glob("t*.shtml")):
        url = f"https://www.fmprc.gov.cn/{folder}/{path.name}"
        html = path.read_bytes()
        entries.append((record_of_page(html, url), page(url, html)))
    return entries


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def real_archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Both languages' real transcripts, the Chinese archived first (as the site publishes)."""
    with empty_archive(request.param, tmp_path_factory.mktemp("zh")) as url:
        engine = open_archive(url)
        store = ArchiveStore(engine)
        store.save_many(real_records(CHINESE))
        for entry in real_records(ENGLISH):
            store.save(*entry)  # one at a time: each finds its Chinese original already there
        yield engine
        engine.dispose()


def texts(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return {url: f"{title}\n{body}" for url, title, body in connection.execute(select(Article.url, Article.title, Article.body))}


def found(engine: Engine, query: str, limit: int = 1000) -> list[str]:
    return [hit.url for hit in search(engine, query, limit=limit, window=None)]


@needs_real_pages
@pytest.mark.parametrize("name", ["孟晚舟", "华为", "蓬佩奥", "香港", "疫情", "台湾"])
def test_names_and_two_character_words(real_archive: Engine, name: str) -> None:
    expected = {url for url, text in texts(real_archive).items() if name in text}
    assert expected
    assert set(found(real_archive, name)) == expected


@needs_real_pages
def test_meng_wanzhou_finds_the_page_that_discusses_her(real_archive: Engine) -> None:
    hits = search(real_archive, "孟晚舟", limit=3)
    assert hits[0].url.endswith("/t1642399.shtml")  # 陆慷就…孟晚舟的所谓引渡司法程序发表谈话: her name in the title
    assert "[孟晚舟]" in hits[0].snippet


@needs_real_pages
def test_phrases_and_operators(real_archive: Engine) -> None:
    corpus = texts(real_archive)
    phrase = {url for url, text in corpus.items() if "贸易摩擦" in text}
    both = {url for url, text in corpus.items() if "贸易" in text and "摩擦" in text}
    assert phrase and phrase < both  # some pages have both words apart
    assert set(found(real_archive, '"贸易摩擦"')) == phrase
    assert set(found(real_archive, "贸易摩擦")) == phrase  # a run of Han characters is one phrase
    assert set(found(real_archive, "贸易 摩擦")) == both
    assert set(found(real_archive, "孟晚舟 NOT 华为")) == {
        url for url, text in corpus.items() if "孟晚舟" in text and "华为" not in text
    }


@needs_real_pages
def test_english_search_is_unchanged(real_archive: Engine) -> None:
    corpus = texts(real_archive)
    hits = set(found(real_archive, "Huawei"))
    assert hits == {url for url, text in corpus.items() if re.search(r"\bHuawei\b", text)}
    assert all("/mfa_eng/" in url or "Huawei" in corpus[url] for url in hits)


@needs_real_pages
def test_china_us_is_not_central_america(real_archive: Engine) -> None:
    corpus = texts(real_archive)
    central_america = {url for url, text in corpus.items() if "中美洲" in text}
    china_us = {url for url, text in corpus.items() if "中美" in text.replace("中美洲", "")}
    assert central_america and china_us
    hits = found(real_archive, "中美")
    assert set(hits) == china_us  # 中美洲 alone is no match
    assert set(found(real_archive, "中美洲")) == central_america


def made_up(url: str, title: str, body: str) -> tuple[ArticleRecord, FetchedPage]:
    """A Chinese article written for the test, through the real normaliser."""
    html = (
        f"<html><head><meta name='ArticleTitle' content='{title}'><meta name='PubDate' content='2024-03-12 10:00'></head>"
        f"<body><div class='TRS_UEDITOR'>{''.join(f'<p>{p}</p>' for p in body.split('|'))}</div></body></html>"
    )
    return record_of_page(html, url), page(url, html.encode())


def test_china_us_outranks_central_america(new_archive: str) -> None:
    engine = open_archive(new_archive)
    base = "https://www.mfa.gov.cn/web/wjdt_674879/fyrbt_674889/202403/"
    ArchiveStore(engine).save_many([
        made_up(f"{base}t20240312_1.shtml", "中美洲国家外长会议举行", "中美洲各国外长出席会议。|中美洲一体化进程取得进展。|中美洲国家欢迎合作。"),
        made_up(f"{base}t20240312_2.shtml", "外交部发言人谈中美关系", "中美双方举行会谈。|双方同意推动关系稳定发展。"),
    ])
    hits = search(engine, "中美")
    assert [h.url for h in hits] == [f"{base}t20240312_2.shtml"]
    assert hits[0].snippet.startswith("外交部发言人谈[中美]关系")
    assert [h.url for h in search(engine, "中美洲")] == [f"{base}t20240312_1.shtml"]
    assert [h.url for h in search(engine, "中")] and len(search(engine, "美洲")) == 0  # 中美洲 is one word
    engine.dispose()


def test_segment_keeps_cldr_place_names_whole() -> None:
    assert segment("孟晚舟事件").split() == ["孟晚", "晚舟", "舟事", "事件"]
    assert segment("访问中美洲").split() == ["访问", "中美洲"]
    assert segment("印度尼西亚和印度").split() == ["印度尼西亚", "和印", "印度"]
    assert segment("Huawei 华为，和").split() == ["Huawei", "华为", "，", "和"]
    assert segment("English only") == "English only"


@needs_real_pages
def test_every_shared_day_is_paired(real_archive: Engine) -> None:
    """Each day both languages' saved press conferences cover: the two are linked, nothing else is."""
    with real_archive.connect() as connection:
        rows = connection.execute(select(Article.id, Article.title, Article.language)).all()
        links = set(connection.execute(select(Translation.original_id, Translation.translation_id)).all())
    days: dict[tuple[int, int, int], dict[str, int]] = {}
    for article_id, title, language in rows:
        if language == "zh" and (zh := CHINESE_DAY.search(title)):
            days.setdefault((int(zh[1]), int(zh[2]), int(zh[3])), {})["zh"] = article_id
        elif language == "en" and (en := ENGLISH_DAY.search(title)):
            days.setdefault((int(en[3]), MONTHS.index(en[1]) + 1, int(en[2])), {})["en"] = article_id
    shared = {(d["zh"], d["en"]) for d in days.values() if len(d) == 2}
    assert len(shared) >= 15
    assert links == shared


@needs_real_pages
def test_show_translations_and_side_by_side_export(real_archive: Engine) -> None:
    with real_archive.connect() as connection:
        original, translation = connection.execute(select(Translation.original_id, Translation.translation_id)).first()  # type: ignore[misc]
        zh_url, zh_title = connection.execute(select(Article.url, Article.title).where(Article.id == original)).one()
        en_url, en_title = connection.execute(select(Article.url, Article.title).where(Article.id == translation)).one()
        assert translations_of(connection, original) == [{"url": en_url, "language": "en", "title": en_title}]
        assert translations_of(connection, translation) == [{"url": zh_url, "language": "zh", "title": zh_title}]
    rows = list(translation_pairs(real_archive, ArticleFilter()))
    assert len(rows) == len(list(translation_pairs(real_archive, ArticleFilter())))
    assert all(list(row) == TRANSLATION_FIELDS for row in rows)
    row = next(r for r in rows if r["original_url"] == zh_url)
    assert (row["original_language"], row["translation_language"], row["translation_url"]) == ("zh", "en", en_url)
    assert row["original_body"] and row["translation_body"] and row["kind"] == "press_conference"
    day = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", zh_title)
    assert day and row["date"] == f"{day[1]}-{int(day[2]):02d}-{int(day[3]):02d}"
    assert row["country_overlap"] >= 0.5


@needs_real_pages
def test_reparse_links_again(tmp_path: Path) -> None:
    """An archive whose links are gone (made before this version) gets them back from reparse."""
    engine = open_archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    store = ArchiveStore(engine)
    store.save_many(real_records(ENGLISH))
    store.save_many(real_records(CHINESE))
    with engine.begin() as connection:
        made = set(connection.execute(select(Translation.original_id, Translation.translation_id)).all())
        connection.execute(Translation.__table__.delete())
    assert made
    counts = reparse(engine)
    assert counts.failed == 0 and counts.articles == 300
    with engine.connect() as connection:
        assert set(connection.execute(select(Translation.original_id, Translation.translation_id)).all()) == made
    engine.dispose()


def test_a_changed_article_is_indexed_anew(new_archive: str) -> None:
    engine = open_archive(new_archive)
    store = ArchiveStore(engine)
    url = "https://www.mfa.gov.cn/web/wjdt_674879/fyrbt_674889/202403/t20240312_3.shtml"
    store.save(*made_up(url, "外交部发言人谈中美关系", "中美双方举行会谈。"))
    assert [h.url for h in search(engine, "会谈")] == [url]
    store.save(*made_up(url, "外交部发言人谈中美关系", "中美双方举行磋商。"))
    assert search(engine, "会谈") == [] and [h.url for h in search(engine, "磋商")] == [url]
    store.save(*made_up(url, "Spokesperson on China-US relations", "No Chinese text now."))
    assert search(engine, "中美") == [] and [h.url for h in search(engine, "relations")] == [url]
    engine.dispose()



@needs_real_pages
def test_both_versions_saved_in_one_batch(tmp_path: Path) -> None:
    """A Chinese transcript and its English version in the same batch are linked once."""
    engine = open_archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    chinese_day = [e for e in real_records(CHINESE) if e[0]["title"].startswith("2020年4月17日")]
    english_day = [e for e in real_records(ENGLISH) if e[0]["title"].endswith("April 17, 2020")]
    assert len(chinese_day) == len(english_day) == 1
    ArchiveStore(engine).save_many(english_day + chinese_day)
    with engine.connect() as connection:
        links = connection.execute(select(Translation.original_id, Translation.translation_id, Translation.country_overlap)).all()
    assert len(links) == 1 and links[0].country_overlap >= 0.5
    engine.dispose()


@needs_real_pages
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_batches_link_what_saving_one_by_one_links(backend: str, tmp_path: Path) -> None:
    """Both languages mixed in batches, a day's two versions in one batch or in two: the links of saving one by one."""
    entries = sorted(real_records(CHINESE) + real_records(ENGLISH), key=lambda e: (e[0]["published_at"] or "", e[0]["url"]))
    links = []
    for number, size in enumerate((1, 37)):
        with empty_archive(backend, tmp_path / str(number)) as url:
            engine = open_archive(url)
            store = ArchiveStore(engine)
            for first in range(0, len(entries), size):
                store.save_many(entries[first : first + size])
            with engine.connect() as connection:
                pairs = select(Translation.original_id, Translation.translation_id, Translation.country_overlap)
                links.append(sorted(connection.execute(pairs).all()))
            engine.dispose()
    assert len(links[0]) >= 15
    assert links[1] == links[0]


# Outlets as each language's transcripts name them: an aligned question must come from the same one.
SAME_OUTLET = {"路透社": "Reuters", "法新社": "AFP", "彭博社": "Bloomberg", "新华社": "Xinhua", "总台央视": "CCTV"}


@needs_real_pages
def test_questions_aligned_across_languages(real_archive: Engine) -> None:
    rows = list(translated_questions(real_archive, ArticleFilter()))
    assert rows and all(list(row) == QUESTION_FIELDS for row in rows)
    with real_archive.connect() as connection:
        linked = connection.execute(select(Translation.original_id, Translation.translation_id)).all()
        asked = {
            article_id: count
            for article_id, count in connection.execute(
                select(Turn.article_id, func.count()).where(Turn.role == "journalist").group_by(Turn.article_id)
            )
        }
    possible = sum(min(asked.get(a, 0), asked.get(b, 0)) for a, b in linked)
    assert len(rows) >= 0.8 * possible, (len(rows), possible)
    assert all(row["likeness"] > 0 and row["original_answer"] and row["translation_answer"] for row in rows)
    outlets = [(r["original_outlet"], r["translation_outlet"]) for r in rows if r["original_outlet"] in SAME_OUTLET]
    assert len(outlets) >= 5
    assert all(en.startswith(SAME_OUTLET[zh]) for zh, en in outlets), outlets  # "Xinhua News Agency"
