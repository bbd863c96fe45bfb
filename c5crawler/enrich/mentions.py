"""Countries, officials and organisations named in an article, with counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from babel import Locale

from c5crawler.enrich.gazetteer import Gazetteer, Hit, Scanner, forms_of, inside, load_data
from c5crawler.enrich.people import offices_of, people, surnames
from c5crawler.enrich.states import country_name, state_references

# A surname followed by another capitalised word is someone else's full name
# ("Wang Zongyuan" is not Wang Yi, "Wang Mengjie" the reporter neither).
_NAME_GOES_ON = re.compile(r" [A-Z][a-z]")


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> the name the archive stores (see states.country_name)."""
    return {country.alpha_2: country_name(country.alpha_2) for country in pycountry.countries}


@lru_cache(maxsize=1)
def countries() -> Gazetteer:
    """pycountry's names (without the "Korea, Republic of" forms) plus data/countries.toml."""
    data = load_data("countries.toml")
    extra = data.get("countries", {})
    forms: dict[str, str | None] = {}
    names = country_names()
    for country in pycountry.countries:
        name = names[country.alpha_2]
        printed = [country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)]
        for form in [*printed, name, *extra.get(country.alpha_2, {}).get("aliases", [])]:
            if form and "," not in form:
                forms.setdefault(form, name)
    forms.update({phrase: None for phrase in data.get("not_countries", [])})
    return Gazetteer(forms)


# Chinese names come from the Unicode CLDR (through Babel), in simplified and traditional script.
_CHINESE_LOCALES = ("zh", "zh_Hant")
# CLDR names these groupings among its territories; the archive stores organisations.toml's names.
_CLDR_ORGANISATIONS = {"EU": "European Union", "UN": "United Nations"}


def _cldr_names(codes: dict[str, str]) -> dict[str, str | None]:
    """Each code's Chinese names in CLDR -> the name the archive stores."""
    forms: dict[str, str | None] = {}
    for locale in _CHINESE_LOCALES:
        territories = Locale.parse(locale).territories
        for code, name in codes.items():
            if territories.get(code):
                forms.setdefault(territories[code], name)
    return forms


@lru_cache(maxsize=1)
def chinese_countries() -> Gazetteer:
    """CLDR's Chinese country names plus the short forms of data/countries.toml (`zh`)."""
    data = load_data("countries.toml")
    names = country_names()
    forms = _cldr_names(names)
    for code, entry in data.get("countries", {}).items():
        forms.update({form: names[code] for form in entry.get("zh", [])})
    forms.update({phrase: None for phrase in data.get("not_countries_zh", [])})
    return Gazetteer(forms, bounded=False)


@lru_cache(maxsize=1)
def chinese_organisations() -> Gazetteer:
    """CLDR's Chinese names of the EU and the UN, plus the `zh` forms of data/organisations.toml."""
    forms = _cldr_names(_CLDR_ORGANISATIONS)
    forms.update(forms_of(load_data("organisations.toml")["organisation"], key="zh"))
    return Gazetteer(forms, bounded=False)


@lru_cache(maxsize=1)
def _chinese_names() -> Scanner:
    return Scanner(chinese_countries(), chinese_organisations())


@lru_cache(maxsize=1)
def organisations() -> Gazetteer:
    return Gazetteer(forms_of(load_data("organisations.toml")["organisation"]))


@lru_cache(maxsize=1)
def _places() -> Gazetteer:
    """Countries, seats of government and demonyms as one list: one lookahead less per name.

    A hit is a country mention if its form is a country's, else it names a state
    for the diplomacy score alone (see states.py).
    """
    return Gazetteer({**state_references().forms, **countries().forms})


@lru_cache(maxsize=1)
def _names() -> Scanner:
    """Every name list, in one pass over an article."""
    return Scanner(_places(), organisations(), people().full)


@dataclass(frozen=True)
class Names:
    """Countries, organisations and listed officials named in a text, each in order."""

    countries: list[Hit]
    organisations: list[Hit]
    people: list[Hit]  # as person_references gives them
    states: list[Hit]  # seats of government and demonyms, each standing for its state


def names_in(text: str, chinese: bool = False) -> Names:
    """Every name of the lists in `text`, read in one pass (and one more for a Chinese text's names)."""
    places, found_organisations, full = _names().find(text)
    country_forms = countries().forms
    found_countries = [h for h in places if h.surface in country_forms]
    states = [h for h in places if h.surface not in country_forms]
    if chinese:
        more_countries, more_organisations = _chinese_names().find(text)
        found_countries = sorted(found_countries + more_countries, key=lambda hit: hit.start)
        found_organisations = sorted(found_organisations + more_organisations, key=lambda hit: hit.start)
    return Names(found_countries, found_organisations, _references(text, full), states)


def person_references(text: str) -> list[Hit]:
    """Every reference to a listed official, in order, each resolved to the full name.

    A surname alone counts only after the full name appeared earlier in the same
    text, and then stands for the last such person named ("Wang" after "Wang Yi").
    """
    return _references(text, people().full.find(text))


def _references(text: str, full: list[Hit]) -> list[Hit]:
    """person_references from the text's full-name hits, and the surnames of those named."""
    if not full:
        return []
    index = people()
    covered = [(h.start, h.end) for h in full]
    named = surnames(frozenset(index.by_name[str(h.value)].surname for h in full))
    alone = [
        h
        for h in named.find(text, full[0].start)  # a surname before the first full name cannot resolve
        if not inside(h.start, covered) and not _NAME_GOES_ON.match(text, h.end)
    ]
    refs: list[Hit] = []
    last_with_surname: dict[str, str] = {}
    for hit in sorted(full + alone, key=lambda h: h.start):
        if hit.value in index.by_name:
            last_with_surname[index.by_name[hit.value].surname] = hit.value
            refs.append(hit)
        elif hit.value in last_with_surname:
            refs.append(Hit(last_with_surname[hit.value], hit.surface, hit.start, hit.end))
    return refs


def counted(hits: Iterable[Hit]) -> list[dict[str, object]]:
    """[{name, count}], most mentioned first, ties in order of first mention."""
    counts = Counter(h.value for h in hits)
    return [{"name": name, "count": count} for name, count in counts.most_common()]


def find_mentions(names: Names, day: str | None) -> dict[str, list[dict[str, object]]]:
    """The record's `mentions`: countries, people (with their offices) and organisations."""
    index = people()
    persons = counted(names.people)
    for entry in persons:
        entry["offices"] = offices_of(index.by_name[str(entry["name"])], day)
    return {
        "countries": counted(names.countries),
        "people": persons,
        "organisations": counted(names.organisations),
    }
