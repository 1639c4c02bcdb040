"""The footer: the most useful key hints that fit the terminal's width, never a cut-off row."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Actions by how much a hint for them is worth; the last ones are dropped first when the row
# does not fit. Unlisted actions come last of all; the palette key sits just before "back".
KEEP_FIRST = [
    "help",
    "open",
    "select",
    "search",
    "quit",
    "toggle_sidebar",
    "toggle_navigator",
    "command_palette",
    "back",
    "open_url",
    "toggle_read",
    "toggle_star",
    "match(1)",
]

# What the hints show: (key, description, action, enabled) of each shown binding, and the width.
Hints = tuple[tuple[tuple[str, str, str, bool], ...], int]


def _rank(hint: Widget) -> int:
    if not isinstance(hint, FooterKey):
        return len(KEEP_FIRST)
    action = hint.action.rsplit(".", 1)[-1]
    return KEEP_FIRST.index(action) if action in KEEP_FIRST else len(KEEP_FIRST)


def _cells(hint: Widget) -> int:
    """Columns a hint takes: ' key description ' (the palette hint has a border too)."""
    if not isinstance(hint, FooterKey):
        return 0  # a group's label (the reader groups no bindings)
    width = cell_len(hint.key_display) + cell_len(hint.description) + 3
    return width + 1 if hint.has_class("-command-palette") else width


class ReaderFooter(Footer):
    """A Footer that drops its least useful hints until the rest fit on the row."""

    _shown: Hints | None = None
    _pending = False

    def _hints(self, screen: Screen[object]) -> Hints:
        bindings = tuple(
            (key, active.binding.description, active.binding.action, active.enabled)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )
        return bindings, self.app.size.width

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual calls this on every change of focus, often several times for one key press,
        # and the Footer would rebuild every hint after each; rebuild once, after the refresh,
        # and only when the hints differ by then.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        changed = self.is_attached and self._hints(self.screen) != self._shown
        if changed and not self._relabel():
            await self.recompose()

    def _relabel(self) -> bool:
        """The new hints written into the hint widgets already mounted, those left over
        hidden: moving focus between the search box (3 hints) and the list (11) changes the
        row each time, and mounting a new row of widgets for it took most of the time
        between Enter in the search box and the results. False when the row must be composed
        anew (more hints than widgets, or a group)."""
        new = list(self.compose())
        pool = list(self.children)
        if len(new) > len(pool) or not all(
            isinstance(widget, FooterKey) for widget in [*new, *pool]
        ):
            return False
        for shown, hint in zip(pool, new, strict=False):
            assert isinstance(shown, FooterKey) and isinstance(hint, FooterKey)
            shown.key, shown.key_display = hint.key, hint.key_display
            shown.description, shown.action = hint.description, hint.action
            shown._disabled = hint._disabled
            shown.tooltip = hint.tooltip
            shown.set_class(hint._disabled, "-disabled")
            shown.set_class(hint.has_class("-command-palette"), "-command-palette")
            shown.display = True
            shown.refresh(layout=True)
        for spare in pool[len(new) :]:
            spare.display = False
        return True

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        room = self.app.size.width
        while keys and sum(_cells(key) for key in keys) > room:
            keys.remove(max(reversed(keys), key=_rank))
        if keys:  # (none until Textual says the bindings are ready)
            self._shown = self._hints(self.screen)
        yield from keys

    def on_resize(self) -> None:
        # Another width may fit more hints, or fewer.
        self.bindings_changed(self.screen)
