"""The rule for which panes show, without an app (the Pilot tests check it on screen), and
the widths app.tcss gives them at every terminal width."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

import reader.ui
from reader.ui.layout import BREAKPOINTS, NAVIGATOR_WIDE, PANES, Pane, shown_panes, tab_order
from reader.ui.widgets.headline_list import ONE_LINE, TWO_LINES, _wrap, title_lines


@pytest.mark.parametrize(
    "width, choice, in_use, shown",
    [
        (120, None, "list", ("list", "article", "related")),  # wide: the sidebar by default
        (120, False, "list", ("list", "article")),  # r hid it
        (80, None, "list", ("list", "article")),  # narrow: no sidebar by default
        (80, True, "article", ("article", "related")),  # r: the related news take the list's place
        (99, True, "related", ("article", "related")),
        (40, None, "list", ("list",)),  # one pane at a time: the one in use
        (40, None, "article", ("article",)),
        (40, None, "related", ("article",)),  # the related news only once asked for
        (40, True, "related", ("related",)),
    ],
)
def test_shown_panes(width: int, choice: bool | None, in_use: Pane, shown: tuple[str]) -> None:
    assert shown_panes(width, choice, in_use) == shown


@pytest.mark.parametrize(
    "width, navigator, choice, in_use, shown",
    [
        (160, None, None, "list", ("navigator", "list", "article", "related")),  # room for all
        (160, False, None, "list", ("list", "article", "related")),
        (159, None, None, "list", ("list", "article", "related")),  # hidden by default
        (120, True, None, "navigator", ("navigator", "list", "article")),  # in the sidebar's place
        (80, True, None, "navigator", ("navigator", "article")),  # in the list's place
        (40, True, None, "navigator", ("navigator",)),  # one pane at a time
        (40, None, None, "navigator", ("list",)),  # only once asked for
    ],
)
def test_shown_panes_with_the_navigator(
    width: int, navigator: bool | None, choice: bool | None, in_use: Pane, shown: tuple[str]
) -> None:
    assert shown_panes(width, choice, in_use, navigator) == shown


def test_tab_brings_in_the_next_pane_when_one_fits() -> None:
    assert tab_order(40, None, "list", True) == ("navigator", "list", "article")
    assert tab_order(40, None, "list") == ("list", "article")
    assert tab_order(40, True, "article") == ("list", "article", "related")
    assert tab_order(80, True, "article") == ("article", "related")


class ReaderScreen(Screen[None]):
    """The reader's panes, empty: app.tcss sizes them by this name and the screen's classes."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            for name in ("navigator", "headlines", "article", "related"):
                yield Widget(id=name)


class Panes(App[None]):
    CSS_PATH = Path(reader.ui.__file__).parent / "app.tcss"

    def on_mount(self) -> None:
        self.push_screen(ReaderScreen())


def pane_widths(
    app: Panes, width: int, sidebar: bool | None, navigator: bool | None = None
) -> list[tuple[str, int, int]]:
    """(pane, x, width) of the panes shown at `width` columns, arranged by app.tcss with the
    classes the reader screen would have (its breakpoint class, its -show-<pane> classes)."""
    screen = app.screen
    breakpoint = [name for least, name in BREAKPOINTS if width >= least][-1]
    shown = shown_panes(width, sidebar, "list", navigator)
    classes = {breakpoint} | {f"-show-{pane}" for pane in shown}
    every = {name for _, name in BREAKPOINTS} | {f"-show-{pane}" for pane in PANES}
    if classes != set(screen.classes) & every:
        # Restyled once, and only when the classes change (at a breakpoint, or another choice
        # of panes): most widths only arrange again.
        for name in every:
            screen.set_class(name in classes, name, update=False)
        app.stylesheet.update_nodes(screen.walk_children(with_self=True))
    arrangement = screen.query_one("#panes").arrange(Size(width, 20))
    return [(str(p.widget.id), p.region.x, p.region.width) for p in arrangement.placements]


def test_the_panes_fill_every_width_and_the_article_keeps_36_columns() -> None:
    """Textual's fr solver honours min and max widths only when one binds at a time: every
    width from 60 to 240 columns is arranged, with the sidebar and the navigator by default,
    hidden and shown."""

    async def scenario() -> None:
        app = Panes()
        async with app.run_test(size=(120, 20)):
            assert pane_widths(app, 120, None) == [
                ("headlines", 0, 44),
                ("article", 44, 44),
                ("related", 88, 32),
            ]
            assert pane_widths(app, 120, None, True) == [
                ("navigator", 0, 30),
                ("headlines", 30, 45),
                ("article", 75, 45),
            ]
            assert [w for _, _, w in pane_widths(app, NAVIGATOR_WIDE, None)] == [30, 48, 48, 34]
            assert [w for _, _, w in pane_widths(app, 100, None, True)] == [30, 34, 36]
            assert [w for _, _, w in pane_widths(app, 80, None, True)] == [32, 48]
            choices = (None, False, True)
            for sidebar, navigator, width in itertools.product(choices, choices, range(60, 241)):
                placed = pane_widths(app, width, sidebar, navigator)
                panes = {name: size for name, _, size in placed}
                assert [x for _, x, _ in placed] == list(
                    itertools.accumulate([0, *panes.values()][:-1])
                )
                assert sum(panes.values()) == width, (sidebar, navigator, width)
                assert panes["article"] >= 36, (sidebar, navigator, width)
                assert panes.get("headlines", 24) >= 24, (sidebar, navigator, width)
                assert 24 <= panes.get("navigator", 24) <= 34, (navigator, width)
                if "related" in panes and "headlines" in panes:
                    assert 32 <= panes["related"] <= 34, width
                    if panes["headlines"] < 90:  # the article the widest column until then
                        assert panes["article"] >= max(panes["headlines"], panes["related"])
                if width >= 120 and "headlines" in panes:
                    assert panes["headlines"] - 3 > 40, width  # less its border and scrollbar

    asyncio.run(scenario())


def test_a_title_wraps_at_a_word_and_its_last_line_is_cut() -> None:
    title = "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"
    assert _wrap(title, 60, 2) == [title]
    assert _wrap(title, 37, 2) == ["Kemnaker Terus Tingkatkan", "Perlindungan Pekerja Migran"]
    assert _wrap(title, 20, 2) == ["Kemnaker Terus", "Tingkatkan Perlindu…"]
    assert _wrap(title, 20, 1) == ["Kemnaker Terus Ting…"]
    assert _wrap("Kementerian Ketenagakerjaan", 8, 2) == ["Kementer", "ian Ket…"]  # one long word
    assert _wrap("", 20, 2) == [""]


def test_titles_get_two_lines_only_where_two_lines_hold_them_and_one_does_not() -> None:
    assert title_lines(ONE_LINE, 30) == 1  # one line holds most titles
    assert title_lines(ONE_LINE - 1, 30) == 2
    assert title_lines(TWO_LINES, 30) == 2
    assert title_lines(TWO_LINES - 1, 30) == 1  # too narrow: cut, and more rows on screen
    assert title_lines(40, 12) == 1  # too short a list for three-line rows
