"""`c5crawler plot`: each kind writes a real PNG and SVG from an archive, with the counts the archive holds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from matplotlib.image import imread

from c5crawler.archive import open_archive
from c5crawler.archive.filters import ArticleFilter
from c5crawler.plots import articles_per_week, mentions_per_month, questions_per_outlet
from tests.archives import empty_archive, fill
from tests.cli_inprocess import assert_one_line_error, cli

CHARTS = [["timeline"], ["mentions", "--name", "kazakhstan"], ["outlets"]]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('plots') / 'archive.sqlite3'}"
    fill(url)
    return url


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(path)
    height, width = pixels.shape[:2]
    assert width >= 600 and height >= 150
    # A chart, not a blank canvas: many distinct colours (bars, text, anti-aliasing).
    assert len({tuple(p) for p in pixels.reshape(-1, pixels.shape[2])[::7].round(3).tolist()}) > 20


def assert_svg(path: Path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # Bars, axes and the text, which matplotlib writes as glyph outlines.
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) > 10


@pytest.mark.parametrize("chart", CHARTS, ids=[c[0] for c in CHARTS])
def test_each_kind_writes_png_and_svg(chart: list[str], archive: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for suffix in (".png", ".svg"):
        out = tmp_path / f"{chart[0]}{suffix}"
        result = cli(capsys, "plot", *chart, "--db", archive, "-o", str(out))
        assert result.code == 0, result
        assert result.out.strip() == f"wrote {out}"
        if suffix == ".png":
            assert_png(out)
        else:
            assert_svg(out)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_chart_data_on_both_backends(backend: str, tmp_path: Path) -> None:
    with empty_archive(backend, tmp_path) as url:
        fill(url)
        engine = open_archive(url)
        try:
            weekly = articles_per_week(engine, ArticleFilter())
            assert sorted(weekly) == ["cgtn", "mfa"]
            assert sum(weekly["cgtn"].values()) == 12
            # The press conference (Tue 12 March 2024), remarks (Fri 15), minister (Thu 14), statement (Wed 20).
            assert weekly["mfa"] == Counter({date(2024, 3, 11): 3, date(2024, 3, 18): 1})
            assert weekly["cgtn"][date(2020, 7, 13)] == 1  # the seed story, Thursday 16 July 2020
            assert articles_per_week(engine, ArticleFilter(source="mfa", kind="press_conference")) == {
                "mfa": Counter({date(2024, 3, 11): 1})
            }
            kazakhstan = mentions_per_month(engine, "KAZAKHSTAN", ArticleFilter())
            assert kazakhstan[date(2020, 7, 1)] == 2  # the seed story names it twice
            assert all(day.day == 1 for day in kazakhstan)
            assert questions_per_outlet(engine, ArticleFilter(), top=20) == [("AFP", 2), ("Bloomberg", 1), ("CCTV", 1)]
            assert questions_per_outlet(engine, ArticleFilter(), top=1) == [("AFP", 2)]
            assert questions_per_outlet(engine, ArticleFilter(since=datetime(2025, 1, 1, tzinfo=timezone.utc)), top=5) == []
        finally:
            engine.dispose()


def test_filters_apply(archive: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mfa.svg"
    assert cli(capsys, "plot", "timeline", "--db", archive, "--source", "mfa", "--since", "2024-03-13", "-o", str(out)).code == 0
    assert_svg(out)
    # Nothing left to draw is said, not drawn as an empty chart.
    empty = cli(capsys, "plot", "timeline", "--db", archive, "--until", "2010-01-01", "-o", str(tmp_path / "none.png"))
    assert_one_line_error(empty)
    assert "nothing to plot" in empty.err
    assert not (tmp_path / "none.png").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["mentions"], "needs --name"),
        (["timeline", "-o", "chart.pdf"], "PNG or SVG"),
        (["timeline", "-o", "/no/such/folder/chart.png"], "no folder"),
        (["sideways"], "invalid choice"),
        (["outlets", "--top", "0"], "not a positive whole number"),
    ],
)
def test_bad_input_is_one_line(args: list[str], message: str, archive: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "chart.png")]
    result = cli(capsys, "plot", *args, "--db", archive)
    assert_one_line_error(result)
    assert message in result.err
