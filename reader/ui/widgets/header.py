"""The reader's header: Textual's Header, whose title changes without a layout of the screen,
in the same turn as the title it shows."""

from __future__ import annotations

from contextlib import suppress

from textual.app import ComposeResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClock, HeaderClockSpace, HeaderIcon, HeaderTitle

from reader.ui.widgets.placed import placed_by_layout, placed_one


@placed_by_layout
class _HeaderTitle(HeaderTitle):
    """One line (nowrap, the header's full width) whatever the title says: a new title or
    sub-title (the view and its count change several times on the first screen and with each
    search) is a repaint of the line, where Static.update asked for a layout of the screen.
    The same title again repaints nothing."""

    _shown: object = None

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        # Content's own == compares the text alone: the same words styled otherwise (where the
        # title ends and the dim sub-title begins) are a new title.
        shown = (content.plain, tuple(content.spans)) if isinstance(content, Content) else content
        if shown == self._shown:
            return
        self._shown = shown
        super().update(content, layout=False)


@placed_by_layout
class ReaderHeader(Header):
    """Textual's Header (8.2.8: its compose is redone here to use _HeaderTitle; Header finds
    the title by its type, HeaderTitle), its parts placed without a second layout."""

    def compose(self) -> ComposeResult:
        yield placed_one(HeaderIcon().data_bind(Header.icon))
        yield _HeaderTitle()
        yield placed_one(
            HeaderClock().data_bind(Header.time_format) if self._show_clock else HeaderClockSpace()
        )

    def _on_mount(self, _: Mount) -> None:
        # Header's own watchers are coroutines, run a turn later: a search's results were
        # painted in one frame and its title in the next (tuibench waits for both). These
        # run at once; Header's, after them, find the title shown and repaint nothing.
        self.watch(self.app, "title", self._show_title)
        self.watch(self.app, "sub_title", self._show_title)
        self.watch(self.screen, "title", self._show_title)
        self.watch(self.screen, "sub_title", self._show_title)

    def _show_title(self) -> None:
        # Not composed yet, or leaving its screen: Header's own watcher has the last word.
        with suppress(NoMatches, NoScreen):
            self.query_one(HeaderTitle).update(self.format_title())
