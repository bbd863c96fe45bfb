"""Like Datasette's test_docs: every command has help text and is in the README."""

from __future__ import annotations

import argparse

import pytest

from c5crawler.cli import build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_command_has_help_and_is_documented(name: str) -> None:
    parser = subcommands()[name]
    assert parser.description, f"{name} has no description"
    for action in parser._actions:
        assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    assert f"c5crawler {name}" in README, f"`c5crawler {name}` is missing from the README"


def test_readme_starts_with_the_two_commands() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.strip().splitlines()[-1]
    head = README[:1500]
    assert "c5crawler crawl cgtn" in head
    assert test_command in head, "the README's test command is not what .ci/run runs"
