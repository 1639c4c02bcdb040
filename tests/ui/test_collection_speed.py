"""Garbage is collected while the cursor rests, not on a key's way to its frame (issue 11,
reader/ui/collection.py): once the first screen is up, the automatic collections of the whole
heap are ten times rarer, and the rest before a row is previewed collects the young and middle
generations, and the whole heap when it is due. Real collections, told apart by who asked."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from reader.core.library import Library
from reader.ui import collection
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


def test_a_rest_after_a_key_collects(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collection, "_managed", [False])

    async def scenario() -> None:
        with collections_at_rest() as generations:
            app = test_app(library)
            async with app.run_test(size=(120, 40)) as pilot:
                # The collector is off while the app starts (the command line turns it off;
                # here the test's fixture did) and on again after the first frame.
                await settle(pilot)
                assert gc.isenabled()
                assert gc.get_threshold()[2] == collection.WHOLE_AUTO
                generations.clear()
                await pilot.press("down")
                await settle(pilot)
                assert generations and min(generations) >= 1

    asyncio.run(scenario())


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
