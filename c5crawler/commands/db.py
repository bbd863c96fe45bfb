"""`c5crawler db`: the archive's schema revision, migrating it, and checking its consistency."""

from __future__ import annotations

import argparse

from c5crawler.commands.options import EXIT_FAILED, EXIT_OK, UsageError, Verbs, archive_url


def register(verbs: Verbs) -> None:
    db = verbs.add("db", "the archive itself: upgrade its schema, show its revision, check its consistency")
    actions = db.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=type(db), help="upgrade, current or check"
    )
    upgrade = actions.add_parser(
        "upgrade", parents=[verbs.db], help="migrate the archive (created if missing) to the newest schema",
        description="migrate the archive (created if missing) to the newest schema; rows are kept",
    )
    upgrade.add_argument("--revision", default="head", help="migrate to this revision instead of the newest (head)")
    upgrade.set_defaults(func=run_upgrade)
    current = actions.add_parser(
        "current", parents=[verbs.db], help="print the archive's schema revision and the newest one",
        description="print the archive's schema revision and the newest one",
    )
    current.set_defaults(func=run_current)
    check = actions.add_parser(
        "check", parents=[verbs.db], help="check the archive's integrity and invariants (exit 1 if one fails)",
        description="run SQLite's integrity check (not on PostgreSQL) and the archive's own invariants:"
        " a revision per article, the search index in step, no orphan rows, every stored page readable;"
        " one line per check, exit code 0 if all pass, 1 if not",
    )
    check.set_defaults(func=run_check)


def run_upgrade(args: argparse.Namespace) -> int:
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from c5crawler.archive import migrate, open_archive

    engine = open_archive(archive_url(args), upgrade=False)
    try:
        before, after = migrate.upgrade(engine, args.revision)
    except (CommandError, SQLAlchemyError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UsageError(f"cannot upgrade to {args.revision!r}: {reason}") from None
    finally:
        engine.dispose()
    if before == after:
        print(f"archive already at revision {after}")
    else:
        print(f"archive upgraded from revision {before or '(none)'} to {after}")
    return EXIT_OK


def run_current(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from c5crawler.archive import migrate, open_archive

    engine = open_archive(archive_url(args), create=False, upgrade=False)
    try:
        with engine.connect() as connection:
            current = migrate.current_revision(connection)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UsageError(f"cannot read the archive: {reason}") from None
    finally:
        engine.dispose()
    head = migrate.head_revision()
    note = "up to date" if current == head else f"newest is {head}: run c5crawler db upgrade"
    print(f"{current or '(none)'} ({note})")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from c5crawler.archive import open_archive
    from c5crawler.archive.check import run_checks

    # Not upgraded: a check looks at the archive as it is, and must work on a read-only file.
    engine = open_archive(archive_url(args), create=False, upgrade=False)
    failed = 0
    try:
        for verdict in run_checks(engine):
            print(verdict.line(), flush=True)
            failed += not verdict.ok
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UsageError(f"cannot check the archive: {reason}") from None
    finally:
        engine.dispose()
    print(f"{failed} checks failed" if failed else "archive consistent")
    return EXIT_FAILED if failed else EXIT_OK
