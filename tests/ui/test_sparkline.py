"""The list's chart (issue 10, item 8): the view's articles per week in the list's header."""

from __future__ import annotations

import asyncio

from rich.cells import cell_len

from reader.core.library import Library
from reader.core.models import HeadlineFilter, PeriodCount
from reader.ui.sparkline import BARS, sparkline
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import resize, settle, test_app
from tests.ui.test_navigator import choose


def test_the_bars_scale_to_the_highest_week_and_keep_the_last_ones() -> None:
    weeks = [PeriodCount(f"2018-W{n:02}", count) for n, count in enumerate([0, 2, 4, 8], 1)]
    assert sparkline(weeks, 10) == BARS[0] + BARS[2] + BARS[4] + BARS[7]
    assert sparkline(weeks, 2) == BARS[4] + BARS[7]  # the newest weeks
    assert sparkline([*weeks, PeriodCount(None, 99)], 10) == sparkline(weeks, 10)  # undated
    assert sparkline([PeriodCount("2018-W01", 0)], 5) == "" and sparkline(weeks, 0) == ""


def title_of(headlines: HeadlineList) -> str:
    return headlines._border_title.plain  # as shown, the chart included


def test_the_list_shows_its_views_weeks(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)

            def room(name: str) -> int:  # beside the name, inside the corners and spaces
                return min(26, headlines.outer_size.width - 7 - cell_len(name) - 2)

            chart = sparkline(library.per_period(None, period="week"), room("All · 410"))
            assert len(chart) == 26 and title_of(headlines) == f"All · 410  {chart}"
            topic = library.topics()[0]
            await choose(pilot, f"topic:{topic.id}")
            weeks = library.per_period(HeadlineFilter(topic=topic.id), period="week")
            name = f"{topic.name} · {topic.total}"
            assert title_of(headlines) == f"{name}  {sparkline(weeks, room(name))}"
            # Narrower: the newest weeks that fit beside the name, never a cut title.
            await resize(pilot, 110, 30)
            assert 4 <= room(name) < 20
            expected = f"{name}  {sparkline(weeks, room(name))}"
            assert title_of(headlines) == expected
            assert cell_len(expected) <= headlines.outer_size.width - 4

    asyncio.run(scenario())
