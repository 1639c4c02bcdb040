"""The footer: the most useful key hints that fit the terminal's width, never a cut-off row.

One widget draws the whole row. Textual's Footer mounts a widget per hint, each as wide as its
text, so every change of hints (the focus moving between the search box and the list) asked
the screen for a new layout, and the first screen composed the row twice; here new hints are
one repaint of one line. It looks and behaves as Textual's Footer does (the same styles, the
palette key on the right, a hint under the pointer highlighted, clicked or hovered for its
tooltip)."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from reader.ui.widgets.placed import placed_by_layout

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


DRAWN_LOOKS = 8  # looks of the row kept drawn (the list's hints, the search box's, ...)


class Hint(NamedTuple):
    """One key hint as the footer shows it."""

    key: str  # the key pressed when the hint is clicked
    key_display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    palette: bool = False  # the command palette's key, drawn at the right end


def _rank(hint: Hint) -> int:
    action = hint.action.rsplit(".", 1)[-1]
    return KEEP_FIRST.index(action) if action in KEEP_FIRST else len(KEEP_FIRST)


def _cells(hint: Hint) -> int:
    """Columns a hint takes: ' key description ', or '▏key description ' for the palette's."""
    if hint.palette:
        return 1 + cell_len(hint.key_display) + 1 + cell_len(hint.description) + 1
    if not hint.description:
        return cell_len(hint.key_display)
    return cell_len(hint.key_display) + cell_len(hint.description) + 3


def fit(hints: list[Hint], room: int) -> list[Hint]:
    """The hints that fit in `room` columns, the least useful dropped first."""
    kept = list(hints)
    while kept and sum(_cells(hint) for hint in kept) > room:
        kept.remove(max(reversed(kept), key=_rank))
    return kept


@placed_by_layout
class ReaderFooter(Widget, can_focus=False):
    """The key hints of the focused pane (and the screen and app), on one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
        "footer-key--palette-border",
    }
    DEFAULT_CSS = """
    ReaderFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .footer-key--palette-border {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.hints: tuple[Hint, ...] = ()  # shown now, left to right (the palette's last)
        self._spans: list[tuple[int, int, Hint]] = []  # (start, end) columns of each hint
        self._hover: Hint | None = None
        # The lines drawn for each look of the row (and the hints' columns in it), kept while
        # the styles are the same: see render_lines.
        self._drawn: dict[tuple[object, ...], tuple[list[Strip], list[tuple[int, int, Hint]]]] = {}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.hints = self._fitted(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual calls this on every change of focus, often several times for one key press:
        # a repaint of this line, and only when the hints differ.
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self._show(self._fitted(screen))

    def on_resize(self) -> None:
        # Another width may fit more hints, or fewer.
        self._show(self._fitted(self.screen))

    def _show(self, hints: tuple[Hint, ...]) -> None:
        if hints != self.hints:
            self.hints = hints
            self.refresh()  # the same line, one row high whatever it holds: no layout

    def _fitted(self, screen: Screen[object]) -> tuple[Hint, ...]:
        return tuple(fit(self._active(screen), self.app.size.width))

    def _active(self, screen: Screen[object]) -> list[Hint]:
        """The shown bindings, one hint per action (as Textual's Footer shows them), and the
        command palette's key last."""
        app = self.app
        active = screen.active_bindings
        hints: dict[str, Hint] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in hints:
                hints[binding.action] = Hint(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    tooltip,
                )
        shown = list(hints.values())
        palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        if palette is not None:
            _, binding, enabled, _ = palette
            shown.append(
                Hint(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    binding.tooltip or binding.description,
                    palette=True,
                )
            )
        return shown

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()  # restyled (a theme, say): every look is drawn anew

    def render_lines(self, crop: Region) -> list[Strip]:
        """Textual's lines for the row, drawn again only for a look not drawn before with the
        styles of now. The focus goes back and forth between the search box and the list, and
        each change of hints drew its row through Rich again: 1.3-1.7 ms of the frame that
        shows a search's hits."""
        look = (self.hints, self._hover, crop, self.size, tuple(self.get_line_filters()))
        drawn = self._drawn.get(look)
        if drawn is None:
            drawn = (super().render_lines(crop), self._spans)
            if len(self._drawn) >= DRAWN_LOOKS:
                self._drawn.clear()
            self._drawn[look] = drawn
        self._spans = drawn[1]
        return drawn[0]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        hovered = self.get_component_rich_style("footer-key--hover")
        hover_style = Style(bgcolor=hovered.bgcolor)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        palette = [hint for hint in self.hints if hint.palette]
        for hint in self.hints:
            if hint.palette:
                continue
            if hint.description:
                text = Text.assemble(
                    (f" {hint.key_display} ", key_style),
                    (f"{hint.description} ", description_style),
                )
            else:
                text = Text(hint.key_display, key_style)
            self._append(line, text, hint, hover_style)
        for hint in palette:
            border = self.get_component_rich_style("footer-key--palette-border")
            # Textual's Footer docks it right: a vertical rule, the key, its description.
            text = Text.assemble(
                ("▏", border),
                (hint.key_display, key_style),
                (f" {hint.description}", description_style),
                " ",
            )
            gap = self.size.width - line.cell_len - text.cell_len
            if gap > 0:
                line.append(" " * gap)
            self._append(line, text, hint, hover_style)
        return line

    def _append(self, line: Text, text: Text, hint: Hint, hover: Style) -> None:
        if not hint.enabled:
            text.stylize_before(Style(dim=True))
        if hint == self._hover:
            text.stylize(hover)  # as Textual's: the hint's background, its colours kept
        start = line.cell_len
        line.append_text(text)
        self._spans.append((start, line.cell_len, hint))

    def hint_at(self, x: int) -> Hint | None:
        """The hint drawn at column `x` (None between hints)."""
        return next((hint for start, end, hint in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hint = self.hint_at(event.x)
        if hint != self._hover:
            self._hover = hint
            self.tooltip = (hint.tooltip or hint.description) if hint else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        hint = self.hint_at(event.x)
        if hint is None:
            return
        if hint.enabled:
            self.app.simulate_key(hint.key)
        else:
            self.app.bell()
