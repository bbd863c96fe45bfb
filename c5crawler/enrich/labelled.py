"""Stories scored by the diplomacy rules, and how well the rules agree with their labels.

A story is one JSON object: `title`, `text` and, when labelled by the rubric of
docs/relevance.md, `label` (`yes`, `no` or `borderline`). Borderline stories are
scored but counted in neither precision nor recall.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from c5crawler.enrich import diplomacy_score

LABELS = ("yes", "no", "borderline")


class BadStory(ValueError):
    """A line that is not a story; the message names the line."""


@dataclass
class Agreement:
    """How the rules' verdicts compare with the labels."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    borderline: int = 0
    unlabelled: int = 0

    def add(self, label: str | None, diplomacy: bool) -> None:
        if label is None:
            self.unlabelled += 1
        elif label == "borderline":
            self.borderline += 1
        elif label == "yes":
            if diplomacy:
                self.true_positive += 1
            else:
                self.false_negative += 1
        elif diplomacy:
            self.false_positive += 1
        else:
            self.true_negative += 1

    @property
    def labelled(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
            "true_positive": self.true_positive, "false_positive": self.false_positive,
            "false_negative": self.false_negative, "true_negative": self.true_negative,
            "borderline": self.borderline, "unlabelled": self.unlabelled,
        }


def read_stories(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, story) for each non-blank line; BadStory names the first bad line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            story = json.loads(line)
        except ValueError as exc:
            raise BadStory(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(story, dict):
            raise BadStory(f"line {number}: not a JSON object")
        for key in ("title", "text"):
            if not isinstance(story.get(key) or "", str):
                raise BadStory(f"line {number}: {key} is not a string")
        if story.get("label") is not None and story["label"] not in LABELS:
            raise BadStory(f"line {number}: label must be one of {', '.join(LABELS)}, not {story['label']!r}")
        yield number, story


def score_story(story: dict[str, Any]) -> dict[str, Any]:
    """The story's verdict: url, score, diplomacy, reasons (and its label, when it has one)."""
    score, reasons, diplomacy = diplomacy_score(story.get("title") or "", story.get("text") or "")
    verdict = {"url": story.get("url"), "score": score, "diplomacy": diplomacy, "reasons": reasons}
    if story.get("label") is not None:
        verdict["label"] = story["label"]
    return verdict
