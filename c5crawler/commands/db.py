"""`c5crawler db`: the archive's schema revision, and migrating it."""

from __future__ import annotations

import argparse
from typing import Callable

from c5crawler.cli import EXIT_OK, UsageError, archive_url


def register(command: Callable[..., argparse.ArgumentParser], *parents: argparse.ArgumentParser) -> None:
    db = command("db", "the archive's schema: upgrade it to the newest revision, or show its revision")
    actions = db.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=type(db), help="upgrade or current"
    )
    upgrade = actions.add_parser(
        "upgrade", parents=list(parents), help="migrate the archive (created if missing) to the newest schema",
        description="migrate the archive (created if missing) to the newest schema; rows are kept",
    )
    upgrade.add_argument("--revision", default="head", help="migrate to this revision instead of the newest (head)")
    upgrade.set_defaults(func=run_upgrade)
    current = actions.add_parser(
        "current", parents=list(parents), help="print the archive's schema revision and the newest one",
        description="print the archive's schema revision and the newest one",
    )
    current.set_defaults(func=run_current)


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
