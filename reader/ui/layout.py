"""Which panes the reader shows at a given width: the rule app.tcss sizes them by.

Pure functions of the terminal's width and the user's choices, so the screen only sets the
`-show-<pane>` classes they name; the breakpoint classes (ReaderScreen.HORIZONTAL_BREAKPOINTS,
from the same numbers) let app.tcss size the panes. The article always keeps 36 columns.
"""

from __future__ import annotations

from typing import Literal

SINGLE_BELOW = 60  # below this, one pane at a time: the list, the article or the related news
WIDE = 100  # from here the related sidebar shows by default, beside the list
BREAKPOINTS = [(0, "-single"), (SINGLE_BELOW, "-narrow"), (WIDE, "-wide")]

Pane = Literal["list", "article", "related"]
PANES: tuple[Pane, ...] = ("list", "article", "related")


def single(width: int) -> bool:
    """Room for one pane only (0: not laid out yet)."""
    return 0 < width < SINGLE_BELOW


def sidebar_shown(width: int, choice: bool | None) -> bool:
    """The user's `r` when given (None: not given), else shown from WIDE columns."""
    return choice if choice is not None else width >= WIDE


def shown_panes(width: int, choice: bool | None, in_use: Pane) -> tuple[Pane, ...]:
    """The panes on screen, in order.

    - WIDE and up: list, article and (unless hidden with r) the related sidebar.
    - SINGLE_BELOW to WIDE: list and article; with r the related news take the list's place.
    - Below SINGLE_BELOW: one pane, the one in use.
    """
    sidebar = sidebar_shown(width, choice)
    if single(width):
        return ("article",) if in_use == "related" and not sidebar else (in_use,)
    if not sidebar:
        return ("list", "article")
    if width < WIDE:
        return ("article", "related")
    return PANES


def tab_order(width: int, choice: bool | None, in_use: Pane) -> tuple[Pane, ...]:
    """The panes Tab cycles through: those shown, or one after another when only one fits."""
    if single(width):
        return PANES if sidebar_shown(width, choice) else ("list", "article")
    return shown_panes(width, choice, in_use)
