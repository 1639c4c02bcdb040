"""Styles kept instead of worked out again: a widget's per focus state, and a screen's widgets
when it is first shown.

Textual 8.2.8 restyles a widget that gains or loses the focus (its :focus rules) by matching
every rule of the app's stylesheet against it and against one virtual node per component class
(the list's cursor row, the search box's cursor and placeholder...): 1.5-2 ms a widget. Enter in
the search box moves the focus to the list, so the frame with a search's hits waited 3-4 ms for
the same two results each time. A widget using `FocusStyles` keeps what Textual worked out
(its CSS rules and its component classes' styles) under everything the rules can match on: the
stylesheet's rules (a theme change or a reloaded file replaces them), and the type, id, and the
classes and pseudo-classes that some selector names, of each node from the app down to the
widget. A state seen before gets the
same styles back through Textual's own `replace_rules` (which animates and refreshes as
Textual's restyle does); a new one is worked out by Textual and kept. Private Textual API
(Stylesheet.replace_rules, DOMNode._component_styles), used only here.

`StyledWhenMounted`: Textual 8.2.8 sends a screen a ScreenResume when it becomes the current
screen, first when it is shown, and restyles every widget on it then
(Screen._on_screen_resume: update_node_styles), in case the stylesheet or the screen's
state changed while another screen was on top. When a screen is first shown its widgets have
just been styled, one by one as they were mounted, and every change since (a class, the
focus) restyled what it touched: the whole screen matched against the stylesheet again, 10-15
ms of the first screen's CPU, to get the same styles. So the first resume does everything else
Textual does on it but that restyle (tests/ui/test_first_show_speed.py: every node's styles
equal those of Textual's restyle); later ones restyle as Textual does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import events
from textual._context import NoActiveAppError
from textual.css.model import SelectorType
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widget import Widget

if TYPE_CHECKING:
    _Base = Widget
    _ScreenBase = Screen[Any]
else:  # a mixin: Textual takes a widget's CSS from its first base that is a widget only
    _Base = object
    _ScreenBase = object

_T = TypeVar("_T")

KEPT_STATES = 16  # a widget has two focus states; the screen's classes add a few more


class FocusStyles(_Base):
    """A widget whose focus restyle reuses the styles of a state it has been in before (a mixin,
    before the widget class: `class SearchBox(FocusStyles, Input)`)."""

    _kept_rules: object = None  # the stylesheet rules the kept styles were worked out from
    _kept_styles: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]]
    _named: tuple[frozenset[str], frozenset[str]]  # the classes, pseudo-classes rules name
    _derived: dict[tuple[Any, ...], tuple[object, object]]  # see from_styles

    def watch_has_focus(self, _has_focus: bool) -> None:
        try:
            sheet = self.app.stylesheet
        except NoActiveAppError:  # Textual's own restyle does nothing then either
            return
        self._check_rules(sheet)
        key = self._style_key()
        kept = self._kept_styles.get(key)
        if kept is None or self.children:
            super().watch_has_focus(_has_focus)  # Textual's restyle of this widget (and below)
            if not self.children:
                self._keep(key)
            return
        rules, components = kept
        current = self.styles.base._rules
        if "transitions" in rules or "transitions" in current:
            sheet.replace_rules(self, rules, animate=True)  # type: ignore[arg-type]
        else:
            _replace_changed(self, current, rules)
        if any(self._component_styles.get(name) is not style for name, style in components.items()):
            self._component_styles.clear()
            self._component_styles.update(components)
            self.refresh()
        _style_scrollbars(self, sheet)

    def keep_styles(self) -> None:
        """Keep the styles of the state the widget is in now (styled as it is, no restyle
        waiting), for the focus move that comes back to it: the search box's, unfocused,
        before `/` focuses it, so that the Enter after the query does not match it again."""
        try:
            sheet = self.app.stylesheet
        except NoActiveAppError:
            return
        self._check_rules(sheet)
        key = self._style_key()
        if not self.children and key not in self._kept_styles:
            self._keep(key)

    def from_styles(self, make: Callable[[], _T]) -> _T:
        """What `make` works out from the widget's styles as they are now, kept for the next
        time the styles are the same (the list's paint of its rows: 1-3 ms of the frame that
        shows a search's hits, after the focus came back to the list). The same styles: the
        same stylesheet rules, focus state (see _style_key) and component styles (a kept
        state gives the kept objects back), and every ancestor's styles unchanged since
        (Textual counts each change of a node's styles in its _cache_key: an ancestor
        restyled since, even to the same values, is worked out again)."""
        try:
            sheet = self.app.stylesheet
        except NoActiveAppError:
            return make()
        self._check_rules(sheet)
        components = tuple(self._component_styles.values())
        key = (
            self._style_key(),
            tuple(map(id, components)),
            tuple((id(node), node.styles._cache_key) for node in self.ancestors),
        )
        kept = self._derived.get(key)
        if kept is None:
            if len(self._derived) >= KEPT_STATES:
                self._derived.clear()
            # The objects named by id are held with what was derived: no other can take
            # their id while the entry is kept.
            kept = self._derived[key] = (components, make())
        return cast(_T, kept[1])

    def _check_rules(self, sheet: Stylesheet) -> None:
        if self._kept_rules is not sheet.rules:
            self._kept_rules = sheet.rules
            self._kept_styles = {}
            self._derived = {}
            self._named = _named_in(sheet)

    def _keep(self, key: tuple[Any, ...]) -> None:
        if len(self._kept_styles) >= KEPT_STATES:
            self._kept_styles.clear()
            self._derived = {}
        self._kept_styles[key] = (dict(self.styles.base._rules), dict(self._component_styles))

    def _style_key(self) -> tuple[Any, ...]:
        """What the rules can match on, node by node from the app down: a class or a
        pseudo-class no selector names (the search box's -valid, the screen's focus-within)
        changes no style, and left in, the list focused by Enter was not the list focused
        at the start (the screen was not focus-within yet)."""
        classes, pseudo_classes = self._named
        # Only the pseudo-classes some rule names are checked: Textual's `pseudo_classes`
        # checks all nineteen of each node (the theme looked up for "dark" and "light", a
        # node's siblings for "odd" and "even"...), most of this key's cost.
        return tuple(
            (
                node._css_type_name,
                node._id,
                classes.intersection(node._classes),
                frozenset(name for name in pseudo_classes if node.has_pseudo_class(name)),
            )
            for node in self.css_path_nodes
        )


def _replace_changed(widget: Widget, current: Mapping[str, Any], rules: Mapping[str, Any]) -> None:
    """Textual's Stylesheet.replace_rules (8.2.8) for rules without transitions (nothing to
    animate: it sets every rule of either map, an equal value changing nothing, then says the
    styles changed), setting only the rules that differ: it built the new styles whole and
    compared them with the old before (0.25 ms a focus move when nothing differed), and each
    rule set goes through its property's checks."""
    base = widget.styles.base
    changed = [key for key in current.keys() | rules.keys() if current.get(key) != rules.get(key)]
    for key in changed:
        setattr(base, key, rules.get(key))
    widget.notify_style_update()


def _named_in(sheet: Stylesheet) -> tuple[frozenset[str], frozenset[str]]:
    """The classes and the pseudo-classes that some selector of the stylesheet names."""
    classes: set[str] = set()
    pseudo_classes: set[str] = set()
    for rule in sheet.rules:
        for selectors in rule.selector_set:
            for selector in selectors.selectors:
                pseudo_classes.update(selector.pseudo_classes)
                if selector.type is SelectorType.CLASS:
                    classes.add(selector.name)
    return frozenset(classes), frozenset(pseudo_classes)


def _style_scrollbars(widget: Widget, sheet: Stylesheet) -> None:
    """What Textual's restyle of a widget does after the widget itself (Stylesheet.update_nodes,
    8.2.8): its scrollbars shown (made now if not made yet)."""
    if not widget.is_scrollable:
        return
    vertical = widget.show_vertical_scrollbar and widget.scrollbar_size_vertical
    horizontal = widget.show_horizontal_scrollbar and widget.scrollbar_size_horizontal
    if vertical:
        sheet.apply(widget.vertical_scrollbar)
    if horizontal:
        sheet.apply(widget.horizontal_scrollbar)
    if vertical and horizontal:
        sheet.apply(widget.scrollbar_corner)


class StyledWhenMounted(_ScreenBase):
    """A screen that is not restyled whole when it is first shown (a mixin, before Screen:
    Textual calls each class's `_on_screen_resume` along the MRO, this one's first)."""

    _shown_before = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown_before and self.is_attached:
            self._shown_before = True
            event.refresh_styles = False  # Screen's own handler, which comes next, reads it
            # The scrollbars, made as their widgets were laid out, are styled by that restyle
            # alone: styled here, as it styled them.
            sheet = self.app.stylesheet
            for widget in self.walk_children(Widget):
                _style_scrollbars(widget, sheet)
