"""The diplomacy score and topic, by the rules of data/relevance.toml (the one place for them).

Every point of a score has a reason ("acts: message, credentials"), stored with the
article's topic, so a user can see why an article is shown by default or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from c5crawler.enrich.gazetteer import Gazetteer, Hit, load_data

# Signals read from the text by phrase lists: with kinds (a phrase counts as its kind)
# or plain (a phrase counts as itself).
_KINDED = ("acts", "events")
_PLAIN = ("roles", "vocabulary", "domestic")
# How many states a reason names before it just counts them.
_NAMED_STATES = 6


@dataclass(frozen=True)
class Rules:
    threshold: float
    always_sources: frozenset[str]
    weights: dict[str, tuple[float, int]]  # signal -> (weight, cap)
    phrases: Gazetteer  # every signal's phrases, the longest first: "held talks" is an act, not an event
    meaning: dict[str, tuple[str, str]]  # phrase -> (signal, what it counts as)


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = load_data("relevance.toml")
    signals = data["signals"]
    meaning: dict[str, tuple[str, str]] = {}
    entries = [
        *((name, kind, p) for name in _KINDED for kind, phrases in signals[name]["kinds"].items() for p in phrases),
        *((name, p, p) for name in _PLAIN for p in signals[name]["phrases"]),
    ]
    for name, counted, phrase in entries:
        phrase = phrase.lower()
        if phrase in meaning:
            raise ValueError(f"relevance.toml: {phrase!r} is in {meaning[phrase][0]} and in {name}")
        meaning[phrase] = (name, counted)
    return Rules(
        threshold=float(data["threshold"]),
        always_sources=frozenset(data.get("always_sources", [])),
        weights={name: (float(v["weight"]), int(v.get("cap", 1))) for name, v in signals.items()},
        # One list read once: a list per signal would cost a pass each.
        phrases=Gazetteer({p: p for p in meaning}, ignore_case=True),
        meaning=meaning,
    )


def diplomacy_topic(
    text: str,
    mentions: dict[str, list[dict[str, Any]]],
    state_references: Iterable[Hit] = (),
    source: str | None = None,
) -> tuple[float, list[str]]:
    """The diplomacy score of an article and the reasons for it, e.g. "acts: talks, visit".

    `state_references` are the capitals, seats and demonyms found in the text (see
    states.py); `source` is the archive's source name (a Foreign Ministry page is
    diplomacy whatever its words).
    """
    r = rules()
    if not text or text.isspace():
        return 0.0, []
    if source in r.always_sources:  # diplomacy whatever its words: they are not read
        return r.threshold, [f"source: {source}"]
    found: dict[str, dict[str, None]] = {  # signal -> its distinct hits, in order
        "officials": dict.fromkeys(_names(mentions["people"])),
        "states": dict.fromkeys(_states(mentions, state_references)),
        "organisations": dict.fromkeys(_names(mentions["organisations"])),
        **{name: {} for name in (*_KINDED, *_PLAIN)},
    }
    for hit in r.phrases.find(text):
        signal, counted = r.meaning[str(hit.value)]
        found[signal][counted] = None
    # An event of a kind already counted as an act ("talks" after "held talks") adds nothing.
    for kind in found["acts"]:
        found["events"].pop(kind, None)
    score = 0.0
    reasons = []
    for signal, hits in found.items():
        if not hits:
            continue
        weight, cap = r.weights[signal]
        score += weight * min(len(hits), cap)
        reasons.append(f"{signal}: {_listed(list(hits)) if signal == 'states' else ', '.join(hits)}")
    if len(found["states"]) <= 1 and not found["organisations"]:
        score += r.weights["one_state"][0]
        reasons.append("one state only")
    return round(score, 2), reasons


def _states(mentions: dict[str, list[dict[str, Any]]], references: Iterable[Hit]) -> list[str]:
    """The states the text involves: countries named, capitals and demonyms, the officials' states."""
    offices = (o for person in mentions["people"] for o in person.get("offices", []))
    return [
        *_names(mentions["countries"]),
        *(str(h.value) for h in references),
        *(str(o["country"]) for o in offices if o.get("country")),
    ]


def _listed(states: list[str]) -> str:
    shown = ", ".join(states[:_NAMED_STATES])
    return f"{len(states)} ({shown}{', ...' if len(states) > _NAMED_STATES else ''})"


def _names(entries: list[dict[str, Any]]) -> list[str]:
    return [str(e["name"]) for e in entries]
