"""The help screen: every key binding, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.keymap import HelpRows, keys_of

# (section title, [(keys, description)])
HelpSections = list[tuple[str, HelpRows]]


class HelpScreen(ModalScreen[None], inherit_bindings=False):
    """Lists the bindings the reader was started with (after any remapping)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    HelpScreen Horizontal { height: auto; }
    HelpScreen .help-column { width: 1fr; height: auto; padding: 0 1; }
    HelpScreen.-stacked Horizontal { layout: vertical; }
    HelpScreen.-stacked .help-column { padding: 0; }
    """
    # Below 70 columns the two columns of keys go one under the other (j/k scroll).
    HORIZONTAL_BREAKPOINTS = [(0, "-stacked"), (70, "-columns")]
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: HelpSections) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroller:
            scroller.border_title = "Keys"
            scroller.border_subtitle = f"{self._close_keys()} closes"
            with Horizontal():
                yield Static(self._table(self.sections[:1]), classes="help-column", id="help-keys")
                yield Static(
                    self._table(self.sections[1:]), classes="help-column", id="help-keys-panes"
                )

    def _close_keys(self) -> str:
        """The keys that close this screen, after the user's keymap."""
        keys = keys_of(self.app, self, "help.close")
        if len(keys) > 1:
            return f"{', '.join(keys[:-1])} or {keys[-1]}"
        return keys[0] if keys else "esc"

    def _table(self, sections: HelpSections) -> Content:
        width = max((len(keys) for _, rows in sections for keys, _ in rows), default=8) + 2
        lines: list[Content] = []
        for title, rows in sections:
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(title, "bold $text-accent"))
            for keys, description in rows:
                lines.append(Content.assemble((keys.ljust(width), "bold"), description))
        return Content("\n").join(lines)

    def action_scroll(self, step: int) -> None:
        scroller = self.query_one(VerticalScroll)
        scroller.scroll_relative(y=step, animate=False)
