"""A key's frame is painted at the screen's next idle once a frame period has passed since the
last frame began, not at the next tick of Textual's screen update timer (issue 11: the first
Down waited 17-33 ms for that tick after the first screen's widgets repainted for their first
sizes). Frames still begin at most once a period. Counted, never timed: Textual's timer is made
to tick every 30 s, so only the reader's own painting can show a frame within the test."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import textual.screen
from textual import events
from textual.app import App
from textual.screen import Screen

import reader.ui.compositor as compositor
import reader.ui.screens.reader as reader_screen
from reader.core.library import Library
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import settle, test_app

SLOW_TIMER = 30.0  # seconds between two ticks of Textual's update timer in these tests
STEP = 1 / 60  # a wait between two looks at the app: Textual's own frame period


@pytest.fixture(autouse=True)
def slow_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's update timer ticks every SLOW_TIMER seconds, and the cursor is previewed after
    as long a rest (its article's and related news' frames are not these tests' subject)."""
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", SLOW_TIMER)
    monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", SLOW_TIMER)


def _recording_frames(monkeypatch: pytest.MonkeyPatch, app: App[Any]) -> list[int]:
    """The cursor row of the list at each frame the app writes from now on."""
    frames: list[int] = []
    display = App._display

    def recording(self: App[Any], screen: Screen[Any], renderable: Any) -> None:
        if self is app and renderable is not None and not self._batch_count:
            frames.append(screen.query_one(HeadlineList).cursor)
        display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", recording)
    return frames


async def _down(app: App[Any]) -> None:
    """Down as the terminal's driver hands it to the app (Pilot's press paints a frame itself
    after the key), then a few turns of the event loop, a frame period apart."""
    key = events.Key("down", None)
    key.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(key)
    list_ = app.screen.query_one(HeadlineList)
    moved = list_.cursor + 1
    for _ in range(60):  # a loaded machine may take a while to get to it
        await asyncio.sleep(STEP)
        if list_.cursor == moved and not app.screen._dirty_widgets:
            break
    for _ in range(3):
        await asyncio.sleep(STEP)


async def _quiet(pilot: Any) -> None:
    """Workers done, and every frame they asked for painted: a frame period waited first (a
    wait for the period to pass, not a measure), so that what is waiting is due."""
    await settle(pilot)
    for _ in range(20):
        await asyncio.sleep(2 * STEP)
        await pilot.pause()
        if not pilot.app.screen._dirty_widgets and not pilot.app.screen._repaint_required:
            return
    raise AssertionError("the screen kept frames waiting")


@pytest.mark.paints_every_frame  # the subject is when frames are painted
def test_a_keys_frame_does_not_wait_for_the_update_timer(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await _quiet(pilot)
            frames = _recording_frames(monkeypatch, app)
            await _down(app)
            assert frames == [1]  # the Down's frame, long before the timer's next tick

    asyncio.run(scenario())


@pytest.mark.paints_every_frame
def test_frames_still_begin_at_most_once_a_period(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a period of the last frame's start, the reader paints nothing itself: what
    changed waits for the timer's tick, as in Textual."""
    painted: list[int] = []
    paint_now = compositor.paint_now

    def counting(screen: Any) -> bool:
        done = paint_now(screen)
        if done:
            painted.append(screen.query_one(HeadlineList).cursor)
        return done

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await _quiet(pilot)
            monkeypatch.setattr(compositor, "paint_now", counting)
            await _down(app)
            assert painted == [1]  # due: a period and more since the last frame
            monkeypatch.setattr(compositor, "FRAME_PERIOD", SLOW_TIMER)  # never due again
            await _down(app)
            assert painted == [1]

    asyncio.run(scenario())
