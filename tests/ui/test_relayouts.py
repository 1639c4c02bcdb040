"""What a key costs the screen, counted rather than timed: how often the screen is laid out
again (every widget placed anew, then the changed regions painted) and whether it is painted
whole. Each costs a frame of 10-40 ms on a loaded machine, so keys that need neither must not
ask for them."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from reader.core.library import Library
from reader.ui.text import one_line
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.footer import ReaderFooter
from reader.ui.widgets.header import ReaderHeader
from reader.ui.widgets.headline_list import HeadlineList, ListedHeadlines
from reader.ui.widgets.related_panel import RelatedPanel
from reader.ui.widgets.search_box import SearchBox
from tests.ui.conftest import (
    checks_in_one_app,
    paint,
    search,
    settle,
    test_app,
)


@contextmanager
def layouts_counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Screen[Any]]]:
    """The screens laid out (not merely scrolled) while the block runs, one entry each."""
    laid_out: list[Screen[Any]] = []
    original = Screen._refresh_layout

    def counting(self: Screen[Any], size: Any = None, scroll: bool = False) -> None:
        if not scroll or self._layout_widgets:
            laid_out.append(self)
        original(self, size, scroll)

    with monkeypatch.context() as patch:
        patch.setattr(Screen, "_refresh_layout", counting)
        yield laid_out


@contextmanager
def whole_repaints_counted(
    screen: Screen[Any], monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[bool]]:
    """The screen's requests to be painted whole (a refresh of the screen itself, no region
    named) while the block runs."""
    asked: list[bool] = []
    original = screen.refresh

    def counting(*regions: Any, **kwargs: Any) -> Any:
        if not regions and kwargs.get("repaint", True):
            asked.append(True)
        return original(*regions, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(screen, "refresh", counting)
        yield asked


def test_focus_between_the_search_box_and_the_list_lays_nothing_out(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With results shown, `/` (to the search box) and Esc (back to the list) change the
    footer's hints and restyle the two panes, and nothing else: no layout, no whole-screen
    paint. (Textual's Footer, a widget per hint, laid the screen out for each change of hints,
    and its Screen painted itself whole for each change of focus.)"""

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await search(pilot, "pekerja")
            footer = app.screen.query_one(ReaderFooter)
            on_list = footer.hints
            paint(app)
            with (
                layouts_counted(monkeypatch) as laid_out,
                whole_repaints_counted(app.screen, monkeypatch) as whole,
            ):
                await pilot.press("slash")
                await settle(pilot)
                assert app.screen.focused is app.screen.query_one("#search")
                assert footer.hints != on_list  # the search box's keys
                await pilot.press("escape")
                await settle(pilot)
                assert app.screen.focused is app.screen.query_one("#headlines")
                assert footer.hints == on_list
            assert laid_out == []
            assert whole == []

    asyncio.run(scenario())


@pytest.mark.parametrize(("width", "height"), [(120, 36), (80, 24), (50, 20)])
def test_the_first_screen_is_laid_out_once(
    library: Library, monkeypatch: pytest.MonkeyPatch, width: int, height: int
) -> None:
    """From launch until the first article (and its related news, where they show) is on
    screen: one layout when the screen is composed, and one for each pane whose scrollbar
    comes with its text. The breakpoint classes are set before the first layout (set after
    it, every pane was restyled and the screen laid out again), a Resize to the size the
    screen has already lays nothing out (Pilot's start sends three), and a scrollbar is placed
    without asking for another. Nor is the screen laid out again for what the first layout
    gave its widgets (their virtual sizes, the list's scrollbar, the notifications' rack
    hidden), nor laid out at once when it is shown, before the layouts its widgets asked for
    as they were mounted: each was a second layout of the whole screen, which the first key
    waited for."""

    async def scenario() -> None:
        with layouts_counted(monkeypatch) as laid_out:
            app = test_app(library)
            async with app.run_test(size=(width, height)) as pilot:
                await settle(pilot)
                counted = len(laid_out)
                bars = sum(
                    pane.display and pane.show_vertical_scrollbar
                    for pane in app.screen.query("#article, #related").results(Widget)
                )
        assert counted <= 1 + bars

    asyncio.run(scenario())


def test_typing_a_query_lays_nothing_out(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each key typed in the search box shows in it, and a query longer than the box scrolls
    it to keep the cursor in sight, without a layout of the screen (Textual's Input asked for
    one on every key: its virtual width follows its text)."""

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await settle(pilot)
            box = app.screen.query_one(SearchBox)
            query = "pekerja migran perlindungan kemnaker " * 3
            assert len(query) > box.content_region.width
            with layouts_counted(monkeypatch) as laid_out:
                await pilot.press(*query[:12])
                await settle(pilot)
                assert box.value == query[:12]
                assert query[:12] in box.render_line(0).text + box.render_line(1).text
                await pilot.press(*query[12:])
                await settle(pilot)
            assert laid_out == []
            assert box.value == query
            assert box.scroll_x > 0
            shown = "".join(box.render_line(y).text for y in range(box.size.height))
            assert "kemnaker" in shown and not shown.strip().startswith("pekerja migran")

    asyncio.run(scenario())


def test_previews_hints_titles_and_new_rows_at_120_columns(library: Library) -> None:
    """Four checks in one app (one start instead of four), each from where a fresh app starts
    (`back_to_all_at_the_top` between). The preview walk comes first, as on a fresh app; the
    new rows last, as they are not a search that Esc takes away."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            previewing_articles_lays_nothing_out,
            a_change_of_hints_repaints_the_footer_alone,
            a_new_title_lays_nothing_out,
            a_new_list_of_headlines_lays_nothing_out,
        ],
    )


def _scrolls(app: Any) -> tuple[bool, bool]:
    """Whether the article and the related news are longer than their panes."""
    article, related = app.screen.query_one(ArticleView), app.screen.query_one(RelatedPanel)
    return tuple(  # type: ignore[return-value]
        pane.virtual_size.height > pane.scrollable_content_region.height
        for pane in (article, related)
    )


async def previewing_articles_lays_nothing_out(pilot: Pilot[Any]) -> None:
    """The cursor moves over eight headlines, each previewed: its article and its related
    news are drawn in their panes, and the screen is laid out only when a pane's scrollbar
    must come or go (the article longer than its pane after a short one, say). The article's
    four Static parts asked for a layout with each update, and the related OptionList with
    each note and list: two layouts per preview."""
    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        article = app.screen.query_one(ArticleView)
        seen = [_scrolls(app)]
        opened = []
        with layouts_counted(monkeypatch) as laid_out:
            for _ in range(8):
                await pilot.press("down")
                await settle(pilot)
                assert article.article is not None
                opened.append(article.article.id)
                seen.append(_scrolls(app))
        assert len(set(opened)) == 8
        changes = sum(
            a != b
            for before, after in itertools.pairwise(seen)
            for a, b in zip(before, after, strict=True)
        )
        assert len(laid_out) <= changes < 8


async def a_change_of_hints_repaints_the_footer_alone(pilot: Pilot[Any]) -> None:
    """The footer is one line whatever hints it holds: new hints (the article's, on Tab)
    repaint it and ask for no layout; the same hints again do not even repaint it."""
    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        footer = app.screen.query_one(ReaderFooter)
        paint(app)
        repaints: list[bool] = []
        original = footer.refresh

        def counted(*args: Any, **kwargs: Any) -> Any:
            repaints.append(bool(kwargs.get("layout")))
            return original(*args, **kwargs)

        monkeypatch.setattr(footer, "refresh", counted)
        app.screen.refresh_bindings()
        await settle(pilot)
        assert repaints == []  # the same hints
        hints = footer.hints
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#article")
        assert footer.hints != hints
        assert repaints == [False]


async def a_new_title_lays_nothing_out(pilot: Pilot[Any]) -> None:
    """The header's title line is one line whatever it says: the view and its count in the
    sub-title (which change with each view and search) repaint it alone."""
    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        with layouts_counted(monkeypatch) as laid_out:
            app.screen.sub_title = "Satu · 12 artikel"
            await settle(pilot)
            app.screen.title = "kemnaker-reader (uji)"
            await settle(pilot)
        assert laid_out == []
        header = app.screen.query_one(ReaderHeader)
        assert "Satu · 12 artikel" in header.render_line(0).text
        # The same words, split otherwise between the title and the dim sub-title: a new
        # title all the same (a comparison of the text alone kept the old styling).
        header.show_title(app.format_title("Baris — Dua", ""))
        await settle(pilot)
        whole = header.render_line(0)
        header.show_title(app.format_title("Baris", "Dua"))
        await settle(pilot)
        split = header.render_line(0)
        assert whole.text == split.text and list(whole) != list(split)


async def a_new_list_of_headlines_lays_nothing_out(pilot: Pilot[Any]) -> None:
    """Search results (or a view's first count) replace the list's rows: its scrollbar takes
    the new range and the new rows show, and the list asks for no layout of the screen (its
    place on screen does not change with its rows; Textual's virtual_size asked for one)."""
    app = pilot.app
    library = app.library
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        headlines = app.screen.query_one(HeadlineList)
        hits = library.search("pekerja", 40).hits
        rows = library.headlines_by_id([hit.id for hit in hits])
        assert 10 < len(rows) < headlines.total
        asked: list[bool] = []  # the list's requests for a layout (other panes' aside)
        original = headlines.refresh

        def refresh(*regions: Any, **kwargs: Any) -> Any:
            asked.append(bool(kwargs.get("layout")))
            return original(*regions, **kwargs)

        monkeypatch.setattr(headlines, "refresh", refresh)
        headlines.set_source(ListedHeadlines(rows, {rows[0].id: "a snippet"}))
        await settle(pilot)
        assert asked and not any(asked)
        assert headlines.virtual_size.height == len(rows) * headlines.row_height
        assert headlines.vertical_scrollbar.window_virtual_size == headlines.virtual_size.height
        first = headlines.render_line(0).text + headlines.render_line(1).text
        assert one_line(rows[0].title)[:20] in first
