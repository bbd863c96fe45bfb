"""Running `c5crawler` in the test process: what it printed and its exit code."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from c5crawler.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    capsys.readouterr()  # drop anything printed before
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own exit on bad options
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return Result(code, out, err)


def assert_one_line_error(result: Result) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0], result.err
