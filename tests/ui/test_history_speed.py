"""Enter in the search box writes no file before the frame with the hits (issue 11): the search
history is written once that frame is painted, and a query run just before the reader closes
is written as it closes. On a busy disk the write took several ms of the UI thread."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Library
from reader.ui.screens import reader as reader_screen
from reader.ui.screens.reader import ReaderScreen
from tests.ui.conftest import settle, test_app


def _saved(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_the_history_is_written_after_the_hits_frame(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "search-history"
    on_results: list[list[str]] = []  # the file when the hits reach the screen
    finished = ReaderScreen.on_search_finished

    def recording(self: ReaderScreen, message: Any) -> None:
        on_results.append(_saved(path))
        finished(self, message)

    monkeypatch.setattr(ReaderScreen, "on_search_finished", recording)
    # The painting after Enter is held until the results come (at most START_FRAME_HOLD: a
    # search slower than that has its "searching…" frame painted first, and the history
    # written after that frame). Held until they come here, whatever the machine's load.
    monkeypatch.setattr(reader_screen, "START_FRAME_HOLD", 30.0)

    async def scenario() -> None:
        app = test_app(library, state_dir=tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            for query in ("pekerja", "upah"):
                await pilot.press("slash")
                app.screen.query_one("#search").value = query  # type: ignore[attr-defined]
                await pilot.press("enter")
                await settle(pilot)
                assert app.screen.search.query == query  # type: ignore[attr-defined]
                assert _saved(path)[-1] == query  # written once the hits were painted
            assert on_results == [[], ["pekerja"]]  # not yet when the hits came

            # Enter, and the reader closed before the hits' frame: written as it closes.
            await pilot.press("slash")
            app.screen.query_one("#search").value = "phk"  # type: ignore[attr-defined]
            await pilot.press("enter")
        assert _saved(path) == ["pekerja", "upah", "phk"]

    asyncio.run(scenario())
