"""The query commands on a filled archive, on SQLite and on PostgreSQL: search, show, stats, export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.archives import EDIT, PRESS, SEED
from tests.cli_inprocess import assert_one_line_error, cli

PAKISTAN = "China, Pakistan foreign ministers meet in Islamabad"
KYRGYZSTAN = "China, Kyrgyzstan sign agreements on infrastructure cooperation"


def titles(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> list[str]:
    result = cli(capsys, "search", *args, "--db", url, "--json", "--limit", "50")
    assert result.code == 0, result
    return [hit["title"] for hit in json.loads(result.out)]


def test_search_syntax(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    result = cli(capsys, "search", '"Central Asia"', "--db", filled_archive, "--json")
    hits = json.loads(result.out)
    assert hits[0]["url"] == SEED and hits[0]["published_at"] == "2020-07-16T13:30:00Z"
    assert "[Central" in hits[0]["snippet"] and "\n" not in hits[0]["snippet"]
    assert titles(capsys, filled_archive, "multilateral*")[0].startswith("Wang Yi: China-Central Asia")
    either = titles(capsys, filled_archive, "Kyrgyzstan OR Islamabad")
    assert PAKISTAN in either and KYRGYZSTAN in either
    with_wang = titles(capsys, filled_archive, "Wang Yi")
    assert PAKISTAN in with_wang
    assert PAKISTAN not in titles(capsys, filled_archive, "Wang Yi NOT Islamabad")
    assert set(titles(capsys, filled_archive, "(Islamabad OR Kyrgyzstan) AND agreements")) == {KYRGYZSTAN}
    # Punctuation inside a word makes it a phrase, on both backends.
    assert titles(capsys, filled_archive, "China-Central")[0].startswith("Wang Yi: China-Central Asia")


def test_search_filters_and_sorting(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    everything = titles(capsys, filled_archive, "China")
    assert len(everything) >= 10
    mfa = titles(capsys, filled_archive, "China", "--source", "mfa")
    assert mfa and all("Foreign Ministry" in t or "Wang Yi Meets" in t for t in mfa)
    assert titles(capsys, filled_archive, "China", "--kind", "press_conference") == [
        "Foreign Ministry Spokesperson Lin Jian’s Regular Press Conference on March 12, 2024"
    ]
    assert titles(capsys, filled_archive, "China", "--speaker", "lin jian") == titles(
        capsys, filled_archive, "China", "--kind", "press_conference"
    )
    assert titles(capsys, filled_archive, "Wang Yi", "--author", "LIU YANG") == [
        "Wang Yi: China-Central Asia cooperation not targeted at any third party"
    ]
    in_july = titles(capsys, filled_archive, "China OR floods", "--since", "2020-07-01", "--until", "2020-07-16")
    assert in_july and "Wang Yi: China-Central Asia cooperation not targeted at any third party" in in_july
    assert all("2024" not in t for t in in_july)
    # Search shows diplomacy unless --all: the sports story is archived, and hidden by default.
    assert titles(capsys, filled_archive, "China", "--section", "sports") == []
    assert set(titles(capsys, filled_archive, "China", "--section", "sports", "--all")) == {
        "China tops Tokyo Olympics medal table after gold rush in diving"
    }
    newest = json.loads(cli(capsys, "search", "China", "--sort", "newest", "--json", "--db", filled_archive).out)
    dates = [hit["published_at"] for hit in newest]
    assert dates == sorted(dates, reverse=True)
    oldest = json.loads(cli(capsys, "search", "China", "--sort", "oldest", "--json", "--db", filled_archive).out)
    assert [hit["published_at"] for hit in oldest] == sorted(hit["published_at"] for hit in oldest)


@pytest.mark.parametrize(
    "flag, value, known",
    [
        ("--source", "cgnt", "cgtn, chinadaily, globaltimes, kg_mfa, kz_mfa, mfa, tass, uz_mfa, xinhua"),
        ("--kind", "presser", "article, press_conference, remarks, statement, video"),
        ("--language", "fr", "en, zh"),
        ("--topic", "sport", "diplomacy"),
    ],
)
def test_unknown_filter_values_are_errors_that_list_the_known_ones(
    capsys: pytest.CaptureFixture[str], filled_archive: str, flag: str, value: str, known: str
) -> None:
    for verb in (["search", "China"], ["export"]):
        result = cli(capsys, *verb, flag, value, "--db", filled_archive)
        assert_one_line_error(result)
        assert result.err == f"c5crawler: error: unknown {flag[2:]} {value!r} (known: {known})\n"
    if flag == "--source":
        assert_one_line_error(cli(capsys, "reparse", "--source", value, "--db", filled_archive))


def test_known_filter_values_match(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    """A known value with no article is no error; topics match in any case, as the filter does."""
    assert titles(capsys, filled_archive, "China", "--source", "xinhua") == []
    assert titles(capsys, filled_archive, "China", "--language", "zh") == []
    assert len(titles(capsys, filled_archive, "China", "--language", "en")) == len(titles(capsys, filled_archive, "China"))
    assert titles(capsys, filled_archive, "China", "--topic", "DIPLOMACY") == titles(
        capsys, filled_archive, "China", "--topic", "diplomacy"
    )


def test_inverted_date_range_is_an_error(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    for verb in (["search", "China"], ["export"]):
        result = cli(capsys, *verb, "--since", "2020-07-01", "--until", "2020-06-01", "--db", filled_archive)
        assert_one_line_error(result)
        assert "--since 2020-07-01 is after --until 2020-06-01" in result.err
    same_day = titles(capsys, filled_archive, "China OR Wang", "--since", "2020-07-16", "--until", "2020-07-16")
    assert "Wang Yi: China-Central Asia cooperation not targeted at any third party" in same_day


def test_show_diff_as_json(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    result = cli(capsys, "show", SEED, "--diff", "--json", "--db", filled_archive)
    assert result.code == 0, result
    shown = json.loads(result.out)
    assert shown["url"] == SEED and shown["revisions"] == 2
    [diff] = shown["diffs"]
    assert (diff["from"], diff["to"], diff["changed"]) == (1, 2, True)
    assert diff["from_fetched_at"] == "2024-04-01T00:00:00Z" and diff["to_fetched_at"] == "2024-05-01T00:00:00Z"
    assert f"\n+{EDIT}" in diff["diff"]
    text = cli(capsys, "show", SEED, "--diff", "--db", filled_archive).out
    assert text.rstrip("\n") == diff["diff"]
    single = json.loads(cli(capsys, "show", PRESS, "--diff", "--json", "--db", filled_archive).out)
    assert single["revisions"] == 1 and single["diffs"] == []


def test_search_formats(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    table = cli(capsys, "search", "Kyrgyzstan", "--db", filled_archive)
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split() == ["DATE", "SOURCE", "TITLE"]
    assert lines[1].startswith("2019-11-27  cgtn") and KYRGYZSTAN in lines[1]
    assert any("[Kyrgyzstan]" in line for line in lines)
    rows = list(csv.DictReader(io.StringIO(cli(capsys, "search", "Kyrgyzstan", "--format", "csv", "--db", filled_archive).out)))
    assert rows[0]["title"] == KYRGYZSTAN and rows[0]["source"] == "cgtn" and "[" in rows[0]["snippet"]
    assert cli(capsys, "search", "zzyzzyva", "--db", filled_archive).out.strip() == "no matches"


ODD_QUERIES = [
    '"unterminated',
    "AND OR",
    "OR",
    "NOT China",
    "China AND",
    "'; DROP TABLE articles; --",
    "Robert'); DROP TABLE articles;--",
    "title:China",
    "()",
    "((China)",
    "China)",
    "(" * 500 + "China" + ")" * 500,
    "China " * 1700,
    "x" * 10_000,
    "Ürümqi 中国 Привет",
    "NEAR(China Asia)",
    "***",
    "\\",
    "a:* & !b <-> c",
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_queries_give_results_or_one_line_error(
    capsys: pytest.CaptureFixture[str], filled_archive: str, query: str
) -> None:
    result = cli(capsys, "search", query, "--db", filled_archive)
    if result.code != 0:
        assert_one_line_error(result)
    assert "Traceback" not in result.err
    # Nothing was dropped or broken.
    assert len(titles(capsys, filled_archive, "China")) >= 10


def test_show_article_credits_and_history(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    variant = SEED.replace("index.html", "p.html") + "?UTM_Source=x"
    for wanted in (SEED, variant):
        shown = cli(capsys, "show", wanted, "--db", filled_archive)
        assert shown.code == 0, shown
        assert shown.out.startswith("Wang Yi: China-Central Asia cooperation not targeted at any third party\n")
        assert "contributors: Liu Yang" in shown.out and EDIT in shown.out
        assert "Revisions\n    1. 2024-04-01T00:00:00Z  HTTP 200" in shown.out and "    2. 2024-05-01T00:00:00Z" in shown.out
    article_id = json.loads(cli(capsys, "show", SEED, "--json", "--db", filled_archive).out)["id"]
    by_id = json.loads(cli(capsys, "show", str(article_id), "--json", "--db", filled_archive).out)
    assert by_id["record"]["url"] == SEED and len(by_id["revisions"]) == 2
    first = json.loads(cli(capsys, "show", SEED, "--revision", "1", "--json", "--db", filled_archive).out)
    assert EDIT not in first["record"]["body"] and first["shown"].startswith("revision 1 of 2")
    assert EDIT not in cli(capsys, "show", SEED, "--revision", "1", "--db", filled_archive).out
    for diff in (cli(capsys, "show", SEED, "--diff", "--db", filled_archive), cli(capsys, "show", SEED, "--diff", "1", "2", "--db", filled_archive)):
        assert diff.code == 0
        assert diff.out.startswith("--- revision 1 (2024-04-01T00:00:00Z)\n+++ revision 2 (2024-05-01T00:00:00Z)\n")
        assert f"\n+{EDIT}" in diff.out
    assert f"\n-{EDIT}" in cli(capsys, "show", SEED, "--diff", "2", "1", "--db", filled_archive).out
    assert_one_line_error(cli(capsys, "show", SEED, "--revision", "3", "--db", filled_archive))
    assert_one_line_error(cli(capsys, "show", SEED, "--diff", "1", "2", "3", "--db", filled_archive))
    assert_one_line_error(cli(capsys, "show", "https://news.cgtn.com/news/nope/index.html", "--db", filled_archive))
    assert_one_line_error(cli(capsys, "show", "999999", "--db", filled_archive))
    assert_one_line_error(cli(capsys, "show", SEED, "--revision", "0", "--db", filled_archive))


def test_show_press_conference_turns(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    shown = cli(capsys, "show", PRESS.replace("www.mfa.gov.cn", "www.fmprc.gov.cn"), "--db", filled_archive)
    assert shown.code == 0, shown
    assert "\nTurns\n" in shown.out and "Lin Jian (spokesperson):" in shown.out and "CCTV (journalist):" in shown.out
    single = cli(capsys, "show", PRESS, "--diff", "--db", filled_archive)
    assert single.out.strip() == "nothing to compare: the article has 1 revision(s)"


def test_stats(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    shown = cli(capsys, "stats", "--db", filled_archive)
    assert shown.code == 0, shown
    assert shown.out.startswith("Articles: 12 diplomacy (cgtn 8, mfa 4) of 16 archived (--all counts every article)")
    assert "2020-07     1    0" in shown.out
    default = json.loads(cli(capsys, "stats", "--json", "--db", filled_archive).out)
    assert (default["topic"], default["archived"], default["articles"]) == ("diplomacy", 16, {"cgtn": 8, "mfa": 4})
    text = cli(capsys, "stats", "--all", "--db", filled_archive)
    assert text.code == 0, text
    assert text.out.startswith("Articles: 16 (cgtn 12, mfa 4)")
    assert "2020-07     3    0" in text.out and "2024-03     0    4" in text.out
    assert "cgtn    2022-03-22 16:00:00  " + PAKISTAN in text.out
    stats = json.loads(cli(capsys, "stats", "--all", "--json", "--db", filled_archive).out)
    assert stats["articles"] == {"cgtn": 12, "mfa": 4}
    assert stats["per_month"]["2019-11"] == {"cgtn": 1}
    assert stats["newest"]["cgtn"]["title"] == PAKISTAN
    assert [(r["spider"], r["outcome"], r["new"], r["dropped"]) for r in stats["runs"]] == [("cgtn", "finished", 12, 1)]


def test_export_filters(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    def export(*args: str) -> list[dict[str, object]]:
        result = cli(capsys, "export", *args, "--db", filled_archive)
        assert result.code == 0, result
        return [json.loads(line) for line in result.out.splitlines()]

    assert [a["url"] for a in export("--author", "liu yang")] == [SEED]
    assert [a["contributors"] for a in export("--author", "liu yang")] == [["Liu Yang"]]
    assert {a["section"] for a in export("--section", "WORLD")} == {"World"}
    assert [a["url"] for a in export("--speaker", "Lin Jian")] == [PRESS]
    pairs = export("turns", "--speaker", "Lin Jian")
    assert pairs and {p["spokesperson"] for p in pairs} == {"Lin Jian"}
    assert export("turns", "--speaker", "Nobody") == []
    credits = export("credits", "--author", "Liu Yang")
    assert {(c["role"], c["name"]) for c in credits} >= {("contributor", "Liu Yang")}


def test_mentions_topic_and_speaker_filters(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    """The enrichment's results filter search and export, on both backends."""
    kazakhstan = titles(capsys, filled_archive, "China", "--mentions", "kazakhstan")
    assert "Wang Yi: China-Central Asia cooperation not targeted at any third party" in kazakhstan
    assert PAKISTAN not in kazakhstan
    assert PAKISTAN in titles(capsys, filled_archive, "China", "--mentions", "Pakistan", "--topic", "diplomacy")
    wang = titles(capsys, filled_archive, "Central Asia", "--speaker", "Wang Yi")  # quoted in the story
    assert wang and wang[0].startswith("Wang Yi: China-Central Asia")
    # Nothing sporting is tagged diplomacy.
    assert not [t for t in titles(capsys, filled_archive, "China", "--topic", "diplomacy") if "Olympics" in t]
    exported = cli(capsys, "export", "--mentions", "Kazakhstan", "--topic", "diplomacy", "--db", filled_archive)
    assert exported.code == 0, exported
    assert SEED in [json.loads(line)["url"] for line in exported.out.splitlines()]


def test_stats_mentions_per_month(capsys: pytest.CaptureFixture[str], filled_archive: str) -> None:
    result = cli(capsys, "stats", "--mentions", "--top", "3", "--json", "--db", filled_archive)
    assert result.code == 0, result
    mentions = json.loads(result.out)["mentions"]
    july_2020 = [m for m in mentions if m["month"] == "2020-07"]
    assert 0 < len(july_2020) <= 3
    assert {"month", "kind", "name", "articles", "mentions"} == set(mentions[0])
    assert any(m["name"] == "China" and m["kind"] == "country" for m in july_2020)
    table = cli(capsys, "stats", "--mentions", "--db", filled_archive)
    assert "Most mentioned, per month" in table.out


def test_diplomacy_articles_view(filled_archive: str) -> None:
    """SQL users' default: the articles tagged diplomacy, with their score, on both backends."""
    from sqlalchemy import text

    from c5crawler.archive import open_archive

    engine = open_archive(filled_archive)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT url, source, title, diplomacy_score FROM diplomacy_articles ORDER BY url")).all()
        tagged = connection.scalar(text("SELECT count(*) FROM topics WHERE name = 'diplomacy'"))
        everything = connection.scalar(text("SELECT count(*) FROM articles"))
    engine.dispose()
    assert (len(rows), tagged, everything) == (12, 12, 16)
    assert {r.source for r in rows} == {"cgtn", "mfa"}
    assert not [r for r in rows if "Olympics" in r.title or "flood" in r.title.lower()]
    assert dict((r.url, r.diplomacy_score) for r in rows)[SEED] == 18.0
