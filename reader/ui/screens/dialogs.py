"""Small modal dialogs: a yes/no question, and a name to type."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64; max-width: 100%; height: auto;
    border: round $accent; background: $panel; padding: 0 1;
    border-title-style: bold; border-subtitle-color: $text-muted;
}}
{name} Static {{ width: 1fr; height: auto; }}
{name} Input {{ margin: 1 0 0 0; }}
"""


class ConfirmScreen(ModalScreen[bool], inherit_bindings=False):
    """A question answered with y (yes) or n / Esc (no)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, question: Content) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = "y: yes · n or Esc: no"
            yield Static(self.question)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class NameScreen(ModalScreen[str | None], inherit_bindings=False):
    """A name typed into a box: Enter gives it, Esc gives None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NameScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="name.cancel")]

    def __init__(self, title: str, prompt: Content, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = "Enter: save · Esc: cancel"
            yield Static(self.prompt)
            yield Input(value=self.value, id="name", compact=True)

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
