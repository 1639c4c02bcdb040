"""Settings that last (issue 10, item 6): the theme chosen in the reader is saved in the config
file, a bad theme name is reported and ignored, and the search history is kept across runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reader.core.library import Library
from reader.ui.config import load_config
from reader.ui.widgets.search_box import SearchBox
from tests.ui.conftest import search, settle, test_app


def test_a_bad_theme_is_reported_and_a_chosen_one_is_saved(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# mine\n[ui]\ntheme = "no-such-theme"\n', encoding="utf-8")

    async def choose_theme() -> None:
        config = load_config(path)
        app = test_app(library, theme=config.theme, path=config.path)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert app.is_running and app.theme == "textual-dark"
            warnings = [n.message for n in app._notifications if n.severity == "warning"]
            assert any("no-such-theme" in m and "ignored" in m for m in warnings)
            assert path.read_text(encoding="utf-8") == '# mine\n[ui]\ntheme = "no-such-theme"\n'
            app.theme = "nord"  # as the palette's "Change theme" does
            await pilot.pause()

    async def restart() -> None:
        config = load_config(path)
        app = test_app(library, theme=config.theme, path=config.path)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert app.theme == "nord"
            assert not [n for n in app._notifications if n.severity == "warning"]

    asyncio.run(choose_theme())
    assert path.read_text(encoding="utf-8") == '# mine\n[ui]\ntheme = "nord"\n'
    asyncio.run(restart())


def test_up_and_down_in_the_search_box_walk_the_history_of_every_run(
    library: Library, tmp_path: Path
) -> None:
    async def first_run() -> None:
        app = test_app(library, state_dir=tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await search(pilot, "upah minimum")
            await search(pilot, "pekerja migran")

    async def second_run() -> None:
        app = test_app(library, state_dir=tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("slash", "p", "h")
            box = app.screen.query_one("#search", SearchBox)
            await pilot.press("up")
            assert box.value == "pekerja migran" and box.cursor_position == len(box.value)
            await pilot.press("up")
            assert box.value == "upah minimum"
            await pilot.press("up")  # the oldest: it stays
            assert box.value == "upah minimum"
            await pilot.press("down", "down")
            assert box.value == "ph"  # back to what was typed
            await pilot.press("up", "enter")
            await settle(pilot)
            assert app.reader.search is not None and app.reader.search.query == "pekerja migran"

    asyncio.run(first_run())
    assert (tmp_path / "search-history").read_text(encoding="utf-8") == (
        "upah minimum\npekerja migran\n"
    )
    asyncio.run(second_run())
