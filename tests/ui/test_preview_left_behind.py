"""A preview whose row the cursor has left is not drawn (issue 11): its article and related
news, arriving while the keys go on, would take the UI thread from the next key; the row the
cursor rests on is previewed instead, and a row come back to is previewed again."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from reader.core.library import Library
from reader.ui.screens import reader as reader_screen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import settle, test_app


def _held_related(library: Library, held: set[int]) -> tuple[threading.Event, list[int]]:
    """library.related waits for the event for the ids in `held`; the ids asked are listed."""
    release = threading.Event()
    asked: list[int] = []
    related = library.related

    def holding(article_id: int, *args: Any, **kwargs: Any) -> Any:
        asked.append(article_id)
        if article_id in held:
            assert release.wait(30)
        return related(article_id, *args, **kwargs)

    library.related = holding  # type: ignore[method-assign]
    return release, asked


def _recording_shown(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    shown: list[int] = []
    show_items = RelatedPanel.show_items

    def recording(self: RelatedPanel, article_id: int, items: Any) -> None:
        shown.append(article_id)
        show_items(self, article_id, items)

    monkeypatch.setattr(RelatedPanel, "show_items", recording)
    return shown


@pytest.mark.parametrize("back", [False, True])
def test_a_preview_the_cursor_left_is_not_drawn(
    library: Library, monkeypatch: pytest.MonkeyPatch, back: bool
) -> None:
    rows = library.headlines(0, 4)
    release, asked = _held_related(library, {rows[1].id})

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            article, related = app.query_one(ArticleView), app.query_one(RelatedPanel)
            shown = _recording_shown(monkeypatch)
            await pilot.press("down")  # previewed at once (no rest in tests): held in related
            while rows[1].id not in asked:
                await pilot.pause(0.01)
            monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 60.0)  # the cursor rests late
            await pilot.press("down")  # the cursor leaves row 1 before its preview arrives
            if back:
                await pilot.press("up")  # and comes back to it
            release.set()
            while any(worker.group == "related" for worker in app.workers):
                await pilot.pause(0.01)
            await pilot.pause()
            resting = rows[1] if back else rows[2]
            assert (rows[1].id in shown) is back  # drawn only where the cursor is
            monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 0.0)
            app.screen._preview_later()  # type: ignore[attr-defined]  # the rest ends now
            await settle(pilot)
            assert article.article is not None and article.article.id == resting.id
            assert related.for_article == resting.id and shown[-1] == resting.id

    asyncio.run(scenario())
