"""The styles of a widget whose focus changes, kept per state instead of worked out each time.

Textual 8.2.8 restyles a widget that gains or loses the focus (its :focus rules) by matching
every rule of the app's stylesheet against it and against one virtual node per component class
(the list's cursor row, the search box's cursor and placeholder...): 1.5-2 ms a widget. Enter in
the search box moves the focus to the list, so the frame with a search's hits waited 3-4 ms for
the same two results each time. A widget using `FocusStyles` keeps what Textual worked out
(its CSS rules and its component classes' styles) under everything the rules can match on: the
stylesheet's rules (a theme change or a reloaded file replaces them), and the type, id, classes
and pseudo-classes of each node from the app down to the widget. A state seen before gets the
same styles back through Textual's own `replace_rules` (which animates and refreshes as
Textual's restyle does); a new one is worked out by Textual and kept. Private Textual API
(Stylesheet.replace_rules, DOMNode._component_styles), used only here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual._context import NoActiveAppError
from textual.widget import Widget

if TYPE_CHECKING:
    _Base = Widget
else:  # a mixin: Textual takes a widget's CSS from its first base that is a widget only
    _Base = object

KEPT_STATES = 16  # a widget has two focus states; the screen's classes add a few more


class FocusStyles(_Base):
    """A widget whose focus restyle reuses the styles of a state it has been in before (a mixin,
    before the widget class: `class SearchBox(FocusStyles, Input)`)."""

    _kept_rules: object = None  # the stylesheet rules the kept styles were worked out from
    _kept_styles: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]]

    def watch_has_focus(self, _has_focus: bool) -> None:
        try:
            sheet = self.app.stylesheet
        except NoActiveAppError:  # Textual's own restyle does nothing then either
            return
        if self._kept_rules is not sheet.rules:
            self._kept_rules = sheet.rules
            self._kept_styles = {}
        key = self._style_key()
        kept = self._kept_styles.get(key)
        if kept is None or self.children:
            super().watch_has_focus(_has_focus)  # Textual's restyle of this widget (and below)
            if not self.children:
                if len(self._kept_styles) >= KEPT_STATES:
                    self._kept_styles.clear()
                self._kept_styles[key] = (
                    dict(self.styles.base._rules),
                    dict(self._component_styles),
                )
            return
        rules, components = kept
        sheet.replace_rules(self, rules, animate=True)  # type: ignore[arg-type]
        if any(self._component_styles.get(name) is not style for name, style in components.items()):
            self._component_styles.clear()
            self._component_styles.update(components)
            self.refresh()
        # What Textual's restyle does after the widget itself: its scrollbars.
        if self.is_scrollable:
            if self.show_vertical_scrollbar and self.scrollbar_size_vertical:
                sheet.apply(self.vertical_scrollbar)
            if self.show_horizontal_scrollbar and self.scrollbar_size_horizontal:
                sheet.apply(self.horizontal_scrollbar)
            if (
                self.show_vertical_scrollbar
                and self.scrollbar_size_vertical
                and self.show_horizontal_scrollbar
                and self.scrollbar_size_horizontal
            ):
                sheet.apply(self.scrollbar_corner)

    def _style_key(self) -> tuple[Any, ...]:
        return tuple(
            (node._css_type_name, node._id, frozenset(node._classes), node.pseudo_classes)
            for node in self.css_path_nodes
        )
