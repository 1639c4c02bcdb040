"""The ANSI theme Textual asks the app for on every line it paints is kept, not looked up by
name in a copy of every registered theme each time (issue 11: some 300 lookups for the first
screen's frame), and follows the theme, the ANSI themes and the registered themes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rich.terminal_theme import MONOKAI, SVG_EXPORT_THEME
from textual.app import App
from textual.pilot import Pilot
from textual.theme import Theme

from reader.core.library import Library
from tests.ui.conftest import paint, run_checks, settle, test_app


def test_the_ansi_theme_in_one_app(library: Library) -> None:
    """Two checks in one app (one start instead of two): a whole frame drawn again looks no
    theme up, then the kept ANSI theme follows the themes (which it changes: it comes last)."""

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await run_checks(
                pilot, [a_whole_frame_looks_no_theme_up, the_kept_ansi_theme_follows_the_themes]
            )

    asyncio.run(scenario())


async def a_whole_frame_looks_no_theme_up(pilot: Pilot[Any]) -> None:
    app = pilot.app
    looked_up: list[str] = []
    get_theme = App.get_theme

    def counting(app: App[Any], name: str) -> Theme | None:
        looked_up.append(name)
        return get_theme(app, name)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(App, "get_theme", counting)
        for widget in app.screen.walk_children(with_self=True):
            widget.refresh()  # every line of every widget drawn again
        await settle(pilot)
        paint(app)
    assert looked_up == []  # Textual's own: one a line (over 100 here)


async def the_kept_ansi_theme_follows_the_themes(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert app.current_theme.dark and app.ansi_theme is app.ansi_theme_dark
    app.theme = "textual-light"
    await settle(pilot)
    assert app.ansi_theme is app.ansi_theme_light
    app.ansi_theme_light = SVG_EXPORT_THEME
    assert app.ansi_theme is SVG_EXPORT_THEME
    app.theme = "textual-dark"
    app.ansi_theme_dark = MONOKAI
    assert app.ansi_theme is MONOKAI
    app.register_theme(Theme(name="uji", primary="#004578", dark=False))
    app.theme = "uji"
    assert app.ansi_theme is SVG_EXPORT_THEME
    # The current theme registered again, dark: the dark ANSI theme from then on.
    app.register_theme(Theme(name="uji", primary="#004578", dark=True))
    assert app.ansi_theme is MONOKAI
    app.theme = "textual-dark"
    app.unregister_theme("uji")
    assert app.ansi_theme is MONOKAI
