"""The search box: an Input whose Up and Down walk the search history."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input

from reader.ui.history import SearchHistory
from reader.ui.restyle import FocusStyles


class SearchBox(FocusStyles, Input):
    BINDINGS = [
        Binding("up", "history_older", "Older search", show=False, id="search.older"),
        Binding("down", "history_newer", "Newer search", show=False, id="search.newer"),
    ]

    # Textual's Input sets its virtual width to its text's on every key, and virtual_size asks
    # for a layout of the whole screen (each key of a query, 10-40 ms a frame on a loaded
    # machine). The box's place is fixed by CSS; scrolling the text needs no layout.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, history: SearchHistory | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history = history or SearchHistory(None, 0)

    def action_history_older(self) -> None:
        self._show(self.history.older(self.value))

    def action_history_newer(self) -> None:
        self._show(self.history.newer())

    def _show(self, query: str | None) -> None:
        if query is not None:
            self.value = query
            self.cursor_position = len(query)
