"""The navigator: All, Unread, Starred, then the topics, then the sources, each with its
unread / total counts (Newsboat's feed list). Enter chooses a view; the screen shows it."""

from __future__ import annotations

from typing import Any, Literal

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.ui.text import one_line
from reader.ui.views import Counted, View

HEADINGS = {"topic": "Topics", "source": "Sources"}
WIDTH = 27  # the entries' width before the navigator is first laid out (app.tcss: 30 columns)


class Navigator(OptionList, inherit_bindings=False):
    """Moving the cursor only moves it: a view is chosen with Enter (or a click), so browsing
    the entries neither re-reads the list nor replaces the open article at every key."""

    DEFAULT_CSS = """
    Navigator { background: $surface; padding: 0; }
    Navigator > .option-list--option-disabled { color: $text-muted; }
    """
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="navigator.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="navigator.up"),
        Binding("home,g", "first", "First", show=False, id="navigator.first"),
        Binding("end,G", "last", "Last", show=False, id="navigator.last"),
        Binding(
            "enter,l", "select", "Show", tooltip="Show this view's headlines", id="navigator.show"
        ),
        Binding(
            "R", "rename_topic", "Rename", tooltip="Rename the topic", id="navigator.rename_topic"
        ),
        Binding(
            "D,delete",
            "delete_topic",
            "Delete",
            tooltip="Delete the topic (its articles stay)",
            id="navigator.delete_topic",
        ),
    ]

    # Plain classes, not dataclasses: a dataclass compiles its methods when its module is
    # imported, before the reader's first screen.
    class ViewChosen(Message):
        """The user chose a view to read."""

        def __init__(self, view: View) -> None:
            self.view = view
            super().__init__()

    class TopicAction(Message):
        """The user asked to rename or delete the topic `view` (the screen asks and does it)."""

        def __init__(self, view: View, action: Literal["rename", "delete"]) -> None:
            self.view = view
            self.action = action
            super().__init__()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counts: list[Counted] = []
        self.current: str = ""  # the key of the view the list shows

    def on_mount(self) -> None:
        self.set_options([Option(Content("Counting…"), disabled=True)])

    def show_counts(self, counts: list[Counted], current: str) -> None:
        """Entries for `counts`, the cursor kept on the entry it was on."""
        highlighted = self.highlighted_view
        self.counts = counts
        self.current = current
        self._build(highlighted.key if highlighted else current)

    def show_current(self, current: str) -> None:
        """Mark the view the list shows now."""
        self.current = current
        highlighted = self.highlighted_view
        self._build(highlighted.key if highlighted else current)

    def on_resize(self, event: events.Resize) -> None:
        if self.counts:  # the counts stay right-aligned at the new width
            highlighted = self.highlighted_view
            self._build(highlighted.key if highlighted else self.current)

    @property
    def highlighted_view(self) -> View | None:
        option = self.highlighted_option if self.highlighted is not None else None
        if option is None or option.id is None:
            return None
        return self.counts[int(option.id.removeprefix("view-"))].view

    def _build(self, cursor_key: str) -> None:
        width = self.scrollable_content_region.width or WIDTH
        options: list[Option | None] = []
        kind = "view"
        cursor: int | None = None
        for n, counted in enumerate(self.counts):
            if counted.view.kind != kind:
                kind = counted.view.kind
                options.append(None)
                options.append(
                    Option(Content.styled(HEADINGS[kind], "bold $text-accent"), disabled=True)
                )
            if counted.view.key == cursor_key:
                # Its index among the options: a separator (None) takes none.
                cursor = sum(1 for option in options if option is not None)
            options.append(Option(self._prompt(counted, width), id=f"view-{n}"))
        self.set_options(options)
        self.highlighted = cursor if cursor is not None else (0 if self.counts else None)

    def _prompt(self, counted: Counted, width: int) -> Content:
        """`▸ name     3/40`: the name cut to leave room for its counts."""
        current = counted.view.key == self.current
        mark = "▸ " if current else "  "
        numbers = f" {counted.unread:,}/{counted.total:,}"
        name = one_line(counted.view.name)
        room = max(1, width - len(mark) - len(numbers))
        if cell_len(name) > room:
            name = set_cell_size(name, room - 1).rstrip() + "…"
        pad = " " * max(0, room - cell_len(name))
        style = "bold" if current or counted.unread else "$text-muted"
        return Content.assemble(mark, (name, style), pad, (numbers, "$text-muted"))

    def action_first(self) -> None:
        self.highlighted = 0 if self.counts else None

    def action_last(self) -> None:
        if self.counts:
            self.highlighted = self.option_count - 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Renaming and deleting are for topics: the keys show only on a topic's entry."""
        if action in ("rename_topic", "delete_topic"):
            view = self.highlighted_view
            return view is not None and view.kind == "topic"
        return True

    def action_rename_topic(self) -> None:
        self._topic_action("rename")

    def action_delete_topic(self) -> None:
        self._topic_action("delete")

    def _topic_action(self, action: Literal["rename", "delete"]) -> None:
        view = self.highlighted_view
        if view is not None and view.kind == "topic":
            self.post_message(self.TopicAction(view, action))

    def on_option_list_option_highlighted(self) -> None:
        self.refresh_bindings()  # the topic keys come and go with the entry under the cursor

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id  # the entry Enter was pressed on, whatever came since
        if option_id is not None:
            self.post_message(
                self.ViewChosen(self.counts[int(option_id.removeprefix("view-"))].view)
            )
