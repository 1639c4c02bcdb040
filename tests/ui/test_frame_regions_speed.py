"""A partial update draws only the widgets whose visible part meets a changed region (issue 11,
reader/ui/compositor.py): the frame with a search's hits changes the header, the search box,
the list and the footer, whose box is the whole screen, yet the article, the related news and
the panes' container are not asked for their lines; and what each frame writes to the terminal
is what Textual's compositor would have written."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from textual._compositor import Compositor
from textual.geometry import Region

from reader.core.library import Library
from reader.ui.compositor import PaneCompositor
from reader.ui.screens import reader as reader_screen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import (
    paint,
    recording_lines,
    settled_with_the_first_preview,
    test_app,
)

# A cursor move that writes nothing before the next move, the next line or the update's end.
# Textual writes one for each piece of a line that begins where a changed span ends (a
# span's end is exclusive there): for the pane beside the list, on every line of the list,
# when that pane has drawn its lines. It puts nothing on the screen (the app moves the cursor
# to its own place after every update, and the line feed after it stays on the same row).
_EMPTY_MOVE = re.compile(r"\x1b\[\d+;\d+H(?=\n|\x1b\[\d+;\d+H|$)")


def _written(app: Any, compositor: PaneCompositor, textual: bool) -> str:
    """What a partial update of the regions marked dirty now writes to the terminal, less the
    moves that write nothing (the regions are left marked, for the next call)."""
    dirty = set(compositor._dirty_regions)
    if textual:
        compositor._get_renders = (  # type: ignore[method-assign]
            lambda crop=None: Compositor._get_renders(compositor, crop)
        )
    try:
        update = compositor.render_partial_update()
    finally:
        compositor.__dict__.pop("_get_renders", None)
        compositor._dirty_regions.clear()
        compositor._dirty_regions.update(dirty)
    return "" if update is None else _EMPTY_MOVE.sub("", update.render_segments(app.console))


def test_a_frame_draws_the_widgets_it_changes(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled_with_the_first_preview(pilot)
            compositor = app.screen._compositor
            assert isinstance(compositor, PaneCompositor)
            article, related = app.query_one(ArticleView), app.query_one(RelatedPanel)
            assert article.article is not None and related.items
            headlines = app.query_one(HeadlineList)
            beside = [article, related, app.query_one("#panes")]
            asked = recording_lines(monkeypatch, [headlines, *beside])

            # `/` and the query, painted; then Enter and the hits, not yet painted.
            await pilot.press("slash")
            app.screen.query_one("#search").value = "pekerja"  # type: ignore[attr-defined]
            await pilot.pause()
            paint(app)
            monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 60.0)  # no preview meanwhile
            opened: list[int] = []
            monkeypatch.setattr(
                app.screen, "open_article", lambda article_id, mark_read=True: opened.append(1)
            )
            await pilot.press("enter")
            while app.screen.search is None:  # type: ignore[attr-defined]
                await pilot.pause()
            await pilot.pause()
            crop = Region.from_union(list(compositor._dirty_regions))
            assert crop.contains_region(article.region)  # the box holds the panes beside
            ours, theirs = _written(app, compositor, False), _written(app, compositor, True)
            assert "pekerja" in ours.lower() and ours == theirs
            asked.clear()
            paint(app)
            assert headlines in asked
            assert not [widget for widget in asked if widget in beside]

            for _ in range(3):
                await pilot.press("down")
                # The frame's regions are marked when the screen's update runs: press waits
                # for the key to be handled, not for that (it comes on a timer; pause runs it).
                await pilot.pause()
                ours, theirs = _written(app, compositor, False), _written(app, compositor, True)
                assert ours and ours == theirs
                asked.clear()
                paint(app)
                assert asked == [headlines]

    asyncio.run(scenario())
