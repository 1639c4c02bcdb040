"""The article preview and the related news follow the list's cursor (issue 11): a burst of
keys moves the cursor alone, and the row where it ends is previewed, unread, once it rests."""

from __future__ import annotations

import asyncio

import pytest

import reader.ui.screens.reader as reader_screen
from reader.core.library import Library
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import settle, test_app


def _count_loads(library: Library) -> list[int]:
    """The ids of the articles the reader reads from the library, in order."""
    loaded: list[int] = []
    get = library.get

    def counting_get(article_id: int):  # type: ignore[no-untyped-def]
        loaded.append(article_id)
        return get(article_id)

    library.get = counting_get  # type: ignore[method-assign]
    return loaded


def test_the_preview_follows_the_cursor_after_a_burst_of_keys(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rest longer than any key of the burst takes on a loaded machine, so only where the
    # burst ends is previewed; the test waits for it (settle waits for the preview's wait).
    monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 1.0)
    loaded = _count_loads(library)
    rows = library.headlines(0, 8)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            article = app.query_one(ArticleView)
            related = app.query_one(RelatedPanel)
            assert loaded == [rows[0].id] and article.article.id == rows[0].id
            await pilot.press("j", "j", "j", "j", "j", "k")
            assert article.article.id == rows[0].id  # nothing read during the burst
            await settle(pilot)
            assert app.query_one(HeadlineList).cursor == 4
            assert loaded == [rows[0].id, rows[4].id]  # the rows passed over were not read
            assert article.article.id == rows[4].id and related.for_article == rows[4].id
            # A preview, not a reading: nothing is marked read.
            assert not article.article.read and library.headline(rows[4].id).read is False
            # Enter reads the row (marked read) and does not preview it again afterwards.
            await pilot.press("enter")
            await settle(pilot)
            assert loaded == [rows[0].id, rows[4].id, rows[4].id]
            assert library.headline(rows[4].id).read is True

    asyncio.run(scenario())


def test_the_list_alone_on_a_narrow_terminal_previews_nothing(library: Library) -> None:
    loaded = _count_loads(library)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(40, 12)) as pilot:
            await settle(pilot)
            before = list(loaded)
            await pilot.press("j", "j")
            await settle(pilot)
            assert loaded == before  # no pane shows an article: none is read
            await pilot.press("enter")
            await settle(pilot)
            assert loaded[-1] == app.query_one(HeadlineList).current.id

    asyncio.run(scenario())


def test_opening_the_search_box_puts_the_preview_off(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The row the cursor rests on is not read while a query is typed (its related news would
    # share the machine with the search); Esc from the empty box previews it after all.
    monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 0.3)
    loaded = _count_loads(library)
    rows = library.headlines(0, 2)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert loaded == [rows[0].id]
            await pilot.press("j", "slash")
            await settle(pilot)  # waits for any preview's rest: there is none
            assert loaded == [rows[0].id]
            await pilot.press("escape")
            await settle(pilot)
            assert loaded == [rows[0].id, rows[1].id]
            assert app.query_one(ArticleView).article.id == rows[1].id

    asyncio.run(scenario())
