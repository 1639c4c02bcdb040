"""The first screen (issue 11): the start view and its count are read before the first paint,
so the list is painted with its headlines instead of empty, and whatever is not on the first
screen (the navigator's counts, the chart, the preview and its related news) follows it."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from textual._styles_cache import StylesCache

from reader.core.library import Library
from reader.ui.screens.reader import ReaderScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.placed import Panes
from tests.ui.conftest import back_to_all_at_the_top, resize, settle, test_app


def _threads_counting(library: Library) -> list[str]:
    """The name of the thread each call to library.count runs in, in order."""
    threads: list[str] = []
    count = library.count

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return count(*args, **kwargs)

    library.count = counting  # type: ignore[method-assign]
    return threads


def test_the_start_view_is_counted_before_the_first_paint(library: Library) -> None:
    threads = _threads_counting(library)

    async def scenario() -> None:
        app = test_app(library, start_view="Ketenagakerjaan")  # a topic, found by its name
        async with app.run_test(size=(120, 36)) as pilot:
            headlines = app.query_one(HeadlineList)
            # Mounted: the list holds the view's rows already, counted on the UI thread.
            assert threads[0] == threading.main_thread().name
            assert headlines.total == library.count(app.reader.listed()) > 0
            assert "Ketenagakerjaan" in str(headlines.border_title)
            await settle(pilot)
            # The rest followed: every view counted (in workers) and the newest row previewed.
            assert len(threads) > 2 and set(threads[1:]) != {threading.main_thread().name}
            assert app.query_one(ArticleView).article.id == headlines.headline(0).id

    asyncio.run(scenario())


def test_an_empty_start_view_is_counted_again_by_the_worker_and_says_so(
    library: Library,
) -> None:
    threads = _threads_counting(library)

    async def scenario() -> None:
        app = test_app(library, start_view="starred")  # nothing is starred: an empty view
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert app.query_one(HeadlineList).total == 0
            # Counted on the UI thread first, then by the worker, which also asks for feeds.
            assert threads[0] == threading.main_thread().name
            assert threads[1] != threading.main_thread().name
            title = app.query_one(ArticleView).part("title")
            assert str(title) == "No articles in Starred, and no feeds followed"

    asyncio.run(scenario())


def test_what_is_behind_the_panes_is_not_drawn(library: Library) -> None:
    """The screen, then the row of panes at five sizes, in one app (one start instead of six):
    started at the first size, resized to each of the others (the user's r and v forgotten, back
    to All at the top before each)."""

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            _the_screen_behind_the_panes_is_not_drawn(app)
            for size, keys, drawn_otherwise in [
                ((120, 36), "", True),
                ((200, 40), "r", True),
                ((80, 30), "r", True),
                ((70, 24), "", True),
                # One pane, the row's own region: the reader's compositor skips the row behind.
                ((50, 20), "", False),
            ]:
                reader = app.reader
                reader.sidebar = None
                reader.navigator = None
                await resize(pilot, *size)
                await back_to_all_at_the_top(pilot)
                assert reader.sidebar is None and reader.navigator is None
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot)
                _the_row_behind_the_panes_is_not_drawn(app, size, drawn_otherwise)

    asyncio.run(scenario())


def _the_screen_behind_the_panes_is_not_drawn(app: Any) -> None:
    """The header, the panes and the footer cover the reader screen: a full frame (the first)
    draws its background as blank lines, not through Textual's styled render of it, and shows
    the same cells as the screen drawn Textual's way."""
    drawn: list[object] = []
    render_widget = StylesCache.render_widget

    def recording(cache: StylesCache, widget: Any, crop: Any) -> Any:
        drawn.append(widget)
        return render_widget(cache, widget, crop)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(StylesCache, "render_widget", recording)
        ours = app.screen._compositor.render_strips()  # every widget, the screen too
        assert app.screen not in drawn and app.query_one(HeadlineList) in drawn
        monkeypatch.setattr(ReaderScreen, "BLANK", False)
        textuals = app.screen._compositor.render_strips()
        assert app.screen in drawn
    assert [list(strip) for strip in ours] == [list(strip) for strip in textuals]


def _the_row_behind_the_panes_is_not_drawn(
    app: Any, size: tuple[int, int], drawn_otherwise: bool
) -> None:
    """The panes cover their row (Panes) at every width, the related sidebar shown or not: a
    full frame (the first) draws the row's background as blank lines, not through Textual's
    styled render of it, and shows the same cells as the row drawn Textual's way."""
    drawn: list[object] = []
    render_widget = StylesCache.render_widget

    def recording(cache: StylesCache, widget: Any, crop: Any) -> Any:
        drawn.append(widget)
        return render_widget(cache, widget, crop)

    panes = app.query_one(Panes)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(StylesCache, "render_widget", recording)
        ours = app.screen._compositor.render_strips()
        assert panes not in drawn and any(w in drawn for w in panes.children), size
        monkeypatch.setattr(Panes, "BLANK", False)
        textuals = app.screen._compositor.render_strips()
        assert (panes in drawn) is drawn_otherwise, size
    assert [list(strip) for strip in ours] == [list(strip) for strip in textuals], size
