"""Garbage is collected while the cursor rests, not on a key's way to its frame (issue 11,
reader/ui/collection.py): once the first screen is up, the automatic collections of the whole
heap are ten times rarer, and the rest before a row is previewed collects the young and middle
generations, and the whole heap when it is due. Real collections, told apart by who asked."""

from __future__ import annotations

import asyncio
import gc
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from textual.app import App

from reader.core.library import Library
from reader.ui import collection
from reader.ui.screens.reader import ReaderScreen
from tests.ui.conftest import settle, test_app


@contextmanager
def collections_at_rest() -> Iterator[list[int]]:
    """The generation of each collection `collection.at_rest` runs, in order."""
    generations: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase != "start":
            return
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code is collection.at_rest.__code__:
                generations.append(info["generation"])
                return
            frame = frame.f_back

    thresholds = gc.get_threshold()
    gc.callbacks.append(callback)
    try:
        yield generations
    finally:
        gc.callbacks.remove(callback)
        gc.set_threshold(*thresholds)


def test_the_whole_heap_is_collected_at_rest_once_due(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collection, "_managed", [True])
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        with collections_at_rest() as generations:
            for _ in range(collection.WHOLE_AT_REST + 1):
                collection.at_rest()
    finally:
        if not was_enabled:
            gc.disable()
    assert 2 in generations
    assert generations[: generations.index(2)] == [1] * generations.index(2)


def test_nothing_is_collected_before_the_reader_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collection, "_managed", [False])
    with collections_at_rest() as generations:
        collection.at_rest()
    assert generations == []


@pytest.mark.paints_every_frame  # the second check's subject is the frame that shows the hits
def test_a_rest_collects_and_nothing_is_collected_from_a_search_to_its_hits_frame(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two checks in one app (one start instead of two). A rest after a key collects the
    young and middle generations. Then, from Enter in the search box (the search started)
    until the frame that shows its hits is painted, the collector waits (a young collection
    every few hundred objects fell there ten times); it collects again after that frame. The
    young generation's threshold is lowered for that check so that any way of a few hundred
    objects would have collected."""
    monkeypatch.setattr(collection, "_managed", [False])
    title = library.get(library.search("pekerja", 1).hits[0].id).title  # type: ignore[union-attr]
    events: list[str] = []
    display = App._display
    run_search = ReaderScreen.run_search

    def recording_display(self: App[Any], screen: Any, renderable: Any) -> None:
        if renderable is not None and not self._batch_count:
            text = re.sub(
                r"\x1b\[[0-9;:?]*[ -/]*[@-~]", "", renderable.render_segments(self.console)
            )
            events.append("hits frame" if "results" in text and title[:20] in text else "frame")
        display(self, screen, renderable)

    def recording_search(self: ReaderScreen, *args: Any, **kwargs: Any) -> None:
        events.append("search")
        run_search(self, *args, **kwargs)

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            events.append("collection")

    async def scenario() -> None:
        with collections_at_rest() as generations:
            app = test_app(library)
            async with app.run_test(size=(120, 40)) as pilot:
                # The collector is off while the app starts (the command line turns it off;
                # here the test's fixture did) and on again after the first frame.
                await settle(pilot)
                assert gc.isenabled(), "a rest after a key collects"
                assert gc.get_threshold()[2] == collection.WHOLE_AUTO, "a rest collects"
                generations.clear()
                await pilot.press("down")
                await settle(pilot)
                assert generations and min(generations) >= 1, "a rest after a key collects"
                await nothing_collected_on_the_way_to_the_hits(pilot)

    async def nothing_collected_on_the_way_to_the_hits(pilot: Any) -> None:
        """The search's check (what it records is asserted below, once the app is gone)."""
        await pilot.press("slash", *"pekerja")
        await settle(pilot)
        monkeypatch.setattr(App, "_display", recording_display)
        monkeypatch.setattr(ReaderScreen, "run_search", recording_search)
        thresholds = gc.get_threshold()
        gc.set_threshold(50, thresholds[1], thresholds[2])
        gc.callbacks.append(callback)
        try:
            await pilot.press("enter")
            await settle(pilot)
        finally:
            gc.callbacks.remove(callback)
            gc.set_threshold(*thresholds)
        assert gc.isenabled()

    asyncio.run(scenario())
    start, shown = events.index("search"), events.index("hits frame")
    assert start < shown
    assert "collection" not in events[start:shown], events
    assert "collection" in events[shown:]
