"""The article pane: header, URL and paragraphs, with the search words highlighted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.geometry import Region
from textual.widgets import Static

from reader.core.models import StoredArticle
from reader.ui.messages import FlagsChanged
from reader.ui.text import long_date, one_line, visible

# A function giving the (start, end) character spans a query matched in a text.
Spans = Callable[[str], list[tuple[int, int]]]

MATCH_STYLE = "bold $text on $warning-muted"
CURRENT_MATCH_STYLE = "bold $background on $warning"


class ArticleView(VerticalScroll, can_focus=True, inherit_bindings=False):
    """Shows one stored article. Text is data: it is never parsed as markup."""

    DEFAULT_CSS = """
    ArticleView { padding: 0 2; }
    ArticleView #article-title { text-style: bold; color: $text; margin: 1 0 0 0; }
    ArticleView #article-meta { color: $text-muted; }
    ArticleView #article-url { color: $text-accent; }
    ArticleView #article-body { margin: 1 0; }
    ArticleView.-empty #article-url, ArticleView.-empty #article-meta { display: none; }
    """
    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="article.bottom"),
        Binding("left", "scroll_left", "Scroll left", show=False, id="article.left"),
        Binding("right", "scroll_right", "Scroll right", show=False, id="article.right"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article: StoredArticle | None = None
        self._body = ""
        self._heading = Content("")
        self._matches: list[tuple[int, int]] = []
        self.match_index = -1

    def compose(self) -> ComposeResult:
        yield Static(id="article-title", markup=False)
        yield Static(id="article-meta", markup=False)
        yield Static(id="article-url", markup=False)
        yield Static(id="article-body", markup=False)

    def on_mount(self) -> None:
        self.show_message("No article open", "Choose a headline and press Enter.")

    @property
    def matches(self) -> list[tuple[int, int]]:
        """Spans of the search words in the body, in reading order."""
        return self._matches

    def show_message(self, title: str, body: str = "") -> None:
        """An empty pane with a short explanation (nothing open, nothing found)."""
        self.article = None
        self._body, self._matches, self.match_index = "", [], -1
        self.add_class("-empty")
        self.border_subtitle = None
        # Nothing of the previous article may stay on screen: no metadata, no URL.
        self.query_one("#article-meta", Static).update(Content(""))
        url = self.query_one("#article-url", Static)
        url.update(Content(""))
        url.display = False
        self.query_one("#article-title", Static).update(Content(title))
        self.query_one("#article-body", Static).update(Content(body).stylize("$text-muted"))
        self.scroll_home(animate=False, immediate=True)

    def show(self, article: StoredArticle, spans: Spans | None = None) -> None:
        """Open `article`, highlighting what `spans` finds (the current search)."""
        self.article = article
        self.remove_class("-empty")
        title = one_line(article.title)
        self._body = "\n\n".join(visible(p).strip() for p in article.paragraphs)
        self._matches = spans(self._body) if spans else []
        self.match_index = -1
        heading = Content(title)
        if spans:
            heading = heading.add_spans([Span(s, e, MATCH_STYLE) for s, e in spans(title)])
        self._heading = heading
        self.show_flags()
        self.query_one("#article-meta", Static).update(Content(self._meta(article)))
        url = self.query_one("#article-url", Static)
        url.update(Content(one_line(article.url)))
        url.display = bool(article.url)
        self._paint_body()
        self._show_match_count()
        self.scroll_home(animate=False, immediate=True)

    def on_flags_changed(self, message: FlagsChanged) -> None:
        """The open article's flags changed: keep them, and the title's star, in step."""
        if self.article is not None and self.article.id == message.article_id:
            self.article.read, self.article.starred = message.read, message.starred
            self.show_flags()

    def show_flags(self) -> None:
        """The title, with a star when the article is starred."""
        if self.article is None:
            return
        heading = self._heading
        if self.article.starred:
            heading = Content.assemble(("★ ", "$warning"), heading)
        self.query_one("#article-title", Static).update(heading)

    def _show_match_count(self) -> None:
        count = len(self._matches)
        if not count:
            self.border_subtitle = None
        elif self.match_index < 0:
            self.border_subtitle = f"{count} match{'es' if count > 1 else ''} · n/N"
        else:
            self.border_subtitle = f"match {self.match_index + 1} of {count}"

    @staticmethod
    def _meta(article: StoredArticle) -> str:
        date = long_date(article.published_at) or one_line(article.published_raw)
        if not date and article.imported_at:  # undated: when it was stored, said as such
            date = f"stored {long_date(article.imported_at)}"
        parts = [one_line(article.source), one_line(article.dateline), date]
        return " · ".join(part for part in parts if part) or "source and date unknown"

    def _paint_body(self) -> None:
        spans = [
            Span(start, end, CURRENT_MATCH_STYLE if n == self.match_index else MATCH_STYLE)
            for n, (start, end) in enumerate(self._matches)
        ]
        self.query_one("#article-body", Static).update(Content(self._body, spans=spans))

    # -- matches and paging ----------------------------------------------------------------

    def next_match(self, step: int) -> bool:
        """Move to the next (step 1) or previous (-1) search match; False when there is none."""
        if not self._matches:
            return False
        if self.match_index < 0:
            self.match_index = 0 if step > 0 else len(self._matches) - 1
        else:
            self.match_index = (self.match_index + step) % len(self._matches)
        self._paint_body()
        self._show_match_count()
        self.call_after_refresh(self._scroll_to_match)
        return True

    def _scroll_to_match(self) -> None:
        if not 0 <= self.match_index < len(self._matches):
            return
        body = self.query_one("#article-body", Static)
        line = _line_of(self._body, body.content_region.width, self._matches[self.match_index][0])
        y = body.virtual_region.y + line
        self.scroll_to_region(Region(0, y, 1, 1), animate=False, center=True, immediate=True)

    def page(self, direction: int) -> None:
        if direction > 0:
            self.scroll_page_down(animate=False)
        else:
            self.scroll_page_up(animate=False)


def _line_of(text: str, width: int, index: int) -> int:
    """The wrapped line (at `width`) on which character `index` of `text` is displayed."""
    line = 0
    start = 0
    for paragraph in text.split("\n"):
        end = start + len(paragraph)
        wrapped = Content(paragraph).wrap(max(1, width)) or [Content("")]
        if index <= end:
            position = 0
            for n, piece in enumerate(wrapped):
                found = paragraph.find(piece.plain, position) if piece.plain else position
                position = found + len(piece.plain)
                if index - start < position:
                    return line + n
            return line + len(wrapped) - 1
        line += len(wrapped)
        start = end + 1
    return line
