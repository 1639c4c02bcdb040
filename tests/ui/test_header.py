"""The reader's header is one widget (issue 11: Textual's Header is four, with their CSS, styles
and paint on the first screen) that draws what Textual's Header draws: the same cells in the
same styles, at every width, one line or three."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.widget import Widget
from textual.widgets import Header

from reader.ui.widgets.header import ReaderHeader
from tests.ui.conftest import resize, ui_import_probe_group

TITLES = [
    ("kemnaker-reader", "All · 1,000 articles"),
    ("kemnaker-reader", ""),
    ("kemnaker-reader · fetching 3 of 12 feeds", "search “pekerja migran” in all articles · 200+"),
]


class _With(App[None]):
    def __init__(self, header: Widget) -> None:
        super().__init__()
        self.header = header

    def compose(self) -> ComposeResult:
        yield self.header


def _cells(app: App[None], lines: int) -> list[Any]:
    strips = app.screen._compositor.render_strips()[:lines]
    return [[(c, s.style) for s in strip for c in s.text] for strip in strips]


async def _drawn(header: Widget) -> list[Any]:
    """At each width (one app, resized to it) and with each of the titles: the screen's top
    three lines, cell by cell (character and style), one line and tall; and the first with
    the mouse on the icon. Then the mouse leaves the app, so that each titles' lines are drawn
    as in a new app, where no mouse has come yet."""
    app = _With(header)
    drawn = []
    async with app.run_test(size=(120, 5)) as pilot:
        for width in (120, 80, 41, 12):
            await resize(pilot, width, 5)
            for title, sub_title in TITLES:
                app.title, app.sub_title = title, sub_title
                await pilot.pause()
                for _ in range(2):  # one line, then tall (a click on the title)
                    drawn.append((width, title, _cells(app, 3)))
                    await pilot.click(type(header), offset=(width // 2, 0))
                    await pilot.pause()
                await pilot.hover(type(header), offset=(1, 0))  # the icon, highlighted
                await pilot.pause()
                drawn.append((width, title, _cells(app, 1)))
                app._set_mouse_over(None, None)  # the mouse leaves (a terminal's Leave)
                await pilot.pause()
    return drawn


def test_the_header_draws_what_textuals_header_draws() -> None:
    """One app for each header (two instead of 24): the same lines at every step."""

    async def scenario() -> None:
        ours = await _drawn(ReaderHeader(icon="≡"))
        textuals = await _drawn(Header(icon="≡"))
        assert len(ours) == len(textuals) == 4 * len(TITLES) * 3
        for mine, theirs in zip(ours, textuals, strict=True):
            assert mine == theirs, mine[:2]

    asyncio.run(scenario())


def test_the_header_is_one_widget_and_its_icon_opens_the_palette() -> None:
    async def scenario() -> None:
        header = ReaderHeader(icon="≡")
        app = _With(header)
        async with app.run_test(size=(80, 5)) as pilot:
            assert not header.children
            await pilot.click(ReaderHeader, offset=(1, 0))
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            assert not header.tall

    asyncio.run(scenario())


@ui_import_probe_group
def test_the_reader_does_not_import_textuals_header(ui_imported: dict[str, Any]) -> None:
    """In a process of its own (conftest.UI_IMPORT_PROBE), once reader.ui.app is imported."""
    assert ui_imported["textual_header"] is False
