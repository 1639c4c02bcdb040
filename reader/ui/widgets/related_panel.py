"""The related sidebar: the article's own links, the same story elsewhere, similar articles."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.models import RelatedItem
from reader.ui.messages import OpenArticle, SearchFor
from reader.ui.text import one_line, short_date

REASONS = {
    "link": "Linked by the article",
    "same-story": "Same story elsewhere",
    "similar": "Similar articles",
}


class RelatedPanel(OptionList, inherit_bindings=False):
    """Entries stored in the reader open with Enter; a headline the article links to that is
    not stored is dim, and Enter searches the store for its words (`o` opens its URL)."""

    DEFAULT_CSS = """
    RelatedPanel { background: $surface; }
    RelatedPanel > .option-list--option-disabled { color: $text-muted; }
    """
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="related.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="related.up"),
        Binding("home,g", "first", "First", show=False, id="related.first"),
        Binding("end,G", "last", "Last", show=False, id="related.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="related.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="related.page_down"),
        Binding("enter,l", "select", "Open", tooltip="Open the related article", id="related.open"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[RelatedItem] = []
        self.for_article: int | None = None

    def on_mount(self) -> None:
        self.show_note("Open an article to see related news.")

    def show_note(self, note: str) -> None:
        """A single dim line instead of entries (loading, nothing found)."""
        self.items = []
        self.set_options([Option(Content(note), disabled=True)])

    def show_loading(self, article_id: int) -> None:
        self.for_article = article_id
        self.show_note("Looking for related news…")

    def show_items(self, article_id: int, items: list[RelatedItem] | None) -> None:
        """Entries grouped by reason, in the core's order of trust."""
        self.for_article = article_id
        self.items = list(items or [])
        if not self.items:
            self.show_note("No similar articles.")
            return
        options: list[Option | None] = []
        for reason, heading in REASONS.items():
            group = [item for item in self.items if item.reason == reason]
            if not group:
                continue
            if options:
                options.append(None)
            options.append(Option(Content.styled(heading, "bold $text-accent"), disabled=True))
            options.extend(_option(item, n) for n, item in enumerate(self.items) if item in group)
        self.set_options(options)
        # Nothing highlighted until the sidebar is focused: the list starts at its top, so the
        # first group's heading shows even when its entries are dim.
        self.highlighted = None
        self.scroll_to(y=0, animate=False, immediate=True)

    def on_focus(self) -> None:
        if self.highlighted is None:
            self.highlighted = self.first_enabled()

    def first_enabled(self) -> int | None:
        return next(
            (i for i in range(self.option_count) if not self.get_option_at_index(i).disabled), None
        )

    @property
    def highlighted_item(self) -> RelatedItem | None:
        """The entry under the cursor (None on a heading, or when nothing is highlighted)."""
        if self.highlighted is None:
            return None
        option_id = self.get_option_at_index(self.highlighted).id
        return self.items[int(option_id.rsplit("-", 1)[1])] if option_id else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.highlighted_item
        if item is None:
            return
        if item.id is not None:
            self.post_message(OpenArticle(item.id))
        else:
            self.post_message(SearchFor(one_line(item.title)))


def _option(item: RelatedItem, n: int) -> Option:
    parts = (one_line(item.source), short_date(item.published_at))
    meta = " · ".join(part for part in parts if part)
    if item.id is None:
        meta = "not in the reader" + (f" · {meta}" if meta else "")
        return Option(Content(f"{one_line(item.title)}\n{meta}").stylize("dim"), id=f"linked-{n}")
    prompt = Content.assemble(one_line(item.title), "\n", (meta, "dim"))
    return Option(prompt, id=f"related-{item.id}-{n}")
