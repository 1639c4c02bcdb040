"""Articles per month or per week (a timeline): counts of days, gathered into periods.

Days are WIB days (how Indonesian news dates its stories, and how `since:`/`until:` read a
date); weeks are ISO weeks (Monday to Sunday), named "2018-W07"; months "2018-02". Every period
from the first to the last with an article is listed, the empty ones with 0, so a timeline
shows its gaps.
"""

from __future__ import annotations

from datetime import date, timedelta

from reader.core.models import PeriodCount

PERIODS = ("month", "week")


def period_of(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _starts(first: date, last: date, period: str) -> list[date]:
    """The first day of every period from the one holding `first` to the one holding `last`."""
    starts: list[date] = []
    if period == "month":
        current = first.replace(day=1)
        while current <= last:
            starts.append(current)
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        current = first - timedelta(days=first.weekday())
        while current <= last:
            starts.append(current)
            current += timedelta(days=7)
    return starts


def timeline(days: dict[str, int], undated: int, period: str) -> list[PeriodCount]:
    """Counts per period, oldest first, every period between included; the undated articles
    last, as a period of None, when there are any."""
    if period not in PERIODS:
        raise ValueError(f"not a period: {period!r} (expected month or week)")
    counts: dict[str, int] = {}
    dated: list[date] = []
    for text, count in days.items():
        try:
            day = date.fromisoformat(text)
        except ValueError:  # not a day SQLite could read: counted with the undated
            undated += count
            continue
        dated.append(day)
        key = period_of(day, period)
        counts[key] = counts.get(key, 0) + count
    found: list[PeriodCount] = []
    if dated:
        for start in _starts(min(dated), max(dated), period):
            key = period_of(start, period)
            found.append(PeriodCount(key, counts.get(key, 0)))
    if undated:
        found.append(PeriodCount(None, undated))
    return found
