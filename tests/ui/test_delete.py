"""D deletes the article under the cursor (issue 10, item 4): asked first, gone from the store,
the list, the counts and search; the next row takes its place."""

from __future__ import annotations

import asyncio

from reader.core.library import Library
from reader.ui.screens.dialogs import ConfirmScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import search, settle, test_app
from tests.ui.test_navigator import counts


def test_D_deletes_the_row_under_the_cursor_after_asking(library: Library) -> None:
    rows = library.headlines(0, 4)
    library.set_starred(rows[1].id)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            await pilot.press("j")  # row 1: starred, and still deleted when asked
            await pilot.press("D")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")  # no: nothing changes
            await settle(pilot)
            assert library.headline(rows[1].id) is not None and headlines.total == 410
            await pilot.press("D", "y")
            await settle(pilot)
            assert library.headline(rows[1].id) is None
            assert headlines.total == 409 == counts(app)["all"][1]
            assert counts(app)["starred"] == (0, 0)
            # The next row took its place under the cursor; the deleted row was the one
            # previewed (the preview follows the cursor), so the next one is previewed now.
            assert headlines.cursor == 1 and headlines.current.id == rows[2].id
            article = app.query_one(ArticleView)
            assert article.article.id == rows[2].id and not article.article.read
            # D in the article pane deletes the open article; the next row is previewed.
            await pilot.press("enter")  # opens rows[2], in the article pane
            await settle(pilot)
            assert app.focused is article and article.article.id == rows[2].id
            await pilot.press("D", "y")
            await settle(pilot)
            assert library.headline(rows[2].id) is None
            assert headlines.current.id == rows[3].id and article.article.id == rows[3].id
            # In search results: the hit goes, the search is run again.
            await search(pilot, "pekerja migran")
            hits = headlines.total
            first = headlines.current.id
            await pilot.press("D", "y")
            await settle(pilot)
            assert library.headline(first) is None
            assert headlines.total == hits - 1 and first not in [
                headlines.headline(i).id for i in range(headlines.total)
            ]

    asyncio.run(scenario())
