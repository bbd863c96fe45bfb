"""The search syntax, parsed once and written out for each backend's full-text engine.

Words must all match; `"a phrase"`; `OR`; `a NOT b`; `prefix*`; parentheses.
Operators are upper case (`or` is a word). Chinese words are searched as the
Chinese index holds them (see chinese.py). A token with other punctuation
(`China-Central`, `U.S.`) is searched as a phrase of its words, and a token with
no letters or digits at all (`;`, `--`) is ignored. The user's text never becomes
SQL: it becomes an FTS5 or tsquery string that is bound as a parameter, built only
from words (`\\w+`) and operators this module writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from c5crawler.archive.chinese import HAN, segment

# Beyond these a query is refused rather than handed to the engine, whose own
# limits (FTS5's expression depth) would give a less clear error.
MAX_TERMS = 100
MAX_DEPTH = 16

_TOKENS = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')
_BAREWORD = re.compile(r"^\w+\*?$")
_WORD = re.compile(r"\w+")
_OPERATORS = {"AND", "OR", "NOT"}


class SearchQueryError(ValueError):
    """A query that cannot be run; the message is one line for the user."""


@dataclass(frozen=True)
class Term:
    text: str  # as typed, without quotes or the prefix star
    words: tuple[str, ...]
    prefix: bool = False
    bare: bool = False  # one plain word: FTS5 takes it unquoted


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]
    excluded: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Term | And | Or


def _term(token: str) -> Term | None:
    if token.startswith('"'):
        if len(token) == 1 or not token.endswith('"'):
            raise SearchQueryError(f"unterminated quote in {token!r}")
        inner = token[1:-1]
        words = tuple(_WORD.findall(inner))
        return Term(inner, words) if words else None
    prefix = token.endswith("*")
    text = token.rstrip("*") if prefix else token
    words = tuple(_WORD.findall(text))
    if not words:
        return None
    return Term(text, words, prefix, bare=bool(_BAREWORD.match(token)) and text.upper() != "NEAR")


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[str | Term] = []
        for token in _TOKENS.findall(text):
            if token in _OPERATORS or token in "()":
                self.tokens.append(token)
            elif (term := _term(token)) is not None:
                self.tokens.append(term)
        terms = sum(isinstance(t, Term) for t in self.tokens)
        if terms > MAX_TERMS:
            raise SearchQueryError(f"too many search terms ({terms}; at most {MAX_TERMS})")
        self.at = 0
        self.depth = 0

    def peek(self) -> str | Term | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str | Term | None:
        token = self.peek()
        self.at += 1
        return token

    def parse(self) -> Node:
        if not any(isinstance(t, Term) for t in self.tokens):
            raise SearchQueryError("nothing to search for: give a word or a phrase")
        node = self.either()
        if self.peek() is not None:
            raise SearchQueryError(f"unexpected {self.peek()!r}: unbalanced parentheses?")
        return node

    def either(self) -> Node:
        items = [self.both()]
        while self.peek() == "OR":
            self.take()
            items.append(self.both("OR"))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def both(self, after: str | None = None) -> Node:
        items: list[Node] = []
        excluded: list[Node] = []
        while (token := self.peek()) not in (None, ")", "OR"):
            if token in ("AND", "NOT"):
                self.take()
                if not items or self.peek() in (None, ")", "OR", "AND", "NOT"):
                    raise SearchQueryError(f"{token} needs a word or phrase on each side")
                (excluded if token == "NOT" else items).append(self.one())
            else:
                items.append(self.one())
        if not items:
            what = f"{after} needs a word or phrase on each side" if after else "empty parentheses"
            raise SearchQueryError(what)
        return items[0] if len(items) == 1 and not excluded else And(tuple(items), tuple(excluded))

    def one(self) -> Node:
        token = self.take()
        if isinstance(token, Term):
            return token
        if token == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise SearchQueryError(f"parentheses nested too deep (at most {MAX_DEPTH})")
            node = self.either()
            if self.take() != ")":
                raise SearchQueryError("a '(' is never closed")
            self.depth -= 1
            return node
        raise SearchQueryError(f"unexpected {token!r}")


def parse(text: str) -> Node:
    """The query as a tree, or SearchQueryError with a one-line reason."""
    return _Parser(text).parse()


# -- Chinese -----------------------------------------------------------------------
def is_chinese(node: Node) -> bool:
    """Whether the query has Han characters: it is then run on the Chinese index (chinese.py)."""
    if isinstance(node, Term):
        return any(HAN.search(word) for word in node.words)
    return any(map(is_chinese, node.items)) or any(map(is_chinese, getattr(node, "excluded", ())))


def segmented(node: Node) -> Node:
    """The query with its Chinese words cut as the Chinese index cuts the text.

    A word becomes the phrase of its bigrams (孟晚舟 -> "孟晚 晚舟"); one character
    alone, which the index holds only inside bigrams, is searched as their prefix.
    """
    if isinstance(node, Term):
        if not any(HAN.search(word) for word in node.words):
            return node
        cut = tuple(token for word in node.words for token in segment(word).split())
        prefix = node.prefix or (len(cut) == 1 and len(cut[0]) == 1 and bool(HAN.match(cut[0])))
        return Term(" ".join(cut), cut, prefix)
    if isinstance(node, Or):
        return Or(tuple(map(segmented, node.items)))
    return And(tuple(map(segmented, node.items)), tuple(map(segmented, node.excluded)))


def chinese_words(node: Node) -> list[str]:
    """The query's Chinese words as typed, to mark them in snippets."""
    if isinstance(node, Term):
        return [word for word in node.words if HAN.search(word)]
    return [word for item in node.items for word in chinese_words(item)]


# -- SQLite FTS5 -------------------------------------------------------------------
def to_fts5(node: Node) -> str:
    if isinstance(node, Term):
        if node.bare:
            return node.text + ("*" if node.prefix else "")
        return '"' + node.text.replace('"', '""') + '"' + (" *" if node.prefix else "")
    if isinstance(node, Or):
        return " OR ".join(_fts5_group(item) for item in node.items)
    # FTS5 allows the implicit AND (a space) only between phrases, not groups.
    joiner = " " if all(isinstance(item, Term) for item in node.items) else " AND "
    text = joiner.join(_fts5_group(item) for item in node.items)
    return text + "".join(f" NOT {_fts5_group(item)}" for item in node.excluded)


def _fts5_group(node: Node) -> str:
    return to_fts5(node) if isinstance(node, Term) else f"({to_fts5(node)})"


def fts_query(user_text: str) -> str:
    """What a person types, as an FTS5 MATCH expression (its Chinese words segmented)."""
    node = parse(user_text)
    return to_fts5(segmented(node) if is_chinese(node) else node)


# -- PostgreSQL tsquery ------------------------------------------------------------
def to_tsquery(node: Node) -> str:
    """Input for `to_tsquery('english', ...)`: each word quoted, phrases with `<->`."""
    if isinstance(node, Term):
        lexemes = [f"'{word}'" for word in node.words]  # \w+ holds no quote or backslash
        if node.prefix:
            lexemes[-1] += ":*"
        return " <-> ".join(lexemes)
    if isinstance(node, Or):
        return " | ".join(_ts_group(item) for item in node.items)
    text = " & ".join(_ts_group(item) for item in node.items)
    return text + "".join(f" & !{_ts_group(item)}" for item in node.excluded)


def _ts_group(node: Node) -> str:
    return f"({to_tsquery(node)})"
