"""A Down's frame draws the list, not the panes beside it nor what lies behind it (issue 11,
reader/ui/compositor.py): the article, the related news, the panes' container and the screen
are not asked for their lines, and what the frame puts on the screen is what Textual's
compositor would have put there."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual._compositor import Compositor
from textual.geometry import Region
from textual.pilot import Pilot

from reader.core.library import Library
from reader.ui.compositor import PaneCompositor
from reader.ui.screens import reader as reader_screen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import (
    Check,
    paint,
    recording_lines,
    run_checks,
    settled_with_the_first_preview,
    test_app,
)


def _chops(compositor: Compositor, crop: Region, textual: bool) -> list[dict[int, Any]]:
    """The strips a partial update of `crop` gives each cut of each line inside it."""
    if textual:
        compositor._get_renders = (  # type: ignore[method-assign]
            lambda crop=None: Compositor._get_renders(compositor, crop)
        )
    try:
        chops = compositor._render_chops(crop, lambda y: True)
    finally:
        compositor.__dict__.pop("_get_renders", None)
    return [
        {cut: list(strip) for cut, strip in line.items() if crop.x <= cut < crop.right}
        for y, line in enumerate(chops)
        if crop.y <= y < crop.bottom
    ]


def test_pane_frames_in_one_app(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two checks in one app (one start instead of two), on the first screen with its first
    preview shown: any crop draws what Textual draws, then a Down draws the list alone (which
    puts the preview off: it comes last)."""

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 40)) as pilot:
            await settled_with_the_first_preview(pilot)
            await run_checks(
                pilot, [any_crop_draws_what_textual_draws, down_draws_the_list_alone(monkeypatch)]
            )

    asyncio.run(scenario())


def down_draws_the_list_alone(monkeypatch: pytest.MonkeyPatch) -> Check:
    async def check(pilot: Pilot[Any]) -> None:
        app = pilot.app
        compositor = app.screen._compositor
        assert isinstance(compositor, PaneCompositor)
        article, related = app.query_one(ArticleView), app.query_one(RelatedPanel)
        assert article.article is not None and related.items
        monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 60.0)  # no preview meanwhile
        headlines = app.query_one(HeadlineList)
        behind = [app.query_one("#panes"), app.screen]  # the list's container, the screen
        asked = recording_lines(monkeypatch, [headlines, article, related, *behind])
        for _ in range(3):
            await pilot.press("down")
            crop = Region.from_union(list(compositor._dirty_regions))
            assert crop.overlaps(headlines.region)
            ours, theirs = _chops(compositor, crop, False), _chops(compositor, crop, True)
            assert ours == theirs
            assert any(line for line in ours)
            asked.clear()
            paint(app)
            assert asked == [headlines]

    check.__name__ = "a_down_draws_the_list_alone"
    return check


async def any_crop_draws_what_textual_draws(pilot: Pilot[Any]) -> None:
    """For the box around any pane, a line, or the whole screen, the partial update's strips
    are Textual's."""
    app = pilot.app
    compositor = app.screen._compositor
    crops = [Region(0, 0, 120, 40), Region(0, 0, 120, 1), Region(10, 5, 90, 3)]
    for widget in (HeadlineList, ArticleView, RelatedPanel):
        region = app.query_one(widget).region
        crops.append(region)
        crops.append(Region(region.x + 1, region.y + 3, region.width - 2, 3))
        crops.append(region.grow((1, 1, 1, 1)).intersection(Region(0, 0, 120, 40)))
    for crop in crops:
        assert _chops(compositor, crop, False) == _chops(compositor, crop, True), crop
