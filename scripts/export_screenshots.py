"""Export SVG screenshots of the reader for the README: `make screenshots`.

Runs the app headless at 120x36 on a fresh store of the bundled articles and saves the main
screen, a search and the help screen into screenshots/, and the navigator at 160x40.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reader.core.library import Library, open_library
from reader.ui.app import make_app
from reader.ui.config import UIConfig

SIZE = (120, 36)
QUERY = "pekerja migran"
OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the search and related workers are done and their results shown."""
    while True:
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


async def export(
    library: Library, name: str, keys: list[str], size: tuple[int, int] = SIZE
) -> Path:
    app = make_app(library, UIConfig(cursor_blink=False))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        return Path(app.save_screenshot(f"{name}.svg", path=str(OUT)))


def main() -> int:
    OUT.mkdir(exist_ok=True)
    shots = [
        ("main", []),
        ("search", ["slash", *QUERY, "enter"]),
        ("help", ["question_mark"]),
    ]
    wide = [("navigator", [], (160, 40))]  # from 160 columns the navigator stays on the left
    with (
        tempfile.TemporaryDirectory() as folder,
        open_library(Path(folder) / "articles.db") as library,
    ):
        library.import_bundled()
        # The navigator first: its counts before the other pictures open (and read) articles.
        for name, keys, size in wide:
            path = asyncio.run(export(library, name, keys, size))
            print(f"wrote {path.relative_to(OUT.parent)}")
        for name, keys in shots:
            path = asyncio.run(export(library, name, keys))
            print(f"wrote {path.relative_to(OUT.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
