"""What the user sees, as SVG snapshots at fixed sizes (update with --snapshot-update)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reader.core.store import Store
from tests.ui.conftest import test_app


async def settled(pilot: Pilot) -> None:
    """Wait for the related and search workers, so every picture is complete."""
    while True:
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


def searched(text: str):
    async def run_before(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("slash", *text, "enter")
        await settled(pilot)

    return run_before


def test_main_screen(snap_compare, store: Store) -> None:
    assert snap_compare(test_app(store), terminal_size=(120, 36), run_before=settled)


def test_search_results(snap_compare, store: Store) -> None:
    assert snap_compare(
        test_app(store), terminal_size=(120, 36), run_before=searched("pekerja migran")
    )


def test_narrow_terminal(snap_compare, store: Store) -> None:
    assert snap_compare(test_app(store), terminal_size=(80, 24), run_before=settled)


def test_help_screen(snap_compare, store: Store) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")

    assert snap_compare(test_app(store), terminal_size=(120, 36), run_before=run_before)
