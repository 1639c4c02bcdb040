"""The footer's row is drawn through Rich once per look: the focus going back and forth
between the search box and the list shows one of two rows each time."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from reader.core.library import Library
from reader.ui.widgets.footer import ReaderFooter
from tests.ui.conftest import (
    checks_in_one_app,
    paint,
    search,
    settle,
)


def test_footer_lines_in_one_app(library: Library) -> None:
    """Two checks in one app (one start instead of two), `back_to_all_at_the_top` between."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            hints_shown_before_are_not_drawn_again,
            a_new_theme_draws_the_row_again,
        ],
    )


async def hints_shown_before_are_not_drawn_again(pilot: Pilot[Any]) -> None:
    """`/` shows the search box's hints, Enter the list's again: the list's row is the one
    drawn for the first screen, handed back as it was, and it is the row Textual draws. The
    first check of its app."""
    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        footer = app.screen.query_one(ReaderFooter)
        region = footer.region
        list_row = footer.render_lines(region.reset_offset)
        drawn: list[tuple[Any, ...]] = []
        original = ReaderFooter.render

        def counted(self: ReaderFooter) -> Any:
            drawn.append(self.hints)
            return original(self)

        monkeypatch.setattr(ReaderFooter, "render", counted)
        await pilot.press("slash")
        await settle(pilot)
        search_hints = footer.hints
        await search(pilot, "upah")
        assert app.screen.focused is app.screen.query_one("#headlines")
        assert drawn == [search_hints]  # the search box's row; the list's was kept
        shown = footer.render_lines(region.reset_offset)
        assert shown == list_row
        footer._styles_cache.clear()  # Textual's own drawing of the row, for comparison
        assert Widget.render_lines(footer, region.reset_offset) == shown
        assert footer.hint_at(2) is not None and footer.hint_at(2).action.endswith("open")
        paint(app)


async def a_new_theme_draws_the_row_again(pilot: Pilot[Any]) -> None:
    """It changes the theme: the last check of its app."""
    app = pilot.app
    footer = app.screen.query_one(ReaderFooter)
    crop = footer.region.reset_offset
    before = footer.render_lines(crop)
    app.theme = "textual-light" if app.theme != "textual-light" else "nord"
    await settle(pilot)
    after = footer.render_lines(crop)
    assert after != before
    footer._styles_cache.clear()
    assert Widget.render_lines(footer, crop) == after
