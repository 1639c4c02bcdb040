"""What the user sees, as SVG snapshots at fixed sizes (update with --snapshot-update)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from reader.core.library import Library
from tests.ui.conftest import search, settle, test_app


def searched(text: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await search(pilot, text)

    return run_before


def test_main_screen(snap_compare: Any, library: Library) -> None:
    assert snap_compare(test_app(library), terminal_size=(120, 36), run_before=settle)


def test_search_results(snap_compare: Any, library: Library) -> None:
    assert snap_compare(
        test_app(library), terminal_size=(120, 36), run_before=searched("pekerja migran")
    )


def test_narrow_terminal(snap_compare: Any, library: Library) -> None:
    assert snap_compare(test_app(library), terminal_size=(80, 24), run_before=settle)


def test_help_screen(snap_compare: Any, library: Library) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(test_app(library), terminal_size=(120, 36), run_before=run_before)


def with_navigator() -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("v")  # brought in: it does not show by default below 160 columns
        await settle(pilot)

    return run_before


def test_navigator(snap_compare: Any, library: Library) -> None:
    app = test_app(library, start_view="Ketenagakerjaan")
    assert snap_compare(app, terminal_size=(120, 40), run_before=with_navigator())


def test_navigator_narrow(snap_compare: Any, library: Library) -> None:
    app = test_app(library, start_view="Ketenagakerjaan")
    assert snap_compare(app, terminal_size=(80, 24), run_before=with_navigator())
