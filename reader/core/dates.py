"""Dates as Indonesian news writes them, turned into ISO 8601 with an offset.

A date without a year ("Senin (19/2)") is left unknown unless the caller knows the year:
guessing would put an article in the wrong year.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache

WIB = timezone(timedelta(hours=7))
ZONES = {"wib": WIB, "wita": timezone(timedelta(hours=8)), "wit": timezone(timedelta(hours=9))}

MONTHS = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}

_TIME = r"(?:\D{0,4}?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
_ZONE = r"\s*(?P<zone>WIB|WITA|WIT)?\b"
_DAY_MONTH = r"\(\s*(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})\s*\)"


# The patterns are compiled when first used (an import, a date typed in a search), not when
# the reader imports this module for its first screen.
@cache
def _written_dates() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns of parse_date: "19 Februari 2024 10:30 WIB", "19/02/2024", "(19/2)"."""
    return (
        re.compile(
            r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\.?\s+(?P<year>\d{4})" + _TIME + _ZONE,
            re.IGNORECASE,
        ),
        re.compile(
            r"(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})" + _TIME + _ZONE,
            re.IGNORECASE,
        ),
        re.compile(_DAY_MONTH),
    )


def parse_date(text: str | None, year: int | None = None) -> str | None:
    """Parse an ISO 8601 or Indonesian date; return ISO 8601 with its offset, or None.

    Times without a zone are taken as WIB (UTC+7). `year` completes "Senin (19/2)".
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    iso = _parse_iso(text)
    if iso:
        return iso
    written, numeric, day_month = _written_dates()
    for pattern in (written, numeric):
        match = pattern.search(text)
        if match:
            return _from_match(match)
    match = day_month.search(text)
    if match and year:
        return _build(year, int(match["month"]), int(match["day"]), 0, 0, 0, WIB, date_only=True)
    return None


def _parse_iso(text: str) -> str | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    return value.isoformat()


def _from_match(match: re.Match[str]) -> str | None:
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
    if not month:
        return None
    zone = ZONES.get((match["zone"] or "wib").lower(), WIB)
    hour = int(match["hour"]) if match["hour"] else 0
    minute = int(match["minute"]) if match["minute"] else 0
    second = int(match["second"]) if match["second"] else 0
    date_only = not match["hour"]
    return _build(
        int(match["year"]), month, int(match["day"]), hour, minute, second, zone, date_only
    )


def _build(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    zone: tzinfo,
    date_only: bool = False,
) -> str | None:
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    return value.date().isoformat() if date_only else value.isoformat()


def to_utc_key(iso: str | None) -> str:
    """A sortable UTC key for an ISO 8601 date ("" when unknown, which sorts last)."""
    if not iso:
        return ""
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    value = value.astimezone(UTC)
    if value.year < 1000:  # strftime does not pad such a year: kept as it was
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat(timespec='seconds')[:19]}Z"  # the same string, without strftime


DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTH_NAMES = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def in_wib(iso: str | None) -> datetime | None:
    """An ISO 8601 date as a moment in WIB (how Indonesian news dates its stories)."""
    if not iso:
        return None
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    return value.astimezone(WIB)


def wib_day(iso: str | None) -> str:
    """'2018-01-24': the day in WIB, or "" when unknown."""
    moment = in_wib(iso)
    return moment.date().isoformat() if moment else ""


def long_date(iso: str | None) -> str:
    """'Rabu, 24 Januari 2018 05:00 WIB' ("" when unknown; no time for a date alone)."""
    moment = in_wib(iso)
    if moment is None:
        return ""
    text = f"{DAYS[moment.weekday()]}, {moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}"
    return text if len(iso or "") <= 10 else f"{text} {moment:%H:%M} WIB"


def wib_day_bound(day: str, end: bool) -> str | None:
    """The UTC sort-key bound of a WIB day 'YYYY-MM-DD' (its first or last second); None for
    a day the calendar cannot hold (year 0, or the edges of year 1 and 9999 in UTC)."""
    try:
        start = datetime.fromisoformat(day).replace(tzinfo=WIB)
        moment = start + timedelta(days=1, seconds=-1) if end else start
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError):
        return None


def find_day_month(text: str) -> str | None:
    """The first "Senin (19/2)"-style mention in a text, as written, for published_raw."""
    match = re.search(
        r"\b(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu)\s*" + _DAY_MONTH, text
    )
    return match.group() if match else None


# The form nearly every RSS feed writes ("Tue, 14 Nov 2023 22:13:20 +0700"), read without the
# email package: a feed of 10,000 items spent more time in parsedate_to_datetime than in its XML.
@cache
def _rfc822() -> re.Pattern[str]:
    return re.compile(
        r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) ([1-9]\d{3}) (\d{2}):(\d{2}):(\d{2}) "
        r"(GMT|UT|[+-]\d{4})\Z"
    )


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def _common_feed_date(raw: str) -> str | None:
    """feed_date of the common RFC 822 form, the same string the email package's reading
    gives; None for anything else (read the long way)."""
    match = _rfc822().match(raw)
    if match is None:
        return None
    day, name, year, hour, minute, second, zone = match.groups()
    month = _MONTHS.get(name)
    if month is None:
        return None
    if zone in ("GMT", "UT", "-0000"):  # "-0000": the zone is unknown, read as UTC
        offset: tzinfo = UTC
    else:
        minutes = int(zone[1:3]) * 60 + int(zone[3:5])
        try:
            offset = timezone(timedelta(minutes=-minutes if zone[0] == "-" else minutes))
        except ValueError:
            return None
    try:
        moment = datetime(
            int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=offset
        )
    except ValueError:
        return None
    return moment.isoformat()


def feed_date(raw: str | None) -> str | None:
    """A feed's date (RFC 822, ISO 8601/RFC 3339 or Indonesian) as ISO 8601 with its offset."""
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    common = _common_feed_date(raw)
    if common is not None:
        return common
    if re.match(r"^\d{4}-\d{2}-\d{2}", raw) or re.search(r"\bWI(?:B|TA|T)\b", raw, re.I):
        return parse_date(raw)  # ISO 8601, or Indonesian zones that RFC 822 does not know
    # Imported here: email (with socket, calendar, random...) is for feeds, not the reader.
    from email.utils import parsedate_to_datetime

    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is not None:
        if value.tzinfo is None:  # "-0000": the zone is unknown; RFC 5322 says read it as UTC
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    return parse_date(raw)
