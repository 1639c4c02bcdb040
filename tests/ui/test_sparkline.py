"""The list's chart (issue 10, item 8): the view's articles per week under the list."""

from __future__ import annotations

import asyncio

from reader.core.library import Library
from reader.core.models import HeadlineFilter, PeriodCount
from reader.ui.sparkline import BARS, sparkline
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import settle, test_app
from tests.ui.test_navigator import choose


def test_the_bars_scale_to_the_highest_week_and_keep_the_last_ones() -> None:
    weeks = [PeriodCount(f"2018-W{n:02}", count) for n, count in enumerate([0, 2, 4, 8], 1)]
    assert sparkline(weeks, 10) == BARS[0] + BARS[2] + BARS[4] + BARS[7]
    assert sparkline(weeks, 2) == BARS[4] + BARS[7]  # the newest weeks
    assert sparkline([*weeks, PeriodCount(None, 99)], 10) == sparkline(weeks, 10)  # undated
    assert sparkline([PeriodCount("2018-W01", 0)], 5) == "" and sparkline(weeks, 0) == ""


def test_the_list_shows_its_views_weeks(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            width = headlines.outer_size.width - 15
            chart = sparkline(library.per_period(None, period="week"), min(26, width))
            assert chart and str(headlines.border_subtitle) == f"per week {chart}"
            topic = library.topics()[0]
            await choose(pilot, f"topic:{topic.id}")
            weeks = library.per_period(HeadlineFilter(topic=topic.id), period="week")
            assert str(headlines.border_subtitle) == f"per week {sparkline(weeks, min(26, width))}"

    asyncio.run(scenario())
