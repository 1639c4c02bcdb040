"""Every use of Textual's private compositor API, kept in this one module.

Textual 8.2.8 draws a partial update (a Down: the list's changed lines) by asking every widget
whose clip overlaps the box around the changed regions for its lines. The reader's panes share
one container, so each pane's clip is the whole row of panes: a Down in the list had the
article, the related news and their container draw all their lines again (from their caches,
but line by line, 1-2 ms of the frame), though none of their cells was on the lines written.
The reader screen's compositor asks only the widgets whose visible part (region within clip)
overlaps that box, and not those whose part in the box lies behind a widget drawn already (a
Down's box is inside the list: its container and the screen behind it drew their lines too).
Textual fills each cell from the front-most widget's lines, so neither kind could put a cell
on the screen: the frame is the same.

The box is tested region by region: a partial update writes only the changed regions' spans
of each line, so a widget none of whose visible part meets a changed region draws nothing that
reaches the screen either. A search's hits frame changes the header, the search box, the list
and the footer, whose box is the whole screen: the article, the related news and the panes'
container drew their 37 lines each, and the compositor cut each line into pieces at every
widget's edge (new Strips, each with its caches), for none of their cells to be written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual._compositor import Compositor
from textual.geometry import Region
from textual.messages import Prompt
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class PaneCompositor(Compositor):
    """Textual's Compositor, its partial updates drawing only the widgets they can show."""

    # The changed regions of the partial update being drawn (None outside one: then the box
    # around them, the crop, is all that is known).
    _updating: list[Region] | None = None

    def render_partial_update(self) -> Any:
        self._updating = list(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._updating = None

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        changed = [crop] if self._updating is None else self._updating
        drawn: list[Region] = []  # the visible parts of the widgets drawn, front to back
        for widget, (region, clip) in list(self.visible_widgets.items()):
            shown = region.intersection(clip)
            if not (shown.width and shown.height and crop.overlaps(shown)):
                continue
            wanted = [
                part
                for part in (crop.intersection(area).intersection(shown) for area in changed)
                if part.width and part.height
            ]
            if not wanted:
                continue  # none of its visible part is written
            if all(any(front.contains_region(part) for front in drawn) for part in wanted):
                continue  # behind widgets drawn already: none of its cells would be used
            drawn.append(shown)
            lines = widget.render_lines(shown.translate((-region.x, -region.y)))
            yield region, clip, lines


def paint_now(screen: Screen[Any]) -> bool:
    """Lay out and paint what `screen` has waiting, now, if every widget on it is mounted and
    has no message waiting (but Prompt, which only wakes its loop up), instead of at the next
    tick of its update timer: the timer's first tick comes a whole period (1/60 s) after it is
    first started, the machine idle meanwhile. Whether it painted."""
    if not screen.is_current or screen.app._batch_count:
        return False
    if not (screen._layout_required or screen._repaint_required or screen._dirty_widgets):
        return False
    for widget in screen.walk_children(Widget):
        waiting: Iterable[object] = widget._message_queue.values
        if not widget.is_mounted or any(not isinstance(message, Prompt) for message in waiting):
            return False
    screen._on_timer_update()
    return True


def install(screen: Screen[Any]) -> None:
    """Give `screen` the compositor above, in place of Textual's (before it is first laid out)."""
    screen._compositor = PaneCompositor()
