"""The help screen: every key binding, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

# (section title, [(keys, description)])
HelpSections = list[tuple[str, list[tuple[str, str]]]]


class HelpScreen(ModalScreen[None]):
    """Lists the bindings the reader was started with (after any remapping)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; width: 100%; content-align: center middle; }
    HelpScreen #help-hint { color: $text-muted; width: 100%; content-align: center middle; }
    HelpScreen VerticalScroll { height: auto; max-height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: HelpSections) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Keys", id="help-title", markup=False)
            with VerticalScroll():
                yield Static(self._table(), id="help-keys")
            yield Static("Esc, q or ? closes this screen", id="help-hint", markup=False)

    def _table(self) -> Content:
        width = max((len(keys) for _, rows in self.sections for keys, _ in rows), default=8) + 2
        lines: list[Content] = []
        for title, rows in self.sections:
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(title, "bold $text-accent"))
            for keys, description in rows:
                lines.append(Content.assemble((keys.ljust(width), "bold"), description))
        return Content("\n").join(lines)

    def action_scroll(self, step: int) -> None:
        scroller = self.query_one(VerticalScroll)
        scroller.scroll_relative(y=step, animate=False)
