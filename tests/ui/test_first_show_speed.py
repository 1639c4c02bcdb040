"""The reader's screen is not restyled whole when it is first shown (issue 11, reader/ui/restyle.py
StyledWhenMounted): its widgets keep the styles they got as they were mounted, and those are
the styles Textual's restyle on showing the screen would give them (the scrollbars, which only
that restyle styled, are styled as it styled them)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from reader.core.library import Library
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import settle, test_app


def _styles(root: DOMNode) -> list[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]]:
    """Each node's styles from the stylesheet (its own and its component classes'), with its
    scrollbars', in order."""
    nodes: list[DOMNode] = []
    for node in root.walk_children(with_self=True):
        nodes.append(node)
        if isinstance(node, Widget) and node.is_scrollable:
            nodes.extend(
                bar
                for bar in (node._vertical_scrollbar, node._horizontal_scrollbar)
                if bar is not None
            )
    return [
        (
            repr(node),
            dict(node.styles.base._rules),
            {name: dict(style.base._rules) for name, style in node._component_styles.items()},
        )
        for node in nodes
    ]


@pytest.mark.parametrize("size", [(120, 40), (70, 30), (200, 50)])
def test_the_first_screen_is_styled_once_as_textuals_restyle_would_style_it(
    library: Library, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Two checks of the first screen in one app (one start instead of two at each size).
    The panes are not restyled on the way to the settled first screen; and at the first
    ScreenResume, once StyledWhenMounted has done its part, Textual's restyle of the whole
    screen gives every node the styles it has already (that restyle, the comparison's own, is
    left out of what the first check records)."""
    restyled: list[list[DOMNode]] = []
    comparing: list[bool] = []
    update_nodes = Stylesheet.update_nodes

    def recording(self: Stylesheet, nodes: Any, animate: bool = False) -> None:
        nodes = list(nodes)
        if not comparing:
            restyled.append(nodes)
        update_nodes(self, nodes, animate=animate)

    compared: list[tuple[list[Any], list[Any]]] = []
    resume = Screen._on_screen_resume

    def resume_and_compare(self: Screen[Any], event: events.ScreenResume) -> None:
        if not compared and not event.refresh_styles:
            kept = _styles(self)
            comparing.append(True)
            try:
                self.update_node_styles(animate=False)
            finally:
                comparing.clear()
            compared.append((kept, _styles(self)))
        resume(self, event)

    monkeypatch.setattr(Stylesheet, "update_nodes", recording)
    monkeypatch.setattr(Screen, "_on_screen_resume", resume_and_compare)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            # The first screen is styled once: no restyle of the panes on the way to it.
            panes = {screen.query_one(HeadlineList), screen.query_one(ArticleView)}
            assert not [nodes for nodes in restyled if panes.issubset(nodes)], "styled once"
            # The restyle left out at the first ScreenResume changes nothing.
            assert len(compared) == 1, "restyle left out"
            kept, restyled_at_resume = compared[0]
            # Every widget of the screen compared (the header is one widget; the search box
            # comes when first shown).
            compared_types = {name.split("(")[0] for name, _, _ in kept}
            assert {
                "ReaderScreen",
                "ReaderHeader",
                "Panes",
                "Navigator",
                "HeadlineList",
                "ArticleView",
                "RelatedPanel",
                "ReaderFooter",
            } <= compared_types
            assert restyled_at_resume == kept, "restyle left out"
            # The recording records a restyle (the first check can fail).
            screen.update_node_styles(animate=False)
            assert [nodes for nodes in restyled if panes.issubset(nodes)]

    asyncio.run(scenario())
