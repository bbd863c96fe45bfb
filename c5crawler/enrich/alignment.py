"""Question-level alignment of a press conference and its translation.

The English transcript asks the same questions in the same order, but may leave
some out. Each question is reduced to what survives translation: the countries and
organisations it names (stored under the same names in both languages) and its
numbers of two digits or more (dates, resolutions, figures). Questions are paired
in order (a monotonic alignment, by dynamic programming) so that the pairs' summed
likeness is greatest; a pair must share something.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from c5crawler.enrich.mentions import names_in

_NUMBER = re.compile(r"\d{2,}")


def signature(text: str, chinese: bool) -> frozenset[str]:
    """What a question keeps in translation: its countries, organisations and numbers."""
    names = names_in(text, chinese=chinese)
    named = {str(hit.value) for hit in (*names.countries, *names.organisations)}
    return frozenset(named | set(_NUMBER.findall(text)))


def likeness(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def align_questions(original: Sequence[str], translation: Sequence[str]) -> list[tuple[int, int, float]]:
    """(i, j, likeness): question i of the Chinese original is question j of the English translation."""
    ours = [signature(text, chinese=True) for text in original]
    theirs = [signature(text, chinese=False) for text in translation]
    rows, columns = len(ours), len(theirs)
    # best[i][j]: the greatest summed likeness aligning the first i with the first j questions.
    best = [[0.0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, columns + 1):
            paired = likeness(ours[i - 1], theirs[j - 1])
            best[i][j] = max(best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + paired if paired else 0.0)
    pairs: list[tuple[int, int, float]] = []
    i, j = rows, columns
    while i and j:
        paired = likeness(ours[i - 1], theirs[j - 1])
        if paired and best[i][j] == best[i - 1][j - 1] + paired:
            pairs.append((i - 1, j - 1, paired))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]
