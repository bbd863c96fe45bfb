"""The README and docs/ stay true: every command is documented, every example runs.

Like Datasette's test_docs: every command has help text and is in the README; and
every `c5crawler` line of a `sh` block parses with the real parser, every `sql`
block runs on a filled archive, every docs/ page is on the contents page.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sqlite3
from pathlib import Path

import pytest

from c5crawler.archive.migrate import MIGRATIONS
from c5crawler.cli import build_parser
from tests.archives import SEED, fill
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"
PAGES = {path: path.read_text(encoding="utf-8") for path in [REPO / "README.md", *sorted(DOCS.glob("*.md"))]}
COMMANDS = (DOCS / "commands.md").read_text(encoding="utf-8")
MAX_README_LINES = 400
# Words an example may use for a value the reader fills in, and what the parser gets instead.
PLACEHOLDERS = {"URL": SEED, "ID": "42", "FILE": "saved.html", "YYYY-MM-DD": "2020-07-01"}
SHELL_OPERATORS = {"&&", "||", "|", ";", "&", ">", ">>", "<", "2>"}


def subcommands(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command by its full name (`search`, `db upgrade`, ...)."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in (parser or build_parser())._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[prefix + name] = sub
                found.update(subcommands(sub, f"{prefix}{name} "))
    return found


def blocks(language: str) -> list[tuple[str, str]]:
    """(page, text) of every fenced block in this language, in the README and docs/."""
    return [
        (path.relative_to(REPO).as_posix(), block)
        for path, text in PAGES.items()
        for block in re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)
    ]


def c5crawler_commands(block: str) -> list[list[str]]:
    """The argument lists of the `c5crawler` commands in a shell block (after `&&`, `|`, ...)."""
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens, segment = list(lexer), []
        for token in [*tokens, ";"]:
            if token not in SHELL_OPERATORS:
                segment.append(token)
                continue
            while segment and re.match(r"^[A-Z_][A-Z0-9_]*=", segment[0]):  # VAR=value before the command
                segment.pop(0)
            if segment and segment[0] == "c5crawler":
                commands.append([PLACEHOLDERS.get(word, word) for word in segment[1:]])
            segment = []
    return commands


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_command_has_help_and_is_documented(name: str) -> None:
    parser = subcommands()[name]
    assert parser.description, f"{name} has no description"
    for action in parser._actions:
        assert action.help, f"{name} {action.option_strings or action.dest} has no help"
    assert f"c5crawler {name}" in README, f"`c5crawler {name}` is missing from the README"


def commands_section(name: str) -> str:
    """The part of docs/commands.md under `## c5crawler <verb>`."""
    verb = name.split()[0]
    match = re.search(rf"^## c5crawler {verb}\n(.*?)(?=^## |\Z)", COMMANDS, re.S | re.M)
    assert match, f"docs/commands.md has no section `## c5crawler {verb}`"
    return match.group(1)


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_option_is_in_the_commands_reference(name: str) -> None:
    shared = re.search(r"^## Options several verbs share\n(.*?)(?=^## )", COMMANDS, re.S | re.M)
    assert shared
    section = commands_section(name)
    assert f"c5crawler {name}" in section
    for action in subcommands()[name]._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in section or f"`{option}" in shared.group(1), f"{name} {option}"


def test_readme_starts_with_the_two_commands() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.strip().splitlines()[-1]
    head = README[:1500]
    assert "c5crawler crawl cgtn" in head
    assert test_command in head, "the README's test command is not what .ci/run runs"


def test_readme_is_short() -> None:
    assert len(README.splitlines()) <= MAX_README_LINES


def test_every_shell_example_parses() -> None:
    """Each `c5crawler ...` line of a `sh` block is a command the real parser accepts."""
    checked = 0
    for page, block in blocks("sh"):
        for argv in c5crawler_commands(block):
            try:
                build_parser().parse_args(argv)
            except SystemExit as exc:
                assert exc.code == 0, f"{page}: c5crawler {shlex.join(argv)}"  # --version, --help
            checked += 1
    assert checked >= 40, checked


def test_the_sql_examples_run_on_an_archive(tmp_path: Path) -> None:
    """Every `sql` block of the README and docs/ runs, and nearly every query finds rows."""
    db = tmp_path / "archive.sqlite3"
    fill(f"sqlite:///{db}")
    statements = [
        (page, s.strip()) for page, block in blocks("sql") for s in block.split(";") if s.strip()
    ]
    assert len(statements) >= 15
    with sqlite3.connect(db) as conn:
        empty = [(page, s) for page, s in statements if not conn.execute(s).fetchall()]
    # A filled archive has no runs with failed requests, and the like: a few find nothing.
    assert len(empty) <= len(statements) // 5, empty


def test_every_docs_page_is_on_the_contents_page() -> None:
    contents = (DOCS / "README.md").read_text(encoding="utf-8")
    for path in DOCS.glob("*.md"):
        if path.name != "README.md":
            assert f"]({path.name})" in contents, f"docs/README.md does not link {path.name}"
    assert "](docs/README.md)" in README


def anchor(heading: str) -> str:
    """GitHub's id for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_between_pages_lead_somewhere() -> None:
    for path, text in PAGES.items():
        for target, fragment in re.findall(r"\]\((?!https?:)([^)#\s]*)(?:#([^)\s]+))?\)", text):
            linked = (path.parent / target).resolve() if target else path
            assert linked.exists(), f"{path.name}: link to {target}"
            if fragment and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.*)$", linked.read_text(encoding="utf-8"), re.M)
                assert fragment in {anchor(h) for h in headings}, f"{path.name}: link to {target}#{fragment}"


def test_every_migration_is_in_the_migrations_page() -> None:
    page = (DOCS / "migrations.md").read_text(encoding="utf-8")
    for path in sorted((MIGRATIONS / "versions").glob("[0-9]*.py")):
        assert f"| `{path.stem[:4]}` | `{path.name}` |" in page, f"docs/migrations.md does not list {path.name}"
