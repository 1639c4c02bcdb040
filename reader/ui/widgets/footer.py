"""The footer: the most useful key hints that fit the terminal's width, never a cut-off row."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
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
    "command_palette",
    "back",
    "open_url",
    "toggle_read",
    "toggle_star",
    "match(1)",
]


def _rank(key: FooterKey) -> int:
    action = key.action.rsplit(".", 1)[-1]
    return KEEP_FIRST.index(action) if action in KEEP_FIRST else len(KEEP_FIRST)


def _cells(key: FooterKey) -> int:
    """Columns a hint takes: ' key description ' (the palette hint has a border too)."""
    width = cell_len(key.key_display) + cell_len(key.description) + 3
    return width + 1 if key.has_class("-command-palette") else width


class ReaderFooter(Footer):
    """A Footer that drops its least useful hints until the rest fit on the row."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        room = self.app.size.width
        while keys and sum(_cells(key) for key in keys) > room:
            keys.remove(max(reversed(keys), key=_rank))
        yield from keys

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)
