"""What the user sees, as SVG snapshots at fixed sizes (update with --snapshot-update)."""

from __future__ import annotations

from textual.pilot import Pilot

from reader.core.store import Store
from tests.ui.conftest import settle, test_app


def searched(text: str):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *text, "enter")
        await settle(pilot)

    return run_before


def test_main_screen(snap_compare, store: Store) -> None:
    assert snap_compare(test_app(store), terminal_size=(120, 36), run_before=settle)


def test_search_results(snap_compare, store: Store) -> None:
    assert snap_compare(
        test_app(store), terminal_size=(120, 36), run_before=searched("pekerja migran")
    )


def test_narrow_terminal(snap_compare, store: Store) -> None:
    assert snap_compare(test_app(store), terminal_size=(80, 24), run_before=settle)


def test_help_screen(snap_compare, store: Store) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(test_app(store), terminal_size=(120, 36), run_before=run_before)
