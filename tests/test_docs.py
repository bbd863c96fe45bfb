"""Like Datasette's test_docs: every command has help text and is in the README."""

from __future__ import annotations

import argparse
import re
import sqlite3
from pathlib import Path

import pytest

from c5crawler.cli import build_parser
from tests.archives import fill
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def subcommands(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command by its full name (`search`, `db upgrade`, ...)."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in (parser or build_parser())._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[prefix + name] = sub
                found.update(subcommands(sub, f"{prefix}{name} "))
    return found


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


def test_readme_sql_runs_on_an_archive(tmp_path: Path) -> None:
    """The schema section's SQL examples are real queries: each runs and most find rows."""
    db = tmp_path / "archive.sqlite3"
    fill(f"sqlite:///{db}")
    blocks = re.findall(r"```sql\n(.*?)```", README, re.S)
    statements = [s.strip() for block in blocks for s in block.split(";") if s.strip()]
    assert len(statements) >= 8
    with sqlite3.connect(db) as conn:
        found = [bool(conn.execute(statement).fetchall()) for statement in statements]
    assert sum(found) >= len(statements) - 2, list(zip(statements, found))
