"""The officials: who they are, their offices, how news names them.

data/people.toml holds the curated entries (pronouns, spellings, offices checked
one by one); data/states.toml the heads of state and government, foreign
ministers and heads of international bodies, one row per office. A person in
both keeps people.toml's entry with the offices of both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from c5crawler.enrich.gazetteer import Gazetteer, load_data
from c5crawler.enrich.states import officials


@dataclass(frozen=True)
class Office:
    title: str
    country: str | None
    start: str  # YYYY-MM-DD, YYYY-MM or YYYY
    end: str | None  # None: in office when the list was written

    def held_on(self, day: str) -> bool:
        """Was the office held on `day` (YYYY-MM-DD)? Partial dates compare by their prefix."""
        starts = day[: len(self.start)] >= self.start
        ends = self.end is None or day[: len(self.end)] <= self.end
        return starts and ends


@dataclass(frozen=True)
class Person:
    name: str
    surname: str
    pronoun: str | None
    offices: tuple[Office, ...]


@dataclass(frozen=True)
class People:
    by_name: dict[str, Person]
    full: Gazetteer  # full names and aliases -> name


@lru_cache(maxsize=1)
def people() -> People:
    entries = load_data("people.toml")["person"]
    by_name = {
        e["name"]: Person(
            name=e["name"],
            surname=e["surname"],
            pronoun=e.get("pronoun"),
            offices=tuple(
                Office(o["title"], o.get("country"), o["start"], o.get("end")) for o in e.get("offices", [])
            ),
        )
        for e in entries
    }
    forms = {form: e["name"] for e in entries for form in [e["name"], *e.get("aliases", [])]}
    for row in officials():
        office = Office(row.title, row.country, row.start, row.end)
        known = by_name.get(row.name)
        if known is None:
            by_name[row.name] = Person(row.name, row.surname, None, (office,))
        elif office not in known.offices:
            by_name[row.name] = replace(known, offices=(*known.offices, office))
        for form in (row.name, *row.aliases):
            forms.setdefault(form, row.name)
    return People(by_name, Gazetteer(forms))


@lru_cache(maxsize=1024)
def surnames(wanted: frozenset[str]) -> Gazetteer:
    """These surnames -> themselves (resolved per article, see mentions.py).

    Only the surnames of the people a text names in full are looked for: a list of
    every official's surname would make each capitalised word of every page a
    candidate ("Charles", "Park", "Ali") for a reference that cannot resolve.
    """
    return Gazetteer({surname: surname for surname in wanted})


def offices_of(person: Person, day: str | None) -> list[dict[str, object]]:
    """The person's offices as the record shows them; `held` says whether on the article's day."""
    return [
        {
            "title": office.title,
            "country": office.country,
            "start": office.start,
            "end": office.end,
            "held": office.held_on(day) if day else None,
        }
        for office in person.offices
    ]
