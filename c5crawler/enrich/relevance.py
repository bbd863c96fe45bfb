"""The diplomacy score and topic, by the rules of data/relevance.toml (the one place for them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from c5crawler.enrich.gazetteer import Gazetteer, Scanner, load_data


@dataclass(frozen=True)
class Rules:
    threshold: float
    signals: dict[str, dict[str, Any]]  # name -> {weight, cap}
    phrases: Scanner  # events (phrase -> event kind), roles and vocabulary (phrase -> itself)


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = load_data("relevance.toml")
    signals = data["signals"]
    kinds = signals["events"]["kinds"]
    return Rules(
        threshold=float(data["threshold"]),
        signals=signals,
        phrases=Scanner(
            Gazetteer({p: kind for kind, phrases in kinds.items() for p in phrases}, ignore_case=True),
            Gazetteer({p: p for p in signals["roles"]["phrases"]}, ignore_case=True),
            Gazetteer({p: p for p in signals["vocabulary"]["phrases"]}, ignore_case=True),
        ),
    )


def diplomacy_topic(
    text: str, mentions: dict[str, list[dict[str, object]]]
) -> tuple[float, list[str]]:
    """The diplomacy score of an article and the reasons for it, e.g. "events: talks, visit"."""
    r = rules()
    events, roles, vocabulary = r.phrases.find(text)
    found: dict[str, list[str]] = {
        "officials": _names(mentions["people"]),
        "countries": _names(mentions["countries"]),
        "organisations": _names(mentions["organisations"]),
        "events": _distinct(h.value for h in events),
        "roles": _distinct(h.value.lower() for h in roles),
        "vocabulary": _distinct(h.value.lower() for h in vocabulary),
    }
    score = 0.0
    reasons = []
    for signal, hits in found.items():
        if not hits:
            continue
        weight, cap = float(r.signals[signal]["weight"]), int(r.signals[signal]["cap"])
        score += weight * min(len(hits), cap)
        # Counting countries says more than naming them all ("countries: 6").
        reasons.append(f"{signal}: {len(hits)}" if signal == "countries" else f"{signal}: {', '.join(hits)}")
    return round(score, 2), reasons


def _names(entries: list[dict[str, object]]) -> list[str]:
    return [str(e["name"]) for e in entries]


def _distinct(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
