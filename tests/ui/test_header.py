"""The reader's header is one widget (issue 11: Textual's Header is four, with their CSS, styles
and paint on the first screen) that draws what Textual's Header draws: the same cells in the
same styles, at every width, one line or three."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.widget import Widget
from textual.widgets import Header

from reader.ui.widgets.header import ReaderHeader

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


async def _drawn(header: Widget, width: int, title: str, sub_title: str) -> list[Any]:
    """The screen's top three lines, cell by cell (character and style), one line and tall;
    and the first with the mouse on the icon."""
    app = _With(header)
    drawn = []
    async with app.run_test(size=(width, 5)) as pilot:
        app.title, app.sub_title = title, sub_title
        await pilot.pause()
        for _ in range(2):  # one line, then tall (a click on the title)
            strips = app.screen._compositor.render_strips()[:3]
            drawn.append([[(c, s.style) for s in strip for c in s.text] for strip in strips])
            await pilot.click(type(header), offset=(width // 2, 0))
            await pilot.pause()
        await pilot.hover(type(header), offset=(1, 0))  # the icon, highlighted
        await pilot.pause()
        strips = app.screen._compositor.render_strips()[:1]
        drawn.append([[(c, s.style) for s in strip for c in s.text] for strip in strips])
    return drawn


def test_the_header_draws_what_textuals_header_draws() -> None:
    async def scenario() -> None:
        for width in (120, 80, 41, 12):
            for title, sub_title in TITLES:
                ours = await _drawn(ReaderHeader(icon="≡"), width, title, sub_title)
                textuals = await _drawn(Header(icon="≡"), width, title, sub_title)
                assert ours == textuals, (width, title)

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


def test_the_reader_does_not_import_textuals_header() -> None:
    probe = "import sys, reader.ui.app; print('textual.widgets._header' in sys.modules)"
    shown = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    assert shown.stdout.strip() == "False", shown.stderr
