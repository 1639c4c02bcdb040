"""Renaming and deleting topics from the navigator (issue 9, item 2): R and D on a topic's
entry, asked first, kept in the store, the list and the counts following."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from reader.core.library import Library, open_library
from reader.ui.screens.dialogs import ConfirmScreen, NameScreen
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.navigator import Navigator
from tests.ui.conftest import settle, test_app
from tests.ui.test_navigator import choose, counts


async def highlight(pilot: Pilot[Any], key: str) -> Navigator:
    """The navigator focused, its cursor on the entry of the view `key` (nothing chosen)."""
    navigator = pilot.app.query_one(Navigator)
    if pilot.app.focused is not navigator:
        await pilot.press("v")
    navigator.highlighted = next(
        i
        for i in range(navigator.option_count)
        if (option := navigator.get_option_at_index(i)).id
        and navigator.counts[int(option.id.removeprefix("view-"))].view.key == key
    )
    await pilot.pause()
    return navigator


def test_R_renames_a_topic_and_D_deletes_it_and_a_restart_keeps_both(library: Library) -> None:
    """R and D in one app, which renames one more topic last; then the store and a restarted
    reader (one app fewer: the renaming was an app of its own) show what they did."""
    upah = library.topic("Upah & THR")
    phk = library.topic("PHK")
    migrant = library.topic("Pekerja migran")
    path = Path(library.path)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            # On a source, neither key does anything.
            source = next(key for key in counts(app) if key.startswith("source:"))
            await highlight(pilot, source)
            await pilot.press("R", "D")
            assert not isinstance(app.screen, (NameScreen, ConfirmScreen))
            # R on the topic the list shows: the box holds its name; the list keeps its rows.
            await choose(pilot, f"topic:{upah.id}")
            await highlight(pilot, f"topic:{upah.id}")
            await pilot.press("R")
            assert isinstance(app.screen, NameScreen)
            box = app.screen.query_one(Input)
            assert box.value == "Upah & THR"
            box.value = "Upah minimum"
            await pilot.press("enter")
            await settle(pilot)
            assert library.topic("Upah minimum").id == upah.id
            assert app.reader.view.name == "Upah minimum"
            assert headlines.total == upah.total
            entry = next(
                c for c in app.query_one(Navigator).counts if c.view.key == f"topic:{upah.id}"
            )
            assert entry.view.name == "Upah minimum"
            # Esc in the box renames nothing.
            await highlight(pilot, f"topic:{phk.id}")
            await pilot.press("R", "escape")
            await settle(pilot)
            assert library.topic("PHK").id == phk.id
            # D asks; n keeps the topic, y deletes it and the list shows All.
            await highlight(pilot, f"topic:{upah.id}")
            await pilot.press("D")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await settle(pilot)
            assert f"topic:{upah.id}" in counts(app)
            await highlight(pilot, f"topic:{upah.id}")
            await pilot.press("D", "y")
            await settle(pilot)
            assert f"topic:{upah.id}" not in counts(app)
            assert app.reader.view.key == "all" and headlines.total == library.count()
            assert all(topic.id != upah.id for topic in library.topics())
            # A topic renamed as the app's last act: the restarted reader opens on it.
            await highlight(pilot, f"topic:{migrant.id}")
            await pilot.press("R")
            app.screen.query_one(Input).value = "Migran"
            await pilot.press("enter")
            await settle(pilot)

    async def reopen(library: Library) -> None:
        app = test_app(library, start_view="Migran")
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            assert app.reader.view.key == f"topic:{migrant.id}", "renamed after a restart"
            assert app.query_one(HeadlineList).total == migrant.total, "renamed after a restart"

    asyncio.run(scenario())
    library.close()
    # Kept across restarts: the store says so to a library opened afresh, and the reader.
    with open_library(path) as reopened:
        names = [topic.name for topic in reopened.topics()]
        assert "Upah minimum" not in names and "Upah & THR" not in names and "PHK" in names
        asyncio.run(reopen(reopened))
