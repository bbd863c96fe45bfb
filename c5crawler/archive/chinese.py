"""Chinese full-text search: Chinese text as words, the same way at index and query time.

Chinese is written without spaces, so SQLite's unicode61 tokenizer and PostgreSQL's
parser read a whole run of Han characters as one word, and a name inside it is
never found. Here each run is cut into overlapping two-character words (bigrams:
"孟晚舟事件" -> 孟晚 晚舟 舟事 事件), so any word of two or more characters is a phrase
of bigrams, found wherever it stands. Place names of three or more characters in
the Unicode CLDR (Babel's Chinese territory and region names) are kept whole,
which stops their inner bigrams from matching: 中美 (China-US) does not find
中美洲 (Central America), and 印度 (India) does not find 印度尼西亚 (Indonesia).

Articles in Chinese (language `zh`) are indexed a second time, segmented, in
`articles_fts_zh` (an FTS5 table on SQLite; a table of weighted `tsvector`s with
a GIN index on PostgreSQL); a query with Han characters is run there. English
articles never touch it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import cycle

from babel import Locale
from sqlalchemy import Connection, select, text

from c5crawler.archive.models import Article

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Shorter names are bigrams already; longer ones are kept whole.
_SHORTEST_KEPT = 3
_CLDR_LOCALES = ("zh", "zh_Hant")

TABLE = "articles_fts_zh"
# Written as an article's segmented title, summary and body (see index_articles).
_SQLITE_DELETE = text(f"DELETE FROM {TABLE} WHERE rowid = :id")
_SQLITE_INSERT = text(f"INSERT INTO {TABLE} (rowid, title, summary, body) VALUES (:id, :title, :summary, :body)")
_POSTGRES_DELETE = text(f"DELETE FROM {TABLE} WHERE article_id = :id")
_POSTGRES_INSERT = text(
    f"""INSERT INTO {TABLE} (article_id, search_vector) VALUES (:id,
        setweight(to_tsvector('simple', :title), 'A')
        || setweight(to_tsvector('simple', :summary), 'B')
        || setweight(to_tsvector('simple', :body), 'C'))"""
)
_TEXTS = select(Article.id, Article.language, Article.title, Article.summary, Article.body)


@lru_cache(maxsize=1)
def _kept_whole() -> re.Pattern[str]:
    """CLDR's Chinese place names of three or more characters, longest first, as one capturing group."""
    names = {
        name
        for locale in _CLDR_LOCALES
        for name in Locale.parse(locale).territories.values()
        if len(name) >= _SHORTEST_KEPT and _HAN_RUN.fullmatch(name)
    }
    return re.compile("(" + "|".join(sorted(names, key=len, reverse=True)) + ")")


def _bigrams(run: re.Match[str]) -> str:
    text = run.group()
    return " " + (" ".join(map(str.__add__, text[:-1], text[1:])) if len(text) > 1 else text) + " "


def segment(value: str | None) -> str:
    """The text with each run of Han characters written as its words, separated by spaces.

    Place names are found in the whole text at once (they hold only Han characters,
    so none spans two runs); the text between them is cut into bigrams.
    """
    if not value:
        return ""
    parts = _kept_whole().split(value)  # text, place, text, place, ..., text
    return "".join(f" {part} " if odd else _HAN_RUN.sub(_bigrams, part) for odd, part in zip(cycle((0, 1)), parts))


def is_chinese(language: str | None) -> bool:
    return bool(language) and language.startswith("zh")  # type: ignore[union-attr]


def index_articles(connection: Connection, articles: Sequence[tuple[int, str, str, str | None, str]]) -> None:
    """(Re)index these articles (id, language, title, summary, body): each one's old entry is
    removed, and those in Chinese are indexed as they now read."""
    if not articles:
        return
    postgres = connection.dialect.name == "postgresql"
    connection.execute(_POSTGRES_DELETE if postgres else _SQLITE_DELETE, [{"id": a[0]} for a in articles])
    rows = [
        {"id": article_id, "title": segment(title), "summary": segment(summary), "body": segment(body)}
        for article_id, language, title, summary, body in articles
        if is_chinese(language)
    ]
    if rows:
        connection.execute(_POSTGRES_INSERT if postgres else _SQLITE_INSERT, rows)


def reindex(connection: Connection, batch: int = 500) -> int:
    """Index every archived article in Chinese anew; returns how many there are."""
    last, count = 0, 0
    while True:
        query = _TEXTS.where(Article.id > last, Article.language.like("zh%")).order_by(Article.id).limit(batch)
        rows = connection.execute(query).all()
        if not rows:
            return count
        index_articles(connection, [tuple(row) for row in rows])  # type: ignore[misc]
        count += len(rows)
        last = rows[-1].id


def snippet(
    texts: Iterable[str | None], needles: Sequence[str], width: int = 40, marks: tuple[str, str] = ("[", "]")
) -> str:
    """The first passage holding one of `needles`, each occurrence between `marks` (`[`…`]`).

    The index holds bigrams, not the text as printed, so the passage is cut from the
    article itself.
    """
    joined = " ".join(" ".join(t.split()) for t in texts if t)
    found = re.compile("|".join(map(re.escape, sorted(needles, key=len, reverse=True)))) if needles else None
    first = found.search(joined) if found else None
    if first is None:
        return joined[: 2 * width] + ("…" if len(joined) > 2 * width else "")
    start, end = max(0, first.start() - width), min(len(joined), first.end() + width)
    passage = found.sub(lambda m: f"{marks[0]}{m.group()}{marks[1]}", joined[start:end])  # type: ignore[union-attr]
    return ("…" if start else "") + passage + ("…" if end < len(joined) else "")

