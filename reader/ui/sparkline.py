"""A view's articles per week as a one-line chart for the list's border."""

from __future__ import annotations

from reader.core.models import PeriodCount

BARS = "▁▂▃▄▅▆▇█"


def sparkline(periods: list[PeriodCount], width: int) -> str:
    """The last `width` dated periods as bars, the highest the tallest; an empty week is the
    lowest bar (a gap would read as the end of the line). "" when there is nothing dated."""
    counts = [p.count for p in periods if p.period is not None][-width:] if width > 0 else []
    top = max(counts, default=0)
    if not top:
        return ""
    return "".join(BARS[round(count / top * (len(BARS) - 1))] for count in counts)
