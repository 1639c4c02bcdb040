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
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual._compositor import Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


class PaneCompositor(Compositor):
    """Textual's Compositor, its partial updates drawing only the widgets they can show."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        drawn: list[Region] = []  # the visible parts of the widgets drawn, front to back
        for widget, (region, clip) in list(self.visible_widgets.items()):
            shown = region.intersection(clip)
            if not (shown.width and shown.height and crop.overlaps(shown)):
                continue
            wanted = crop.intersection(shown)
            if any(front.contains_region(wanted) for front in drawn):
                continue  # behind one widget drawn already: none of its cells would be used
            drawn.append(shown)
            lines = widget.render_lines(shown.translate((-region.x, -region.y)))
            yield region, clip, lines


def install(screen: Screen[Any]) -> None:
    """Give `screen` the compositor above, in place of Textual's (before it is first laid out)."""
    screen._compositor = PaneCompositor()
