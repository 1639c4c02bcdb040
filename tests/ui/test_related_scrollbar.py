"""The related sidebar's scrollbar comes and goes with one layout of the screen each time.

Its place was once set without a layout (the screen arranging what is visible again from the
arrangements it kept, as for a scrolled container). The screen's cells then matched Textual's
own layout, but a real terminal kept stale cells: after `/` the panes were drawn one row lower
and their old top border stayed on screen. So the bar asks for a layout when it comes or goes
(one each time, counted, not timed), and the screen must end as Textual's own layout leaves
it, cell by cell."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual._compositor import Compositor
from textual.geometry import NULL_REGION, Region
from textual.strip import Strip

from reader.core.library import Library
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import settle, test_app
from tests.ui.test_relayouts import layouts_counted


def _cells(strips: list[Strip]) -> list[list[tuple[str, Any]]]:
    return [
        [(char, segment.style) for segment in strip for char in segment.text] for strip in strips
    ]


def _bar_column(panel: RelatedPanel) -> Region:
    """Where Textual puts a vertical scrollbar: the last column inside the border."""
    inside = panel.region.shrink(panel.styles.gutter)
    return Region(inside.right - 1, inside.y, 1, inside.height)


def _as_textual_lays_it_out(app: Any, panel: RelatedPanel) -> tuple[Any, Any]:
    """The panel's and its bar's places and the whole screen's cells as they are now, then the
    same after a layout of the whole screen by Textual itself: the two must be equal."""
    compositor = app.screen._compositor
    bar = panel.vertical_scrollbar

    def state() -> tuple[Any, Any, list[Any]]:
        places = (compositor.find_widget(panel), bar.region, bar.display)
        return places, panel.show_vertical_scrollbar, _cells(compositor.render_strips())

    ours = state()
    app.screen._refresh_layout()
    return ours, state()


@pytest.mark.parametrize("size", [(120, 36), (200, 50)])
def test_the_scrollbar_comes_and_goes_with_one_layout_each_time(
    library: Library, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            panel = app.screen.query_one(RelatedPanel)
            article_id, items = panel.for_article, list(panel.items)
            assert article_id is not None and len(items) >= 2
            bar = panel.vertical_scrollbar
            painted: list[set[Region]] = []
            render_update = Compositor.render_update

            def recording(self: Compositor, *args: Any, **kwargs: Any) -> Any:
                painted.append(set(self._dirty_regions))
                return render_update(self, *args, **kwargs)

            monkeypatch.setattr(Compositor, "render_update", recording)
            panel.show_note("Nothing yet.")  # no scrollbar, whatever it took to get here
            await settle(pilot)
            app.screen._refresh_layout()
            assert not panel.show_vertical_scrollbar and not bar.display
            assert bar.region == NULL_REGION

            def shown_and_painted(scrolls: bool) -> None:
                assert (panel.virtual_size.height > panel.size.height) is scrolls
                assert panel.show_vertical_scrollbar is scrolls
                assert bar.display is scrolls
                assert bar.region == (_bar_column(panel) if scrolls else NULL_REGION)
                column = _bar_column(panel)
                assert any(
                    region.contains_region(column) for frame in painted for region in frame
                ), "the bar's column was not painted again"
                painted.clear()

            checks = []
            with layouts_counted(monkeypatch) as laid_out:
                painted.clear()
                panel.show_items(article_id, items * 8)  # the first entries to scroll
                await settle(pilot)
                shown_and_painted(True)
                checks.append(_as_textual_lays_it_out(app, panel))
                panel.show_loading(article_id)  # keeps the bar while looking (as before)
                await settle(pilot)
                assert bar.display
                panel.show_items(article_id, items[:1])  # entries that fit: the bar goes
                await settle(pilot)
                shown_and_painted(False)
                checks.append(_as_textual_lays_it_out(app, panel))
                panel.show_items(article_id, items * 8)  # and comes back
                await settle(pilot)
                shown_and_painted(True)
                checks.append(_as_textual_lays_it_out(app, panel))
            # The layouts _as_textual_lays_it_out asked for itself, and one each time the bar
            # came or went (three times); none for the note in between.
            assert len(laid_out) == len(checks) + 3
            for ours, textuals in checks:
                assert ours == textuals

    asyncio.run(scenario())
