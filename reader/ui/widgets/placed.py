"""Widgets whose virtual size, given by a layout of the screen, asks for no second layout."""

from __future__ import annotations

from typing import TypeVar

from textual.containers import Horizontal
from textual.geometry import Size
from textual.widget import Widget

W = TypeVar("W", bound=type[Widget])
One = TypeVar("One", bound=Widget)


def placed_by_layout(cls: W) -> W:
    """Make `cls` take the virtual size a layout gives it quietly.

    After a layout Textual gives each widget the size and virtual size the layout found
    (Widget._size_updated, Textual 8.2.8), and a virtual size that changed asks for another
    layout of the whole screen (Widget.virtual_size has layout=True). For a widget placed by
    that layout the second one finds the same places again: the layout has just worked them
    out from the same styles and content. On the first screen every widget's virtual size
    changes from nothing, so the first screen was laid out twice (20-25 ms of CPU), and the
    first key waited for the second. A scrollbar that comes or goes still asks for its own
    layout (_scroll_update runs as before).

    A class decorator rather than a base class: Textual finds a widget's CSS type names (its
    type selectors, DEFAULT_CSS, query_one by type) along the first base of each class."""
    size_updated = cls._size_updated

    def _size_updated(
        self: Widget, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return size_updated(self, size, virtual_size, container_size, layout=False)

    cls._size_updated = _size_updated  # type: ignore[method-assign]
    return cls


def placed_one(widget: One) -> One:
    """`placed_by_layout` for one widget, where a class of its own would be made for nothing
    else (Textual spends 0.3-0.8 ms of CPU on each Widget subclass made, at import)."""
    size_updated = type(widget)._size_updated

    def _size_updated(
        size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return size_updated(widget, size, virtual_size, container_size, layout=False)

    widget._size_updated = _size_updated  # type: ignore[method-assign]
    return widget


@placed_by_layout
class Panes(Horizontal):
    """The row of panes: Textual's Horizontal, placed without a second layout.

    Its panes cover it at every width (one of them always takes the rest of the row), so its
    own paint behind them (every line of it in a full update, the first frame's) is a blank
    line each in its colours, not Textual's styled render of an empty container."""

    BLANK = True
