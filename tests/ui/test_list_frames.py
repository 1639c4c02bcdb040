"""What a key in the headline list costs a frame (issue 11): a scroll by one row frames only the
lines not framed before, lines not framed before are framed by the list as Textual framed the
first of them, the scrollbar is drawn again only when it looks different, and the preview's
rest is counted from the frame that shows the move. The lines must be exactly the ones Textual
frames itself."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

import reader.ui.screens.reader as reader_screen
from reader.core.library import Library
from reader.ui.widgets.headline_list import HeadlineList, _ListScrollBar
from tests.ui.conftest import search, settle, test_app
from tests.ui.test_fast_typing import burst
from tests.ui.test_preview import _count_loads


def _segments(strips: list[Strip]) -> list[list[Segment]]:
    return [list(strip) for strip in strips]


def _textuals_own(widget: Widget) -> list[list[Segment]]:
    """The widget's lines framed by Textual from nothing (its StylesCache emptied)."""
    widget._styles_cache.clear()
    return _segments(Widget.render_lines(widget, Region(0, 0, *widget.region.size)))


@pytest.mark.paints_every_frame  # the subject is what each frame draws
def test_a_scroll_frames_only_the_new_lines_and_they_are_textuals_own(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            rows_on_screen = headlines.scrollable_content_region.height // headlines.row_height
            # The list scrolls: the keys in one burst, so only the row where they end is
            # previewed (pressed one by one, each row was: the walk is not the subject).
            burst(app, "j" * (rows_on_screen + 3))
            await settle(pilot)
            assert headlines.scroll_offset.y > 0
            drawn: list[int] = []
            content_line = HeadlineList._content_line  # render_line's, and render_lines' own

            def counting(self: HeadlineList, y: int, width: int) -> Strip:
                drawn.append(y)
                return content_line(self, y, width)

            HeadlineList._content_line = counting  # type: ignore[method-assign]
            try:
                await pilot.press("j")  # one more row: every line moves up
                await settle(pilot)
            finally:
                HeadlineList._content_line = content_line  # type: ignore[method-assign]
            # The row left by the cursor, the cursor's row and the row come into view: the
            # other lines were framed before (Textual alone would frame every line again).
            assert 0 < len(drawn) <= 3 * headlines.row_height < headlines.size.height - 4
            shown = _segments(headlines.render_lines(Region(0, 0, *headlines.region.size)))
            assert shown == _textuals_own(headlines)
            bar = headlines.vertical_scrollbar
            assert bar.display
            shown_bar = _segments(bar.render_lines(Region(0, 0, *bar.region.size)))
            assert shown_bar == _textuals_own(bar)

    asyncio.run(scenario())


def _framed_anew(headlines: HeadlineList) -> list[Strip]:
    """The list's lines as render_lines gives them with nothing framed before."""
    headlines._styles_cache.clear()
    headlines._framed.clear()
    headlines._framed_for = None
    return headlines.render_lines(Region(0, 0, *headlines.region.size))


def _textuals_strips(headlines: HeadlineList) -> list[Strip]:
    headlines._styles_cache.clear()
    return Widget.render_lines(headlines, Region(0, 0, *headlines.region.size))


def _same_lines(mine: list[Strip], textuals: list[Strip]) -> bool:
    """The same segments and the same width (the compositor cuts a line by its width)."""
    return _segments(mine) == _segments(textuals) and [s.cell_length for s in mine] == [
        s.cell_length for s in textuals
    ]


@pytest.mark.parametrize("size", [(120, 36), (80, 24), (200, 50)])
def test_the_lines_the_list_frames_itself_are_textuals_own(
    library: Library, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Textual frames the first content line of a new look (styles, width), the list frames
    the others the same way: on the first screen, focused or not, with search hits (three
    lines a row, the snippets), scrolled, with a scrollbar and without one."""
    framed_by_the_list: list[int] = []
    frame_line = HeadlineList._frame_line

    def counting(self: HeadlineList, line: Strip) -> Strip:
        framed_by_the_list.append(1)
        return frame_line(self, line)

    monkeypatch.setattr(HeadlineList, "_frame_line", counting)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            looks = []
            for step in ("first screen", "search", "scrolled", "blurred", "no scrollbar"):
                if step == "search":
                    await search(pilot, "pekerja")
                elif step == "scrolled":
                    burst(app, "j" * 12)  # one preview, where the keys end
                    await settle(pilot)
                elif step == "blurred":
                    app.screen.set_focus(None)
                    await settle(pilot)
                elif step == "no scrollbar":
                    await search(pilot, '"tinjau smelter imip"')
                framed_by_the_list.clear()
                mine = _framed_anew(headlines)
                assert framed_by_the_list, step  # the list framed lines itself
                assert _same_lines(mine, _textuals_strips(headlines)), step
                looks.append(headlines.vertical_scrollbar.display)
            assert looks[0] and not looks[-1]  # with a scrollbar, and without

    asyncio.run(scenario())


def test_a_look_the_list_cannot_frame_itself_is_framed_by_textual(library: Library) -> None:
    """Padding inside the border (or a tint, an opacity: styles that change the line itself)
    is not a look the list learns: Textual frames every line, as before."""

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            for style in ("padding", "tint"):
                if style == "padding":
                    headlines.styles.padding = (0, 0, 0, 2)
                else:
                    headlines.styles.padding = 0
                    headlines.styles.tint = "red 30%"
                await settle(pilot)
                mine = _framed_anew(headlines)
                assert headlines._frame is None, style
                assert _same_lines(mine, _textuals_strips(headlines)), style

    asyncio.run(scenario())


@pytest.mark.paints_every_frame
def test_the_scrollbar_is_drawn_again_only_when_it_looks_different(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            drawn: list[Any] = []
            draw = _ListScrollBar._draw

            def counting(self: _ListScrollBar, *args: Any) -> list[Strip]:
                if self is headlines.vertical_scrollbar:
                    drawn.append(self.position)
                return draw(self, *args)

            _ListScrollBar._draw = counting  # type: ignore[method-assign]
            try:
                for _ in range(40):  # every one scrolls once the cursor is at the bottom
                    await pilot.press("j")
                    await settle(pilot)
                    bar = headlines.vertical_scrollbar
                    shown = _segments(bar.render_lines(Region(0, 0, *bar.region.size)))
                    assert shown == _textuals_own(bar)  # at every position of the thumb
            finally:
                _ListScrollBar._draw = draw  # type: ignore[method-assign]
            positions = headlines.vertical_scrollbar.position
            assert positions > 0
            # The thumb moves by an eighth of a cell every few rows: most scrolls reuse the
            # bar drawn before, and the bar drawn last is the one Textual draws now.
            assert 0 < len(drawn) < 20
            bar = headlines.vertical_scrollbar
            shown = _segments(bar.render_lines(Region(0, 0, *bar.region.size)))
            assert shown == _textuals_own(bar)

    asyncio.run(scenario())


@pytest.mark.paints_every_frame  # the rest begins at a painted frame
def test_a_slow_frame_does_not_start_the_preview_in_the_middle_of_a_walk(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rest is counted from the frame that shows the move: a frame slower than the rest
    # (a busy machine) must not let the row it shows be previewed before the next key.
    monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 0.5)
    loaded = _count_loads(library)
    rows = library.headlines(0, 4)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert loaded == [rows[0].id]
            slow: list[bool] = []
            moved = reader_screen.ReaderScreen.on_headline_list_cursor_moved
            render_lines = HeadlineList.render_lines

            def moved_once(self: reader_screen.ReaderScreen, message: Any) -> None:
                moved(self, message)  # the rest begins
                if not slow:
                    slow.append(True)  # the next frame of the list will be slow

            def slow_frame(self: HeadlineList, crop: Region) -> list[Strip]:
                if slow and slow[0]:
                    slow[0] = False
                    time.sleep(0.7)  # the frame showing the move takes longer than the rest
                return render_lines(self, crop)

            monkeypatch.setattr(
                reader_screen.ReaderScreen, "on_headline_list_cursor_moved", moved_once
            )
            monkeypatch.setattr(HeadlineList, "render_lines", slow_frame)
            await pilot.press("j")
            await pilot.press("j")
            await settle(pilot)
            assert loaded == [rows[0].id, rows[2].id]  # row 1 was passed over, not read

    asyncio.run(scenario())
