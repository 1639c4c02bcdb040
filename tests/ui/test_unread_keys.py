"""Keys for following the news (issue 9, item 4): unread only, next / previous unread, mark all
read (asked first) and saving a search as a topic."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from reader.core.library import Library
from reader.core.models import Headline, HeadlineFilter
from reader.ui.screens.dialogs import ConfirmScreen, NameScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.navigator import Navigator
from tests.ui.conftest import Check, checks_in_one_app, search, settle, test_app
from tests.ui.test_navigator import choose, counts, title

TOPIC = "Ketenagakerjaan"


def run(test: Any) -> None:
    asyncio.run(test())


def test_u_shows_the_views_unread_articles_only(library: Library) -> None:
    async def scenario() -> None:
        topic = library.topic(TOPIC)
        first_two = library.headlines(0, 2, HeadlineFilter(topic=topic.id))
        for headline in first_two:
            library.set_read(headline.id)
        app = test_app(library, start_view=TOPIC)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            assert headlines.total == 22
            await pilot.press("u")
            await settle(pilot)
            assert app.reader.unread_only and headlines.total == 20
            assert not any(headlines.headline(i).read for i in range(20))
            assert title(headlines) == f"{TOPIC}, unread · 20"
            await pilot.press("u")
            await settle(pilot)
            assert headlines.total == 22

    run(scenario)


def test_brackets_and_the_new_keys_at_120_columns(library: Library) -> None:
    """Two checks in one app (one start instead of two), on a store whose second and third
    newest articles are read (the brackets' check needs them; the help and the saved search
    do not look at marks), `back_to_all_at_the_top` between."""
    rows = library.headlines(0, 5)
    library.set_read(rows[1].id)
    library.set_read(rows[2].id)
    checks_in_one_app(
        library,
        (120, 40),
        [
            brackets_open_the_next_and_previous_unread(rows),
            the_new_keys_are_in_the_help_and_S_saves_the_search_as_a_topic,
        ],
    )


def brackets_open_the_next_and_previous_unread(rows: list[Headline]) -> Check:
    """From the first row, of `rows` (the newest five) the second and third read."""

    async def check(pilot: Pilot[Any]) -> None:
        app = pilot.app
        library = app.library
        headlines = app.query_one(HeadlineList)
        article = app.query_one(ArticleView)
        await pilot.press("right_square_bracket")  # from row 0: rows 1 and 2 are read
        await settle(pilot)
        assert headlines.cursor == 3 and article.article.id == rows[3].id
        assert library.headline(rows[3].id).read  # opened, so read
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert headlines.cursor == 0 and article.article.id == rows[0].id
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert any("No more unread" in n.message for n in app._notifications)
        assert headlines.cursor == 0

    check.__name__ = "brackets_open_the_next_and_previous_unread"
    return check


def test_brackets_go_on_to_the_next_view_with_unread_articles(library: Library) -> None:
    """As Newsboat's n goes on to the next feed: a topic read to its end leads to the next
    topic (or source) in the navigator that has unread articles, and back again."""
    first = library.topics()[0]
    library.mark_all_read(HeadlineFilter(topic=first.id))  # read to its end
    topics = library.topics()  # (reading the first read some of the others' articles too)
    second = next(t for t in topics[1:] if t.unread)
    assert topics.index(second) > 1  # a topic with nothing unread in between is passed over
    newest = library.next_unread(None, HeadlineFilter(topic=second.id))
    assert newest is not None

    async def scenario() -> None:
        app = test_app(library, start_view=first.name)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            article = app.query_one(ArticleView)
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert app.reader.view.key == f"topic:{second.id}"
            assert article.article.id == newest.id and library.headline(newest.id).read
            headlines = app.query_one(HeadlineList)
            assert headlines.current.id == newest.id
            assert title(headlines).startswith(second.name)
            assert counts(app)[f"topic:{second.id}"][0] == second.unread - 1
            # Back: the first topic has no unread article left, and nothing before it has.
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert app.reader.view.key == f"topic:{second.id}"
            assert any("No more unread" in n.message for n in app._notifications)

    run(scenario)


def test_A_marks_the_view_read_after_asking(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library, start_view=TOPIC)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            topic = library.topic(TOPIC)
            await pilot.press("A")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")  # no: nothing changes
            await settle(pilot)
            assert library.count(HeadlineFilter(unread=True, topic=topic.id)) == 22
            await pilot.press("A")
            await pilot.press("y")
            await settle(pilot)
            assert library.count(HeadlineFilter(unread=True, topic=topic.id)) == 0
            assert library.count(HeadlineFilter(unread=True)) == 410 - 22  # only the view
            assert counts(app)["topic:1"] == (0, 22)
            headlines = app.query_one(HeadlineList)
            assert all(headlines.headline(i).read for i in range(10))  # the rows show it
            assert app.query_one(ArticleView).article.read

    run(scenario)


async def the_new_keys_are_in_the_help_and_S_saves_the_search_as_a_topic(
    pilot: Pilot[Any],
) -> None:
    app = pilot.app
    library = app.library
    # The new keys have ids and are in the help.
    rows = dict(app.reader.help_sections())["Anywhere"]
    described = {description for _, description in rows}
    assert {"Unread only", "Next unread", "Previous unread", "Mark all read"} <= described
    assert "Save as topic" in described
    await pilot.press("S")  # no search yet
    assert not isinstance(app.screen, NameScreen)
    await search(pilot, "pekerja migran")
    await pilot.press("S")
    assert isinstance(app.screen, NameScreen)
    app.screen.query_one(Input).value = "Migran [saya]"
    await pilot.press("enter")
    await settle(pilot)
    topic = library.topic("Migran [saya]")
    assert topic.query == "pekerja migran" and topic.total > 0
    assert f"topic:{topic.id}" in counts(app)
    view = await choose(pilot, f"topic:{topic.id}")
    assert app.query_one(HeadlineList).total == topic.total
    assert view.name == "Migran [saya]"
    assert isinstance(app.query_one(Navigator), Navigator)
