"""Keys that arrive in one burst (a quick typist, a paste without bracketed paste) go where the
keys before them sent the focus: after `/`, into the search box, never to the list's commands."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.app import App
from textual.widgets import Input

from reader.core.library import Library
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import settle, test_app

NAMES = {" ": "space", "/": "slash"}


def burst(app: App[Any], text: str) -> None:
    """Put every key of `text` in the app's queue at once, as the terminal driver does when
    the keys arrive together (Pilot's `press` waits for the app after each key)."""
    for character in text:
        app.post_message(events.Key(NAMES.get(character, character), character))


def test_a_burst_after_slash_is_typed_into_the_search_box(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            shown = headlines.total
            before = [(row.id, row.read, row.starred) for row in library.headlines(0, 1000)]
            # u (unread only), m (mark read), q (quit): each one a command in the list.
            burst(app, "/upah minimum qatar 1/2")
            await settle(pilot)
            box = app.screen.query_one("#search", Input)
            assert app.is_running and box.has_focus
            assert box.value == "upah minimum qatar 1/2"
            # Nothing was marked read or starred, and the list was not cut to the unread.
            after = [(row.id, row.read, row.starred) for row in library.headlines(0, 1000)]
            assert after == before and headlines.total == shown
            await pilot.press("enter")
            await settle(pilot)
            assert app.reader.search is not None
            assert app.reader.search.query == "upah minimum qatar 1/2"

    asyncio.run(scenario())


def test_the_search_box_is_mounted_when_first_shown(library: Library) -> None:
    """The first screen mounts no search box (hidden there, its CSS, styles and mount were a
    part of the first screen's cost); the first `/` mounts it, and the keys typed right after
    wait for that mount and reach it. Later `/` keys show the same box."""

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert not app.screen.query("#search")
            burst(app, "/phk")
            await settle(pilot)
            box = app.screen.query_one("#search", Input)
            assert box.has_focus and box.value == "phk" and box.display
            await pilot.press("escape")
            await settle(pilot)
            assert not box.display and app.focused is app.query_one(HeadlineList)
            burst(app, "/u")
            await settle(pilot)
            assert app.screen.query("#search").nodes == [box]
            assert box.has_focus and box.value == "u"

    asyncio.run(scenario())
