"""The command line's layout: `cli.py` parses and dispatches, each verb lives in `commands/`."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from c5crawler.cli import build_parser
from tests.conftest import REPO
from tests.test_docs import subcommands

COMMANDS = REPO / "c5crawler" / "commands"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_cli_module_is_short() -> None:
    assert len((REPO / "c5crawler" / "cli.py").read_text(encoding="utf-8").splitlines()) < 160


def test_no_command_module_imports_cli() -> None:
    offenders = [
        path.name for path in COMMANDS.glob("*.py")
        if any(name == "c5crawler.cli" or name.startswith("c5crawler.cli.") for name in imported_modules(path))
    ]
    assert offenders == []


def test_every_verb_runs_code_from_its_own_module() -> None:
    verbs = {name: parser for name, parser in subcommands().items() if " " not in name}
    assert set(verbs) >= {"crawl", "extract", "search", "show", "stats", "db", "export", "reparse", "demo"}
    for name, parser in verbs.items():
        func = parser.get_default("func")
        if func is None:  # a verb with actions (db, mirror): they carry the functions
            func = next(sub for full, sub in subcommands().items() if full.startswith(f"{name} ")).get_default("func")
        assert func.__module__ == f"c5crawler.commands.{name}", (name, func.__module__)


def test_version() -> None:
    done = subprocess.run([sys.executable, "-m", "c5crawler.cli", "--version"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0
    assert done.stdout.strip() == f"c5crawler {version('c5crawler')}"


def test_help_lists_every_verb() -> None:
    text = build_parser().format_help()
    for verb in ("crawl", "extract", "search", "show", "stats", "db", "export", "reparse", "demo"):
        assert f"    {verb}" in text


def test_every_source_option_names_the_registry_s_sources() -> None:
    """`--source` on every verb lists the sources of c5crawler.extract, which are the spiders' names."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    from c5crawler.extract import SOURCES

    assert set(SpiderLoader.from_settings(get_project_settings()).list()) == {*SOURCES, "feeds"}
    with_source = {
        name: action
        for name, parser in subcommands().items()
        for action in parser._actions
        if "--source" in action.option_strings
    }
    assert set(with_source) == {"search", "export", "reparse", "extract", "plot"}
    for name, action in with_source.items():
        if action.choices:
            assert list(action.choices) == list(SOURCES), name
        else:
            assert ", ".join(SOURCES) in (action.help or ""), name
