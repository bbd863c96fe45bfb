"""The states of data/states.toml: their seats of government, demonyms and officials.

A capital or seat names its state's government ("Beijing said", "Washington",
"Astana"); a demonym names the state ("Kazakh", "Moroccan"). Both count as the
state for the diplomacy score, not as country mentions: "Beijing" is also a
place where things happen. States are keyed by ISO 3166 alpha-2 code and stored
under the name the archive gives the country (pycountry's, or countries.toml's).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pycountry

from c5crawler.enrich.gazetteer import Gazetteer, load_data

# Holders of offices of international bodies, not of a state.
INTERNATIONAL = "international"
# A regnal number ("Charles III"): the second reference is the first name.
_REGNAL = re.compile(r"^[IVX]+$")


@dataclass(frozen=True)
class Official:
    name: str
    surname: str
    aliases: tuple[str, ...]
    title: str
    country: str | None
    start: str
    end: str | None


@lru_cache(maxsize=1)
def _country_data() -> dict[str, Any]:
    return dict(load_data("countries.toml").get("countries", {}))


def country_name(alpha_2: str) -> str:
    """The name the archive stores for a country: countries.toml's, else pycountry's common name."""
    own = _country_data().get(alpha_2, {})
    country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:
        raise ValueError(f"states.toml: no country with the code {alpha_2!r}")
    return str(own.get("name") or getattr(country, "common_name", None) or country.name)


@lru_cache(maxsize=1)
def _states() -> dict[str, Any]:
    return dict(load_data("states.toml"))


@lru_cache(maxsize=1)
def state_references() -> Gazetteer:
    """Seats of government and demonyms -> the state's name (case-sensitive, whole words)."""
    data = _states()
    forms: dict[str, str | None] = {}
    for code, state in data["states"].items():
        name = country_name(code)
        for form in [*state.get("seats", []), *state.get("demonyms", [])]:
            forms[form] = name
    # Phrases that hold a seat or demonym but name no government ("Washington Post").
    forms.update({phrase: None for phrase in data.get("not_states", [])})
    forms.update({phrase: None for phrase in load_data("countries.toml").get("not_countries", [])})
    return Gazetteer(forms)


@lru_cache(maxsize=1)
def officials() -> tuple[Official, ...]:
    """Every office row of states.toml, the holder's surname and aliases resolved."""
    data = _states()
    found: list[Official] = []
    groups = [(code, state) for code, state in data["states"].items()]
    groups.append((INTERNATIONAL, data[INTERNATIONAL]))
    for code, group in groups:
        country = None if code == INTERNATIONAL else country_name(code)
        family_first = bool(group.get("family_name_first", False))
        surnames: dict[str, str] = group.get("surnames", {})
        aliases: dict[str, list[str]] = group.get("aliases", {})
        for name, title, start, *end in group["officials"]:
            words = [w for w in name.split() if w not in ("Jr.", "Sr.")]
            # "Mohammed VI" is "King Mohammed" again; "Xi Jinping" is "Xi".
            first = family_first or bool(_REGNAL.match(words[-1]))
            surname = surnames.get(name) or (words[0] if first else words[-1])
            folded = _ascii(name)
            extra = [*aliases.get(name, []), *([folded] if folded != name else [])]
            found.append(Official(name, surname, tuple(extra), title, country, start, (end or [None])[0] or None))
    return tuple(found)


def _ascii(name: str) -> str:
    """The name without accents, as much English-language news prints it ("Lopez Obrador")."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
