"""Scrollbars that do not lay the screen out again when they are placed."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
from textual.widget import Widget


class QuietScrollBar(ScrollBar):
    """Textual's ScrollBar. A layout gives each widget its size and virtual size, and a
    widget's virtual_size asks for another layout when it changes: a scrollbar placed for the
    first time (the first screen, the first entries long enough to scroll) laid the whole
    screen out once more. A scrollbar's place is its pane's to decide, never its own size."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


def vertical_bar(widget: Widget, bar_type: type[ScrollBar] = QuietScrollBar) -> ScrollBar:
    """Textual's Widget.vertical_scrollbar (8.2.8), making a `bar_type` instead."""
    if widget._vertical_scrollbar is None:
        bar = bar_type(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
        bar.display = False
        widget._vertical_scrollbar = bar
        widget.app._start_widget(widget, bar)
    return widget._vertical_scrollbar
