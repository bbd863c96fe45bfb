"""The archive's SQL functions for the web view, as a Datasette plugin.

Its pages and canned queries (metadata.yml, templates/) call these, so search in
the browser follows the same rules as `c5crawler search` (query.py), Chinese included.
"""

from __future__ import annotations

import json
import sqlite3

from datasette import hookimpl

from c5crawler.archive.diff import record_diff
from c5crawler.archive import chinese
from c5crawler.archive.query import SearchQueryError, chinese_words, fts_query, is_chinese, parse


def c5_fts(user_text: str | None) -> str | None:
    """What a person types, as an FTS5 MATCH expression; NULL when it cannot be searched."""
    try:
        return fts_query(user_text or "")
    except SearchQueryError:
        return None


def c5_chinese(user_text: str | None) -> int:
    """1 when the text is searched on the Chinese index (it has Han characters), as `c5crawler search` does."""
    try:
        return int(is_chinese(parse(user_text or "")))
    except SearchQueryError:
        return 0


def c5_chinese_snippet(user_text: str | None, title: str | None, summary: str | None, body: str | None) -> str:
    """The passage of a Chinese article holding the query's words, marked as FTS5's snippet() marks
    (the Chinese index holds bigrams, not the text as printed)."""
    try:
        needles = chinese_words(parse(user_text or ""))
    except SearchQueryError:
        needles = []
    return chinese.snippet([title, summary, body], needles, width=30, marks=("\x02", "\x03"))


def c5_fts_error(user_text: str | None) -> str | None:
    """Why the text cannot be searched (one line), or NULL when it can."""
    try:
        fts_query(user_text or "")
    except SearchQueryError as exc:
        return str(exc)
    return None


def c5_diff(old_record: str | None, new_record: str | None) -> str | None:
    """What changed in title, summary and body between two revisions' records (JSON); NULL for the first."""
    if old_record is None or new_record is None:
        return None
    return "\n".join(record_diff(json.loads(old_record), json.loads(new_record), "before", "after"))


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("c5_fts", 1, c5_fts, deterministic=True)
    conn.create_function("c5_fts_error", 1, c5_fts_error, deterministic=True)
    conn.create_function("c5_chinese", 1, c5_chinese, deterministic=True)
    conn.create_function("c5_chinese_snippet", 4, c5_chinese_snippet, deterministic=True)
    conn.create_function("c5_diff", 2, c5_diff, deterministic=True)
