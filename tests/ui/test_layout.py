"""The rule for which panes show, without an app (the Pilot tests check it on screen)."""

from __future__ import annotations

import pytest

from reader.ui.layout import Pane, shown_panes, tab_order


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


def test_tab_brings_in_the_next_pane_when_one_fits() -> None:
    assert tab_order(40, None, "list") == ("list", "article")
    assert tab_order(40, True, "article") == ("list", "article", "related")
    assert tab_order(80, True, "article") == ("article", "related")
