"""The reader's header: Textual's Header, whose title changes without a layout of the screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClock, HeaderClockSpace, HeaderIcon, HeaderTitle


class _HeaderTitle(HeaderTitle):
    """One line (nowrap, the header's full width) whatever the title says: a new title or
    sub-title (the view and its count change several times on the first screen and with each
    search) is a repaint of the line, where Static.update asked for a layout of the screen."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=False)


class ReaderHeader(Header):
    """Textual's Header (8.2.8: its compose is redone here to use _HeaderTitle; Header finds
    the title by its type, HeaderTitle)."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield _HeaderTitle()
        yield (
            HeaderClock().data_bind(Header.time_format) if self._show_clock else HeaderClockSpace()
        )
