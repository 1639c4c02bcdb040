"""The list and the search box keep the styles of each focus state (reader/ui/restyle.py): a
focus move to a state seen before gives them the same styles as Textual's own restyle, without
matching the stylesheet again; a new theme's styles are worked out afresh."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widget import Widget

from reader.core.library import Library
from reader.ui.restyle import FocusStyles
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.search_box import SearchBox
from tests.ui.conftest import (
    checks_in_one_app,
    settle,
    test_app,
)


def styles_of(widget: Widget) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The widget's CSS rules and its component classes' rules, as plain values."""
    components = {name: dict(style.base._rules) for name, style in widget._component_styles.items()}
    return dict(widget.styles.base._rules), components


def textual_styles_of(widget: Widget) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """What Textual's own restyle gives the widget in its present state."""
    widget.app.update_styles(widget)
    return styles_of(widget)


def test_focus_styles_in_one_app(library: Library) -> None:
    """Two checks in one app (one start instead of two), `back_to_all_at_the_top` between."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            a_focus_move_seen_before_reuses_textuals_styles,
            a_new_theme_is_not_given_the_old_themes_styles,
        ],
    )


async def a_focus_move_seen_before_reuses_textuals_styles(pilot: Pilot[Any]) -> None:
    """The first check of its app: the two focus states are worked out by Textual here."""
    restyled: list[Widget] = []  # by Textual's restyle on a focus change
    restyle = Widget.watch_has_focus

    def counting_restyle(widget: Widget, has_focus: bool) -> None:
        restyled.append(widget)
        restyle(widget, has_focus)

    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        monkeypatch.setattr(Widget, "watch_has_focus", counting_restyle)
        headlines = app.query_one(HeadlineList)
        for _ in range(2):  # each state worked out by Textual (the box is -valid from the 2nd)
            await pilot.press("slash")  # the box focused, the list blurred
            await settle(pilot)
            box = app.screen.query_one("#search", SearchBox)  # mounted by the first `/`
            await pilot.press("escape")  # back to the list
            await settle(pilot)
        assert restyled
        for _ in range(2):
            restyled.clear()
            await pilot.press("slash")
            await settle(pilot)
            assert box.has_focus and not restyled  # neither widget matched again
            focused_box, blurred_list = styles_of(box), styles_of(headlines)
            assert focused_box == textual_styles_of(box)
            assert blurred_list == textual_styles_of(headlines)
            await pilot.press("escape")
            await settle(pilot)
            assert headlines.has_focus and not restyled
            assert styles_of(headlines) == textual_styles_of(headlines)
            assert styles_of(box) == textual_styles_of(box)
        # The two states differ (the list's border and cursor row follow its focus).
        assert styles_of(headlines) != blurred_list


async def a_new_theme_is_not_given_the_old_themes_styles(pilot: Pilot[Any]) -> None:
    """It changes the theme: the last check of its app."""
    app = pilot.app
    headlines = app.query_one(HeadlineList)
    for _ in range(2):  # both focus states kept
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    old = styles_of(headlines)
    app.theme = "textual-light" if app.theme != "textual-light" else "nord"
    await settle(pilot)
    await pilot.press("slash")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    assert headlines.has_focus
    new = styles_of(headlines)
    assert new != old
    assert new == textual_styles_of(headlines)


def test_the_first_search_of_an_app(library: Library) -> None:
    """What the first search of an app does to the list's and the search box's styles, four
    checks on the same search (one app instead of four; each counter wraps Textual's own, so
    each counts what it counted in an app of its own):

    - Enter moves the focus from the search box to the list. The list was focused at the
      start (the screen not focus-within yet: a pseudo-class no rule names) and the box was
      unfocused before `/` (without the -valid class typing gives it, which no rule names
      either): both states are kept by then, so the first search of an app restyles neither,
      and each gets Textual's own styles.
    - Their kept rules are put back by setting the rules that differ (the border's colours,
      the cursor's...), not through Textual's replace_rules, which builds the new styles whole
      to compare them with the old first.
    - The list's paint of its rows (its styles and its component classes' styles, as Rich
      styles) is worked out once per style state: the list's focused paint was worked out at
      the start, and Textual is not asked for its component styles again on Enter (1-3 ms of
      the frame with the hits). The paint kept is the one Textual's styles give now; another
      theme's is worked out afresh (last: it changes the theme).
    - The key of a focus state (worked out on every focus move of the list and the search
      box, and for the list's paint) checks only the pseudo-classes some rule names, not all
      of Textual's for each node from the app down, and is the key those would give.
    """
    restyled: list[Widget] = []
    restyle = Widget.watch_has_focus
    replaced: list[object] = []
    replace_rules = Stylesheet.replace_rules
    asked: list[tuple[str, ...]] = []
    component_style = Widget.get_component_rich_style

    def counting_restyle(widget: Widget, has_focus: bool) -> None:
        restyled.append(widget)
        restyle(widget, has_focus)

    def counting_replace(node: DOMNode, rules: Any, animate: bool = False) -> None:
        replaced.append(node)
        replace_rules(node, rules, animate=animate)

    def counting_asks(widget: Widget, *names: str, **kwargs: Any) -> Any:
        if isinstance(widget, HeadlineList):
            asked.append(names)
        return component_style(widget, *names, **kwargs)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            with pytest.MonkeyPatch.context() as monkeypatch:
                monkeypatch.setattr(Widget, "watch_has_focus", counting_restyle)
                monkeypatch.setattr(Widget, "get_component_rich_style", counting_asks)
                await pilot.press("slash", *"pekerja")  # the box mounted, shown and focused
                await settle(pilot)  # the list drawn unfocused: that paint worked out
                box = app.screen.query_one("#search", SearchBox)
                assert box.has_focus and box.has_class("-valid")
                assert asked
                blurred = styles_of(headlines)
                monkeypatch.setattr(Stylesheet, "replace_rules", staticmethod(counting_replace))
                restyled.clear()
                asked.clear()
                await pilot.press("enter")
                await settle(pilot)
                assert headlines.has_focus and getattr(app.screen, "search", None) is not None
                assert not restyled
                assert headlines not in replaced and box not in replaced
                assert not asked
            assert styles_of(headlines) != blurred
            assert styles_of(headlines) == textual_styles_of(headlines)
            assert styles_of(box) == textual_styles_of(box)
            await _the_style_key_checks_only_the_pseudo_classes_rules_name(pilot)
            with pytest.MonkeyPatch.context() as monkeypatch:
                monkeypatch.setattr(Widget, "get_component_rich_style", counting_asks)
                focused = headlines._current_paint()
                assert focused == headlines._work_out_paint()  # asked, by this check
                asked.clear()
                app.theme = "textual-light" if app.theme != "textual-light" else "nord"
                await settle(pilot)
                assert headlines._current_paint() != focused
                assert asked
                assert headlines._current_paint() == headlines._work_out_paint()

    asyncio.run(scenario())


async def _the_style_key_checks_only_the_pseudo_classes_rules_name(pilot: Pilot[Any]) -> None:
    """With the search box mounted (by `/`)."""
    checked: list[object] = []
    every_pseudo_class = DOMNode.get_pseudo_classes

    def counting(node: DOMNode) -> set[str]:
        checked.append(node)
        return every_pseudo_class(node)

    app = pilot.app
    for widget in (app.query_one(HeadlineList), app.screen.query_one("#search")):
        assert isinstance(widget, FocusStyles)
        widget._check_rules(app.stylesheet)  # as every use of the key does first
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setattr(DOMNode, "get_pseudo_classes", counting)
            key = widget._style_key()
        assert not checked
        classes, pseudo_classes = widget._named
        assert key == tuple(
            (
                node._css_type_name,
                node._id,
                classes.intersection(node._classes),
                pseudo_classes.intersection(node.pseudo_classes),
            )
            for node in widget.css_path_nodes
        )
