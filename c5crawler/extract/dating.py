"""Dates in URLs, numeric page stamps, and the cross-check of a page's dates against the URL.

News sites put the publication day (or month) in the article's URL, and that
path never changes. Meta dates are typed in by a CMS and are sometimes wrong
(China Daily's `publishdate` has been seen with a Buddhist-era year, 2565 for
2022), so a meta date that disagrees with the URL loses to it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from c5crawler.items import DateText
from c5crawler.normalise.dates import BEIJING, parse_date

# "2023 11/ 17 20:52:15" (split spans), "2020-02-19 20:29:58", "2012年05月10日 08:23:45".
_STAMP = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]?\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?:\s*日)?"
    r"(?:\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
)
# A CMS stamp may fall on the next day (a late edit, a zone edge): still agreeing.
TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class UrlDate:
    """The span of days a URL's date names: one day (`20220804`) or a month (`202204`)."""

    first: date
    last: date

    @classmethod
    def day(cls, year: int, month: int, day: int) -> UrlDate | None:
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        return cls(when, when)

    @classmethod
    def month(cls, year: int, month: int) -> UrlDate | None:
        if not (1 <= month <= 12):
            return None
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    def agrees(self, day: date) -> bool:
        return self.first - TOLERANCE <= day <= self.last + TOLERANCE


def cross_checked(
    dates: Iterable[DateText], url_date: UrlDate | None, zone: tzinfo = BEIJING
) -> list[DateText]:
    """`dates` (best first) without the meta published dates that contradict the URL's date.

    A day-precise URL date is added after the page's own candidates, so it serves
    when every page date was wrong or missing. `updated` dates are kept: an edit
    may come long after publication; so are dates in the page's visible text, which
    win over any other (the record notes the disagreement). Without a URL date,
    `dates` is returned as is.
    """
    dates = list(dates)
    if url_date is None:
        return dates
    kept: list[DateText] = []
    for candidate in dates:
        parsed = parse_date(candidate["text"], zone)
        if (
            candidate["role"] == "published"
            and candidate["source"] != "page"
            and parsed is not None
            and not url_date.agrees(parsed.value.astimezone(zone).date())
        ):
            continue
        kept.append(candidate)
    if url_date.is_day:
        kept.append(DateText(text=url_date.first.isoformat(), source="url", role="published"))
    return kept


def page_date(text: str) -> str | None:
    """A stamp as one text ("2023-11-17 20:52:15"), however the template splits or spells it."""
    match = _STAMP.search(text)
    if not match:
        return None
    day = f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}"
    return f"{day} {match['time']}" if match["time"] else day
