"""Date text to exact UTC instants, with python-dateutil.

Every source states its own time zone; a date without a time is a `day`
precision date stored at 00:00 of that zone. A text without a year is not a
date here: dateutil would silently fill in the current year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from dateutil import parser as date_parser
from dateutil import tz

BEIJING: tzinfo = tz.gettz("Asia/Shanghai") or tz.tzoffset("CST", 8 * 3600)

_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_NOISE = re.compile(r"^\s*(updated|published|posted|release time|time)\s*[:：]?\s*", re.I)
# Plain ISO 8601 (sitemaps, feeds, meta tags): read by the standard library, which gives
# what dateutil gives for these, in a fraction of the time.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:Z|[+-]\d{2}:\d{2})?")
# "July 3, 2020", as the Foreign Ministry's titles date its transcripts: read directly,
# as dateutil reads it (every day 0-99 of every month of 1900-2099 checked), 25 times faster.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_MONTH_DAY_YEAR = re.compile(rf"({'|'.join(_MONTHS)}) (\d{{1,2}}), ((?:19|20)\d{{2}})")
_MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTHS, start=1)}
# "21:30, 16-Jul-2020", as CGTN stamps its articles: read directly, as dateutil reads it
# (every time of day, and every day 0-99 of every month of 1900-2099, checked).
_CLOCK_DAY_MON_YEAR = re.compile(
    rf"([01]?\d|2[0-3]):([0-5]\d), (\d{{1,2}})-({'|'.join(m[:3] for m in _MONTHS)})-((?:19|20)\d{{2}})"
)
_MON_NUMBERS = {name[:3]: number for name, number in _MONTH_NUMBERS.items()}
# Chinese dates: "2019年1月7日", "2019年1月7日 15:00", also in Chinese numerals
# ("二〇一九年一月七日", "十二月三十一日"), read here as dateutil does not.
_CHINESE_DIGITS = {c: d for d, chars in enumerate(("〇零", "一", "二两", "三", "四", "五", "六", "七", "八", "九")) for c in chars}
_CHINESE_NUMBER = "[〇零一二两三四五六七八九十]{1,4}"
_CHINESE_DATE = re.compile(
    rf"(?P<year>\d{{4}}|{_CHINESE_NUMBER})\s*年\s*(?P<month>\d{{1,2}}|{_CHINESE_NUMBER})\s*月"
    rf"\s*(?P<day>\d{{1,2}}|{_CHINESE_NUMBER})\s*[日号]"
    r"(?:\s*(?:(?P<noon>上午|下午|晚上)\s*)?(?P<hour>\d{1,2})\s*[:：时点]\s*(?P<minute>\d{2})?)?"
)
_ZONE_WORDS = re.compile(r"\b(GMT|UTC)\s*([+-]\d{1,2})(?::?(\d{2}))?\b", re.I)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime  # aware, in UTC
    precision: str  # minute or day

    @property
    def iso(self) -> str:
        return to_iso_z(self.value)


def to_iso_z(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the second."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def chinese_number(text: str) -> int:
    """A number written in digits or Chinese numerals: "2019", "二〇一九" (digit by digit), "三十一"."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def _chinese_date(match: re.Match[str], zone: tzinfo) -> ParsedDate | None:
    try:
        hour = int(match["hour"]) if match["hour"] else 0
        if match["noon"] in ("下午", "晚上") and hour < 12:
            hour += 12
        value = datetime(
            chinese_number(match["year"]), chinese_number(match["month"]), chinese_number(match["day"]),
            hour, int(match["minute"] or 0), tzinfo=zone,
        )
    except (KeyError, ValueError):
        return None
    return ParsedDate(value.astimezone(timezone.utc), "minute" if match["hour"] else "day")


def parse_date(text: str | None, zone: tzinfo = BEIJING) -> ParsedDate | None:
    """Parse a date as a page prints it; `zone` applies when the text names none.

    Returns None for text that holds no full date (no year, no day, not a date).
    """
    if not text:
        return None
    if "年" in text and (chinese := _CHINESE_DATE.search(text)):
        return _chinese_date(chinese, zone)
    cleaned = _NOISE.sub("", " ".join(text.split()))
    if not _YEAR.search(cleaned):
        return None
    explicit = _ZONE_WORDS.search(cleaned)
    if explicit:
        sign = -1 if explicit.group(2).startswith("-") else 1
        hours = abs(int(explicit.group(2)))
        minutes = int(explicit.group(3) or 0)
        zone = tz.tzoffset(None, sign * (hours * 3600 + minutes * 60))
        cleaned = _ZONE_WORDS.sub(" ", cleaned)
    try:
        if _ISO.fullmatch(cleaned):
            value = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
        elif written := _MONTH_DAY_YEAR.fullmatch(cleaned):
            value = datetime(int(written[3]), _MONTH_NUMBERS[written[1]], int(written[2]))
        elif stamp := _CLOCK_DAY_MON_YEAR.fullmatch(cleaned):
            value = datetime(int(stamp[5]), _MON_NUMBERS[stamp[4]], int(stamp[3]), int(stamp[1]), int(stamp[2]))
        else:
            value = date_parser.parse(cleaned, fuzzy=True, default=datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    if value.year == 1:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    precision = "minute" if _TIME.search(cleaned) else "day"
    return ParsedDate(value.astimezone(timezone.utc), precision)


def parse_epoch_ms(value: str | int | None) -> ParsedDate | None:
    """Epoch milliseconds, as CGTN listings carry them in `data-time`."""
    try:
        millis = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return ParsedDate(datetime.fromtimestamp(millis / 1000, tz=timezone.utc), "minute")
