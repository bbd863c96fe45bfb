"""The sources file of the `feeds` spider, and the CSS-selector extractor it drives."""

from __future__ import annotations

from pathlib import Path

import pytest

from c5crawler.extract.selectors import extract_with_selectors
from c5crawler.normalise.record import normalise_record
from c5crawler.sources import BUNDLED_SOURCES, SourcesError, choose, load_sources

SITE = Path(__file__).parent / "fixtures" / "feeds_site"
MINISTRY = {"title": "article h1", "date": "article time", "body": "div.content", "byline": "span.author"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_example_loads() -> None:
    sources = load_sources(BUNDLED_SOURCES)
    assert {"kz_mfa", "uz_mfa", "kg_mfa"} <= set(sources)
    kz = sources["kz_mfa"]
    assert kz.time_zone == "Asia/Almaty" and kz.allowed_domains == ("gov.kz",)
    assert kz.accepts("https://www.gov.kz/memleket/entities/mfa/press/news/details/123456?lang=en")
    assert not kz.accepts("https://www.gov.kz/memleket/entities/mfa/about")


def test_defaults_and_choice(tmp_path: Path) -> None:
    path = write(tmp_path, '[sources.a]\nurls = ["https://a.example/rss"]\n[sources.b]\nurls = ["https://b.example/sitemap.xml"]\n')
    sources = load_sources(path)
    assert sources["a"].allowed_domains == ("a.example",) and sources["a"].time_zone is None
    assert [s.id for s in choose(sources, "b, a")] == ["b", "a"]
    with pytest.raises(SourcesError, match=r"unknown source 'c' \(known: a, b\)"):
        choose(sources, "c")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sources.a\n", "not valid TOML"),
        ("title = 'x'\n", "no [sources.ID] tables"),
        ('[sources.a]\nurls = "https://a.example/rss"\n', "urls must be a non-empty list of strings"),
        ('[sources.a]\nurls = ["ftp://a.example/rss"]\n', "is not an http(s) URL"),
        ('[sources.a]\nurls = ["https://a.example/rss"]\ntime_zone = "Mars/Olympus"\n', "not an IANA time zone"),
        ('[sources.a]\nurls = ["https://a.example/rss"]\narticle_pattern = "(["\n', "not a regular expression"),
        ('[sources.a]\nurls = ["https://a.example/rss"]\nselectors = { body = "div[" }\n', "not a CSS selector"),
        ('[sources.a]\nurls = ["https://a.example/rss"]\nselectors = { headline = "h1" }\n', "unknown selector 'headline'"),
        ('[sources.a]\nurls = ["https://a.example/rss"]\nfeed = "x"\n', "unknown key 'feed'"),
        ('[sources.cgtn]\nurls = ["https://a.example/rss"]\n', "built-in source"),
        ('[sources.A-1]\nurls = ["https://a.example/rss"]\n', "lower-case letters"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourcesError) as error:
        load_sources(write(tmp_path, text))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="cannot read sources file"):
        load_sources(tmp_path / "nope.toml")


def test_selectors_read_the_page_in_its_zone() -> None:
    url = "http://127.0.0.1:8080/en/press/news/details/101.html?utm_source=rss"
    raw = extract_with_selectors((SITE / "en/press/news/details/101.html").read_bytes(), url, "kz_test", MINISTRY)
    raw["date_zone"] = "Asia/Almaty"
    rec = normalise_record(raw)
    assert rec["url"] == "http://127.0.0.1:8080/en/press/news/details/101.html"
    assert (rec["source"], rec["extractor"]) == ("kz_test", "selectors")
    assert rec["title"] == "Kazakh Foreign Minister takes part in the first C+C5 meeting"
    assert rec["published_at"] == "2020-07-16T09:00:00Z"  # 15:00 in Almaty (UTC+6)
    assert rec["authors"] == ["Press Service"]
    assert len(rec["body"].split("\n\n")) == 3 and "Share" not in rec["body"]


def test_selectors_that_find_nothing_fall_back_to_the_generic_extractor() -> None:
    url = "http://127.0.0.1:8080/en/press/news/details/102.html"
    rec = normalise_record(
        extract_with_selectors((SITE / "en/press/news/details/102.html").read_bytes(), url, "kz_test", MINISTRY)
    )
    assert rec["extractor"] == "fallback" and rec["source"] == "kz_test"
    assert rec["title"] == "Briefing of the official representative"
    assert rec["published_at"] == "2020-07-17T05:00:00Z" and rec["date_source"] == "meta"
    assert "repatriation flights" in rec["body"]
