"""Scrollbars that do not lay the screen out again when they are placed."""

from __future__ import annotations

from typing import Self

from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
from textual.widget import Widget


class QuietScrollBar(ScrollBar):
    """Textual's ScrollBar. A layout gives each widget its size and virtual size, and a
    widget's virtual_size asks for another layout when it changes: a scrollbar placed for the
    first time (the first screen, the first entries long enough to scroll) laid the whole
    screen out once more. A scrollbar's place is its pane's to decide, never its own size."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """Textual's, never asking for a layout: showing or hiding the bar (its `display`)
        asked for one of the whole screen, though where the bar goes is its pane's affair."""
        return super().refresh(*regions, repaint=repaint, recompose=recompose)


def place_scrollbars(widget: Widget) -> None:
    """Have the screen place `widget`'s scrollbars, which have just come or gone: a layout.

    (Arranging the visible widgets again from the arrangements the screen keeps, as Textual
    does for a container that scrolled, gave the same cells in the screen's map but left stale
    cells in a real terminal: after `/`, the panes' old top border stayed on screen. A bar
    comes or goes rarely, at most once a preview.)"""
    widget.refresh(layout=True)


def vertical_bar(widget: Widget, bar_type: type[ScrollBar] = QuietScrollBar) -> ScrollBar:
    """Textual's Widget.vertical_scrollbar (8.2.8), making a `bar_type` instead."""
    if widget._vertical_scrollbar is None:
        bar = bar_type(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
        bar.display = False
        widget._vertical_scrollbar = bar
        widget.app._start_widget(widget, bar)
    return widget._vertical_scrollbar
