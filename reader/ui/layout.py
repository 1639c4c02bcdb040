"""Which panes the reader shows at a given width: the rule app.tcss sizes them by.

Pure functions of the terminal's width and the user's choices, so the screen only sets the
`-show-<pane>` classes they name; the breakpoint classes (ReaderScreen.HORIZONTAL_BREAKPOINTS,
from the same numbers) let app.tcss size the panes. The article always keeps 36 columns.
"""

from __future__ import annotations

from typing import Literal

SINGLE_BELOW = 60  # below this, one pane at a time: the list, the article or the related news
WIDE = 100  # from here the related sidebar shows by default, beside the list
# From here the navigator (30 columns) shows by default too: beside the sidebar (34) the list
# and the article still get 48 columns each.
NAVIGATOR_WIDE = 160
BREAKPOINTS = [(0, "-single"), (SINGLE_BELOW, "-narrow"), (WIDE, "-wide")]

Pane = Literal["navigator", "list", "article", "related"]
PANES: tuple[Pane, ...] = ("navigator", "list", "article", "related")


def single(width: int) -> bool:
    """Room for one pane only (0: not laid out yet)."""
    return 0 < width < SINGLE_BELOW


def sidebar_shown(width: int, choice: bool | None) -> bool:
    """The user's `r` when given (None: not given), else shown from WIDE columns."""
    return choice if choice is not None else width >= WIDE


def navigator_shown(width: int, choice: bool | None) -> bool:
    """The user's navigator key when given (None: not given), else shown from NAVIGATOR_WIDE."""
    return choice if choice is not None else width >= NAVIGATOR_WIDE


def room_for_all(width: int) -> bool:
    """The navigator and the related sidebar fit side by side (below, one takes the other's
    place: the screen keeps the two choices apart)."""
    return width >= NAVIGATOR_WIDE


def shown_panes(
    width: int, choice: bool | None, in_use: Pane, navigator: bool | None = None
) -> tuple[Pane, ...]:
    """The panes on screen, in order.

    - NAVIGATOR_WIDE and up: the navigator (unless hidden), list, article and the related
      sidebar (unless hidden with r).
    - WIDE to NAVIGATOR_WIDE: list, article and the sidebar; the navigator, when brought in,
      takes the sidebar's place.
    - SINGLE_BELOW to WIDE: list and article; the navigator, or with r the related news, take
      the list's place.
    - Below SINGLE_BELOW: one pane, the one in use.
    """
    sidebar = sidebar_shown(width, choice)
    nav = navigator_shown(width, navigator)
    if single(width):
        if in_use == "related" and not sidebar:
            return ("article",)
        if in_use == "navigator" and not nav:
            return ("list",)
        return (in_use,)
    if room_for_all(width):
        shown = {"navigator": nav, "list": True, "article": True, "related": sidebar}
        return tuple(pane for pane in PANES if shown[pane])
    if nav:
        return ("navigator", "list", "article") if width >= WIDE else ("navigator", "article")
    if not sidebar:
        return ("list", "article")
    if width < WIDE:
        return ("article", "related")
    return ("list", "article", "related")


def tab_order(
    width: int, choice: bool | None, in_use: Pane, navigator: bool | None = None
) -> tuple[Pane, ...]:
    """The panes Tab cycles through: those shown, or one after another when only one fits."""
    if single(width):
        chosen = {
            "navigator": navigator_shown(width, navigator),
            "related": sidebar_shown(width, choice),
        }
        return tuple(pane for pane in PANES if chosen.get(pane, True))
    return shown_panes(width, choice, in_use, navigator)
