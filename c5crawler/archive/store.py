"""Writing to the archive: one article per canonical URL, one revision per distinct version."""

from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, Executable, Table, bindparam, delete, insert, literal, null, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError
from sqlalchemy.orm import Session

from c5crawler.archive import chinese, translations
from c5crawler.archive.db import ArchiveError
from c5crawler.archive.models import (
    Article,
    CrawlRun,
    Credit,
    DroppedPage,
    Mention,
    Quote,
    Revision,
    Topic,
    Turn,
    utcnow,
)
from c5crawler.items import ArticleRecord, FetchedPage

CREDIT_ROLES = (("authors", "author"), ("contributors", "contributor"), ("agencies", "agency"))
MENTION_KINDS = (("countries", "country"), ("people", "person"), ("organisations", "organisation"))

# Record keys that are `articles` columns as they are.
_SCALAR_COLUMNS = (
    "source", "kind", "title", "summary", "section", "date_raw", "date_source",
    "date_precision", "body", "headings", "images", "topics", "language",
    "extractor", "content_hash",
)


@dataclass
class RunCounts:
    pages_fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    dropped: int = 0
    errors: int = 0


@dataclass(frozen=True)
class FetchState:
    last_seen_at: datetime
    published_at: datetime | None


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def apply_record(article: Article, record: ArticleRecord) -> None:
    """Make the article row (and its credits, turns, quotes, mentions) say what `record` says."""
    for key in _SCALAR_COLUMNS:
        setattr(article, key, record[key])  # type: ignore[literal-required]
    article.published_at = parse_iso(record["published_at"])
    article.updated_at = parse_iso(record["updated_at"])
    article.credits = [
        Credit(role=role, name=name, position=position)
        for key, role in CREDIT_ROLES
        for position, name in enumerate(record[key])  # type: ignore[literal-required]
    ]
    article.turns = [Turn(position=i, **turn) for i, turn in enumerate(record["turns"])]
    article.quotes = [Quote(position=i, **quote) for i, quote in enumerate(record["quotes"])]
    article.topic_entries = [
        Topic(name=str(topic["name"]), score=float(topic["score"]))  # type: ignore[arg-type]
        for topic in record["topics"]
    ]
    article.mentions = [
        Mention(kind=kind, name=str(entry["name"]), count=int(entry["count"]))  # type: ignore[call-overload]
        for key, kind in MENTION_KINDS
        for entry in record["mentions"].get(key, [])
    ]


# zlib level 1: a 150 KB page compresses in a quarter of the time level 6 takes,
# about 15% larger; the stored bytes decompress the same.
HTML_ZLIB_LEVEL = 1
# URLs looked up per statement: well under SQLite's limit on bound parameters.
_LOOKUP_CHUNK = 500

_articles = Article.__table__
_revisions = Revision.__table__
_children = (
    (Credit.__table__, "credits"),
    (Turn.__table__, "turns"),
    (Quote.__table__, "quotes"),
    (Mention.__table__, "mentions"),
    (Topic.__table__, "topics"),
)
# Built once: a statement made anew per batch costs more than running it.
_LOOKUP = select(_articles.c.url, _articles.c.id, _articles.c.content_hash).where(
    _articles.c.url.in_(bindparam("urls", expanding=True))
)
_SEEN = (
    update(_articles)
    .where(_articles.c.id == bindparam("article_id"))
    .values(last_seen_at=bindparam("seen_at"), deleted_at=None)
)
_dropped = DroppedPage.__table__
# An article's state, else a dropped page's: one statement, as it is asked for every
# article request of a crawl.
_fetch_states = union_all(
    select(_articles.c.last_seen_at, _articles.c.published_at, literal(0).label("kept")).where(
        _articles.c.url == bindparam("find_url")
    ),
    select(_dropped.c.last_seen_at, null().label("published_at"), literal(1).label("kept")).where(
        _dropped.c.url == bindparam("find_url")
    ),
).subquery()
_FETCH_STATE = select(_fetch_states.c.last_seen_at, _fetch_states.c.published_at).order_by(_fetch_states.c.kept).limit(1)
_FORGET_DROPPED = delete(_dropped).where(_dropped.c.url == bindparam("find_url"))
# PostgreSQL with several writers: the batch's archived articles are locked (in URL
# order, so two batches lock alike), and a new article another writer inserted
# meanwhile is not inserted twice (see ArchiveStore.save_many).
_LOCK_ARTICLES = _LOOKUP.order_by(_articles.c.url).with_for_update()
# Run with many rows, this is one multi-row INSERT: FTS5 (fed by a trigger) indexes the
# batch as one segment, where one statement per article writes a segment each (0.8 ms
# of FTS5 an article instead of 0.5). The ids come back with their URL: SQLite does not
# promise RETURNING's row order.
_INSERT_ARTICLES = insert(_articles).returning(_articles.c.id, _articles.c.url)
_INSERT_NEW_ARTICLES = (
    postgresql.insert(_articles)
    .on_conflict_do_nothing(index_elements=[_articles.c.url])
    .returning(_articles.c.id, _articles.c.url)
)
# A batch that raced another writer is written again, seeing what that one wrote.
_WRITE_ATTEMPTS = 5
# PostgreSQL's deadlock_detected and serialization_failure: the transaction can be retried.
_RETRY_SQLSTATES = ("40P01", "40001")
# A `running` crawl run whose heartbeat is older than this is stale (its process died).
RUN_STALE_AFTER = timedelta(minutes=10)
_UPDATE_ARTICLE = update(_articles).where(_articles.c.id == bindparam("article_id"))
_DELETE_CHILD = [delete(table).where(table.c.article_id == bindparam("article_id")) for table, _ in _children]

class _Thread:
    """One thread, kept: starting one per batch costs more than it saves on a batch of one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.executor: ThreadPoolExecutor | None = None
        os.register_at_fork(after_in_child=self.forget)

    def __call__(self) -> ThreadPoolExecutor:
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        return self.executor

    def forget(self) -> None:
        self.executor = None  # a forked child has the executor but not its thread


# Prepares revisions while the writing thread is in SQLite; zlib and SQLite release the GIL.
_revision_preparer = _Thread("c5-archive")
# Copies a SQLite archive's write-ahead log into the database file after each batch (see db.py).
_checkpointer = _Thread("c5-checkpoint")


class _BulkInsert:
    """One table's rows written at once: PostgreSQL's COPY, or one DBAPI `executemany`.

    SQLAlchemy compiles the INSERT and each value goes through its column type's
    converter, as Core would do, without Core's bookkeeping per row, which cost half as
    much again as SQLite's own work on an article's 40 child rows. On PostgreSQL, COPY
    sends the rows as one stream, where `executemany` runs a statement for each.
    """

    def __init__(self, table: Table, dialect: Dialect) -> None:
        names = [column.key for column in table.columns if not column.primary_key]
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        self.sql = str(compiled)
        # qmark (SQLite) takes tuples in the statement's order, pyformat (psycopg) the dicts.
        order = list(compiled.positiontup or ()) if compiled.positional else []
        self.positional: Callable[[dict[str, Any]], tuple[Any, ...]] | None = itemgetter(*order) if order else None
        quote = dialect.identifier_preparer.quote
        self.copy = (
            f"COPY {quote(table.name)} ({', '.join(map(quote, names))}) FROM STDIN"
            if dialect.name == "postgresql"
            else None
        )
        self.values = itemgetter(*names)
        converters = ((name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names)
        self.converters = [(name, convert) for name, convert in converters if convert is not None]

    def convert(self, row: dict[str, Any]) -> dict[str, Any]:
        """`row` with its values as the database driver takes them (any subset of the columns)."""
        if not self.converters:
            return row
        try:
            return {**row, **{name: convert(row[name]) for name, convert in self.converters if name in row}}
        except Exception as exc:  # raised as Core raises a value it cannot convert
            raise StatementError(f"({type(exc).__module__}.{type(exc).__name__}) {exc}", self.sql, None, exc) from exc

    def execute(self, connection: Connection, converted: list[dict[str, Any]]) -> None:
        if not converted:
            return
        if self.copy is None:
            params = list(map(self.positional, converted)) if self.positional else converted
            connection.exec_driver_sql(self.sql, params)  # type: ignore[arg-type]
            return
        driver = connection.connection.driver_connection
        try:
            with driver.cursor() as cursor, cursor.copy(self.copy) as copy:  # type: ignore[union-attr]
                for row in converted:
                    copy.write_row(self.values(row))
        except connection.dialect.loaded_dbapi.Error as exc:  # raised as Core raises the driver's errors
            raise DBAPIError.instance(self.copy, None, exc, connection.dialect.loaded_dbapi.Error) from exc


def _article_columns(record: ArticleRecord) -> dict[str, Any]:
    row: dict[str, Any] = {key: record[key] for key in _SCALAR_COLUMNS}  # type: ignore[literal-required]
    row["published_at"] = parse_iso(record["published_at"])
    row["updated_at"] = parse_iso(record["updated_at"])
    return row


def _child_rows(article_id: int, record: ArticleRecord) -> dict[str, list[dict[str, Any]]]:
    """The rows of `credits`, `turns`, `quotes`, `mentions` and `topics` that say what `record` says."""
    return {
        "credits": [
            {"article_id": article_id, "role": role, "name": name, "position": position}
            for key, role in CREDIT_ROLES
            for position, name in enumerate(record[key])  # type: ignore[literal-required]
        ],
        "turns": [{"article_id": article_id, "position": i, **turn} for i, turn in enumerate(record["turns"])],
        "quotes": [{"article_id": article_id, "position": i, **quote} for i, quote in enumerate(record["quotes"])],
        "mentions": [
            {"article_id": article_id, "kind": kind, "name": str(entry["name"]), "count": int(entry["count"])}
            for key, kind in MENTION_KINDS
            for entry in record["mentions"].get(key, [])
        ],
        "topics": [
            {"article_id": article_id, "name": str(topic["name"]), "score": float(topic["score"])}  # type: ignore[arg-type]
            for topic in record["topics"]
        ],
    }


@dataclass
class _Write:
    """A new or changed article: its row written, its child rows replaced, a revision added."""

    record: ArticleRecord
    page: FetchedPage
    fetched_at: datetime

    @property
    def url(self) -> str:
        return self.record["url"]


@dataclass
class _Group:
    """Consecutive entries written with one statement per table: unchanged articles,
    then at most one changed article, then new ones, no URL twice.

    In that order every table gets its rows in the same order as when the entries
    are saved one by one, so the ids (SQLite reuses those of deleted child rows),
    and PostgreSQL's row order that breaks ties in search, come out the same.
    """

    seen: list[tuple[str, datetime]] = field(default_factory=list)  # unchanged: URL, when
    changed: _Write | None = None
    new: list[_Write] = field(default_factory=list)
    urls: set[str] = field(default_factory=set)

    @property
    def writes(self) -> list[_Write]:
        return ([self.changed] if self.changed else []) + self.new

    def takes(self, url: str, outcome: str) -> bool:
        return url not in self.urls and (outcome == "new" or not self.writes)

    def add(self, outcome: str, record: ArticleRecord, page: FetchedPage) -> None:
        self.urls.add(record["url"])
        fetched_at = parse_iso(page["fetched_at"]) or utcnow()
        if outcome == "unchanged":
            self.seen.append((record["url"], fetched_at))
        elif outcome == "updated":
            self.changed = _Write(record, page, fetched_at)
        else:
            self.new.append(_Write(record, page, fetched_at))


def _plan(
    entries: list[tuple[ArticleRecord, FetchedPage]], stored: dict[str, str]
) -> tuple[list[str], list[_Group]]:
    """Each entry's outcome, as if saved one by one, and the groups that write them.

    `stored` maps the archived URLs to their content hash; it follows the batch.
    """
    outcomes: list[str] = []
    groups = [_Group()]
    for record, page in entries:
        url = record["url"]
        if url not in stored:
            outcome = "new"
        elif stored[url] == record["content_hash"]:
            outcome = "unchanged"
        else:
            outcome = "updated"
        if not groups[-1].takes(url, outcome):
            groups.append(_Group())
        groups[-1].add(outcome, record, page)
        stored[url] = record["content_hash"]
        outcomes.append(outcome)
    return outcomes, groups


def _lookup(connection: Connection, urls: list[str], statement: Executable = _LOOKUP) -> dict[str, tuple[int, str]]:
    """The archived articles among `urls`: URL to (id, content hash).

    Looked up in URL order: locking, two batches lock their common rows in the same order.
    """
    unique = sorted(set(urls))
    found: dict[str, tuple[int, str]] = {}
    for first in range(0, len(unique), _LOOKUP_CHUNK):
        rows = connection.execute(statement, {"urls": unique[first : first + _LOOKUP_CHUNK]})
        found.update((row.url, (row.id, row.content_hash)) for row in rows)
    return found


def _article_row(write: _Write) -> dict[str, Any]:
    return {**_article_columns(write.record), "last_seen_at": write.fetched_at, "deleted_at": None}


class _Raced(SQLAlchemyError):
    """Another writer archived one of the batch's new articles first."""

    def __init__(self) -> None:
        super().__init__("other writers kept archiving the batch's new articles first")


class _BatchWriter:
    """Writes one batch's groups in one transaction; `ids` maps URLs to article ids."""

    def __init__(
        self,
        connection: Connection,
        inserts: dict[str, _BulkInsert],
        preparer: Executor,
        ids: dict[str, int],
        run_id: int | None,
        insert_articles: Executable = _INSERT_ARTICLES,
    ) -> None:
        self.connection = connection
        self.inserts = inserts
        self.preparer = preparer
        self.ids = ids
        self.run_id = run_id
        self.insert_articles = insert_articles

    def write(self, group: _Group) -> None:
        """The group's rows, one statement per table (the changed article's deletes aside)."""
        writes = group.writes
        # Made on the other thread while this one is in SQLite, indexing the articles:
        # zlib and SQLite release the GIL.
        revisions = self.preparer.submit(lambda: [self._revision_row(w) for w in writes])
        self._articles(group)
        self._chinese(group)
        children: dict[str, list[dict[str, Any]]] = {key: [] for _, key in _children}
        for w in writes:
            for key, rows in _child_rows(self.ids[w.url], w.record).items():
                children[key] += rows
        for key, rows in children.items():
            insert = self.inserts[key]
            insert.execute(self.connection, [insert.convert(row) for row in rows])
        # The article id is an int as the driver takes it: known only now.
        rows = [{**row, "article_id": self.ids[w.url]} for w, row in zip(writes, revisions.result())]
        self.inserts["revisions"].execute(self.connection, rows)
        # Last: a partner saved in the same group has its mentions by now.
        translations.link_many(self.connection, [(self.ids[w.url], w.record, w is not group.changed) for w in writes])

    def _chinese(self, group: _Group) -> None:
        """The Chinese index of the group's new and changed articles (an English one that is new costs nothing)."""
        ids = self.ids
        texts = [
            (ids[w.url], w.record["language"], w.record["title"], w.record["summary"], w.record["body"])
            for w in group.writes
            if w is group.changed or chinese.is_chinese(w.record["language"])
        ]
        chinese.index_articles(self.connection, texts)

    def _revision_row(self, write: _Write) -> dict[str, Any]:
        """The converted revision row, but its article id: the page compressed, the record serialised."""
        return self.inserts["revisions"].convert(
            {
                "fetched_at": write.fetched_at,
                "fetched_url": write.page["url"],
                "http_status": write.page["status"],
                "content_hash": write.record["content_hash"],
                "html_zlib": zlib.compress(write.page["html"], HTML_ZLIB_LEVEL),
                "record": dict(write.record),
                "crawl_run_id": self.run_id,
            }
        )

    def _articles(self, group: _Group) -> None:
        """The group's `articles` rows, in entry order: seen, changed (its child rows cleared), new."""
        connection, ids = self.connection, self.ids
        if group.seen:
            connection.execute(_SEEN, [{"article_id": ids[url], "seen_at": when} for url, when in group.seen])
        if group.changed:
            article_id = ids[group.changed.url]
            connection.execute(_UPDATE_ARTICLE, {"article_id": article_id, **_article_row(group.changed)})
            for statement in _DELETE_CHILD:
                connection.execute(statement, {"article_id": article_id})
        if group.new:
            connection.execute(_FORGET_DROPPED, [{"find_url": w.url} for w in group.new])
            rows = connection.execute(
                self.insert_articles,
                [{"url": w.url, "first_seen_at": w.fetched_at, **_article_row(w)} for w in group.new],
            ).all()
            if len(rows) < len(group.new):  # ON CONFLICT DO NOTHING skipped some
                raise _Raced()
            ids.update((row.url, row.id) for row in rows)


class ArchiveStore:
    """The only writer of the archive; every call is one transaction."""

    def __init__(self, engine: Engine) -> None:
        if not engine.dialect.insert_returning:
            raise ArchiveError("storing articles needs INSERT ... RETURNING: SQLite 3.35 or newer")
        self.engine = engine
        # PostgreSQL archives may have several writers at once (see save_many).
        self.concurrent = engine.dialect.name == "postgresql"
        self._checkpoints = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
        self._checkpoint: tuple[ThreadPoolExecutor, Future[None]] | None = None  # the thread, its last checkpoint
        self._inserts = {
            key: _BulkInsert(table, engine.dialect) for table, key in (*_children, (_revisions, "revisions"))
        }
        dialect_insert = postgresql.insert if self.concurrent else sqlite.insert
        upsert = dialect_insert(_dropped)
        self._remember_dropped = upsert.on_conflict_do_update(
            index_elements=[_dropped.c.url],
            set_={name: upsert.excluded[name] for name in ("source", "reason", "last_seen_at", "fetched_url")},
        )

    def save(self, record: ArticleRecord, page: FetchedPage, run_id: int | None = None) -> str:
        """Archive one fetched article; returns `new`, `updated` or `unchanged`."""
        return self.save_many([(record, page)], run_id)[0]

    def save_many(
        self, entries: list[tuple[ArticleRecord, FetchedPage]], run_id: int | None = None
    ) -> list[str]:
        """Archive fetched articles in order, all in one transaction (all or none of them).

        Returns each one's outcome: `new`, `updated` or `unchanged`, as if they were
        saved one by one, and the same rows. Written with one statement per table
        for each run of entries that allows it (see `_Group`), not per article.

        On PostgreSQL other processes may write the same articles at once: the
        batch's archived articles are locked first (`SELECT ... FOR UPDATE`), new
        ones are inserted with `ON CONFLICT DO NOTHING`, and a batch that lost a
        race (an article inserted by another writer meanwhile, or a deadlock) is
        written again from the start, seeing the other's rows: each article is
        archived once, and a version another writer just stored is `unchanged`
        here, not a second revision.
        """
        if not entries:
            return []
        if not self.concurrent:
            outcomes = self._save_batch(entries, run_id, _LOOKUP, _INSERT_ARTICLES)
            self._checkpoint_soon()
            return outcomes
        for _ in range(_WRITE_ATTEMPTS - 1):
            try:
                return self._save_batch(entries, run_id, _LOCK_ARTICLES, _INSERT_NEW_ARTICLES)
            except _Raced:
                continue
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) not in _RETRY_SQLSTATES:
                    raise
        return self._save_batch(entries, run_id, _LOCK_ARTICLES, _INSERT_NEW_ARTICLES)

    def _save_batch(
        self,
        entries: list[tuple[ArticleRecord, FetchedPage]],
        run_id: int | None,
        lookup: Executable,
        insert_articles: Executable,
    ) -> list[str]:
        with self.engine.begin() as connection:
            found = _lookup(connection, [record["url"] for record, _ in entries], lookup)
            outcomes, groups = _plan(entries, {url: digest for url, (_, digest) in found.items()})
            ids = {url: article_id for url, (article_id, _) in found.items()}
            writer = _BatchWriter(connection, self._inserts, _revision_preparer(), ids, run_id, insert_articles)
            for group in groups:
                writer.write(group)
        return outcomes

    def _checkpoint_soon(self) -> None:
        """Checkpoint the write-ahead log on the checkpointing thread, unless one is under way.

        The batch is committed to the log already: this only moves it into the database
        file, with its fsyncs, off the writer's path (SQLite would do it in the commit).
        """
        if not self._checkpoints:
            return
        thread = _checkpointer()
        if self._checkpoint is None or self._checkpoint[0] is not thread or self._checkpoint[1].done():
            self._checkpoint = (thread, thread.submit(self._checkpoint_log))

    def _checkpoint_log(self) -> None:
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except SQLAlchemyError:
            pass  # the log keeps every commit; the next batch's checkpoint, or SQLite's own, copies it

    def fetch_state(self, url: str) -> FetchState | None:
        """When a page was last fetched (and published), archived or dropped; None if never."""
        with self.engine.connect() as connection:
            row = connection.execute(_FETCH_STATE, {"find_url": url}).first()
        return FetchState(row.last_seen_at, row.published_at) if row else None

    def remember_dropped(
        self, url: str, source: str, reason: str, when: datetime, fetched_url: str | None = None
    ) -> None:
        """Note a page that was fetched and not archived, so unchanged it is not fetched again."""
        with self.engine.begin() as connection:
            connection.execute(
                self._remember_dropped,
                {"url": url, "source": source, "reason": reason, "last_seen_at": when, "fetched_url": fetched_url},
            )

    def dropped_pages(self, source: str) -> list[tuple[str, str]]:
        """The source's dropped pages, oldest first: (canonical URL, the address to fetch it from)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(_dropped.c.url, _dropped.c.fetched_url)
                .where(_dropped.c.source == source)
                .order_by(_dropped.c.last_seen_at, _dropped.c.url)
            )
            return [(row.url, row.fetched_url or row.url) for row in rows]

    def mark_deleted(self, url: str, when: datetime) -> bool:
        """Record that an archived article is gone from the site; its content stays.

        One statement, so that of two writers noting the same deletion one does.
        """
        with self.engine.begin() as connection:
            marked = connection.execute(
                update(_articles)
                .where(_articles.c.url == url, _articles.c.deleted_at.is_(None))
                .values(deleted_at=when)
            )
            return marked.rowcount > 0

    def recent_run_stats(self, spider: str, limit: int = 10) -> list[dict[str, Any]]:
        """The stats of the spider's last finished runs, newest first (the alarms' history)."""
        with Session(self.engine) as session:
            return list(
                session.scalars(
                    select(CrawlRun.stats)
                    .where(CrawlRun.spider == spider, CrawlRun.outcome == "finished")
                    .order_by(CrawlRun.id.desc())
                    .limit(limit)
                )
            )

    def probe_write(self) -> None:
        """Raise now if the archive cannot take a write (read-only, locked, full), not mid-crawl."""
        with Session(self.engine) as session, session.begin():
            session.add(CrawlRun(spider="(write probe)", started_at=utcnow(), outcome="probe"))
            session.flush()
            session.rollback()

    def close_interrupted_runs(self, stale_after: timedelta = RUN_STALE_AFTER) -> int:
        """Mark the runs still `running` whose process was killed `interrupted`; how many.

        On SQLite the caller holds the archive's lock, so every such run is dead. On
        PostgreSQL other crawls may be running now, here or on other machines: a run
        is dead when it is stale, that is its heartbeat (or start) is older than
        `stale_after`, or it ran on this host in a process that no longer exists.
        """
        with Session(self.engine) as session, session.begin():
            runs = session.scalars(select(CrawlRun).where(CrawlRun.outcome == "running")).all()
            if self.concurrent:
                now = utcnow()
                runs = [run for run in runs if _is_stale(run, now, stale_after)]
            for run in runs:
                run.outcome = "interrupted"
            return len(runs)

    def start_run(self, spider: str, crawl_id: str | None = None) -> int:
        """A new `running` run of `spider` by this process (in the shared crawl `crawl_id`)."""
        with Session(self.engine) as session, session.begin():
            now = utcnow()
            run = CrawlRun(
                spider=spider, started_at=now, outcome="running",
                worker_id=this_worker(), crawl_id=crawl_id, heartbeat_at=now,
            )
            session.add(run)
            session.flush()
            return run.id

    def heartbeat(self, run_id: int) -> None:
        """Say that the run is alive (see `close_interrupted_runs`)."""
        with self.engine.begin() as connection:
            connection.execute(update(CrawlRun.__table__).where(CrawlRun.id == run_id).values(heartbeat_at=utcnow()))

    def finish_run(
        self, run_id: int, counts: RunCounts, outcome: str, stats: dict[str, Any]
    ) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get_one(CrawlRun, run_id)
            for key, value in asdict(counts).items():
                setattr(run, key, value)
            run.finished_at = utcnow()
            run.outcome = outcome
            run.stats = stats


def this_worker() -> str:
    """This process, as `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_stale(run: CrawlRun, now: datetime, stale_after: timedelta) -> bool:
    """Whether a `running` run's process is gone: silent too long, or dead on this host."""
    if now - (run.heartbeat_at or run.started_at) > stale_after:
        return True
    host, _, pid = (run.worker_id or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def revision_html(revision: Revision) -> bytes:
    """The page as it was fetched for this revision."""
    return zlib.decompress(revision.html_zlib) if revision.html_zlib else b""
