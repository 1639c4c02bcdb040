"""The article pane: header, URL and paragraphs, with the search words highlighted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.style import Style as RichStyle
from textual import events
from textual.binding import Binding
from textual.content import Content, Span
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.visual import Visual

from reader.core.models import StoredArticle
from reader.ui.messages import FlagsChanged
from reader.ui.text import long_date, one_line, visible
from reader.ui.widgets.scrollbar import vertical_bar

# A function giving the (start, end) character spans a query matched in a text.
Spans = Callable[[str], list[tuple[int, int]]]

PARTS = ("title", "meta", "url", "body")

MATCH_STYLE = "bold $text on $warning-muted"
CURRENT_MATCH_STYLE = "bold $background on $warning"


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows one stored article. Text is data: it is never parsed as markup.

    The pane draws its own lines (Line API): the title, the metadata, the URL and the body,
    each wrapped once per article and width. As four Static widgets in a scrolling container,
    each new article asked for a layout of the whole screen (each Static's update, then the
    body's new height, 10-40 ms a frame on a loaded machine); now only a scrollbar that comes
    or goes does."""

    COMPONENT_CLASSES = {"article--title", "article--meta", "article--url", "article--body"}
    DEFAULT_CSS = """
    ArticleView { padding: 0 2; overflow-x: hidden; overflow-y: auto; }
    ArticleView > .article--title { text-style: bold; color: $text; }
    ArticleView > .article--meta { color: $text-muted; }
    ArticleView > .article--url { color: $text-accent; }
    """
    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="article.bottom"),
        Binding("left", "scroll_left", "Scroll left", show=False, id="article.left"),
        Binding("right", "scroll_right", "Scroll right", show=False, id="article.right"),
    ]

    # The pane's place is set by the screen's CSS, not by its lines: a new article's height
    # changes the scrollbar's range alone (Textual's virtual_size asks for a layout).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article: StoredArticle | None = None
        self._body = ""
        self._heading = Content("")
        self._matches: list[tuple[int, int]] = []
        self.match_index = -1
        # What each part shows (None: hidden), and the lines drawn from them at a width.
        self._parts: dict[str, Content | None] = dict.fromkeys(PARTS)
        self._drawn: dict[str, list[Strip]] = {}
        self._lines: list[Strip] = []
        self._body_top = 0
        self._width = 0
        self._style_key: tuple[object, ...] = ()

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own property (8.2.8), making a QuietScrollBar (placed without a layout)."""
        return vertical_bar(self)

    def on_mount(self) -> None:
        self.show_message("No article open", "Choose a headline and press Enter.")

    @property
    def matches(self) -> list[tuple[int, int]]:
        """Spans of the search words in the body, in reading order."""
        return self._matches

    def part(self, name: str) -> Content | None:
        """What the title, meta, url or body part shows (None when it is hidden)."""
        return self._parts[name]

    def show_message(self, title: str, body: str = "") -> None:
        """An empty pane with a short explanation (nothing open, nothing found)."""
        self.article = None
        self._body, self._matches, self.match_index = "", [], -1
        self.border_subtitle = None
        # Nothing of the previous article may stay on screen: no metadata, no URL.
        self._set_parts(
            title=Content(title), meta=None, url=None, body=Content(body).stylize("$text-muted")
        )
        self.scroll_home(animate=False, immediate=True)

    def show(self, article: StoredArticle, spans: Spans | None = None) -> None:
        """Open `article`, highlighting what `spans` finds (the current search)."""
        self.article = article
        title = one_line(article.title)
        self._body = "\n\n".join(visible(p).strip() for p in article.paragraphs)
        self._matches = spans(self._body) if spans else []
        self.match_index = -1
        heading = Content(title)
        if spans:
            heading = heading.add_spans([Span(s, e, MATCH_STYLE) for s, e in spans(title)])
        self._heading = heading
        url = one_line(article.url)
        self._set_parts(
            title=self._flagged_heading(),
            meta=Content(self._meta(article)),
            url=Content(url) if url else None,
            body=self._painted_body(),
        )
        self._show_match_count()
        self.scroll_home(animate=False, immediate=True)

    def on_flags_changed(self, message: FlagsChanged) -> None:
        """The open article's flags changed: keep them, and the title's star, in step."""
        if self.article is not None and self.article.id == message.article_id:
            self.article.read, self.article.starred = message.read, message.starred
            self.show_flags()

    def show_flags(self) -> None:
        """The title, with a star when the article is starred."""
        if self.article is not None:
            self._set_parts(title=self._flagged_heading())

    def _flagged_heading(self) -> Content:
        if self.article is not None and self.article.starred:
            return Content.assemble(("★ ", "$warning"), self._heading)
        return self._heading

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

    def _painted_body(self) -> Content:
        spans = [
            Span(start, end, CURRENT_MATCH_STYLE if n == self.match_index else MATCH_STYLE)
            for n, (start, end) in enumerate(self._matches)
        ]
        return Content(self._body, spans=spans)

    def _paint_body(self) -> None:
        self._set_parts(body=self._painted_body())

    # -- drawing ---------------------------------------------------------------------------

    def _set_parts(self, **parts: Content | None) -> None:
        """New content for some parts: those are drawn again, and the pane's lines follow."""
        for name, content in parts.items():
            self._parts[name] = content
            self._drawn.pop(name, None)
        self._lay_lines()
        self.refresh()

    def _draw(self, name: str, width: int) -> list[Strip]:
        if (strips := self._drawn.get(name)) is None:
            content = self._parts[name]
            strips = []
            if content is not None:
                style = self.get_visual_style(f"article--{name}")
                pad = self._blank_style()
                strips = [
                    strip.extend_cell_length(width, pad)
                    for strip in Visual.to_strips(self, content, width, None, style)
                ]
            self._drawn[name] = strips
        return strips

    def _lay_lines(self) -> None:
        """The pane's lines at its width: a blank line, the title, meta and URL, a blank line,
        the body and a blank line (the margins the Static parts had)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        if width != self._width:
            self._drawn.clear()
            self._width = width
        blank = Strip.blank(width, self._blank_style())
        lines = [blank]
        for name in ("title", "meta", "url"):
            lines.extend(self._draw(name, width))
        lines.append(blank)
        self._body_top = len(lines)
        lines.extend(self._draw("body", width))
        lines.append(blank)
        self._lines = lines
        size = Size(width, len(lines))
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

    def _on_resize(self, event: events.Resize) -> None:
        self._lay_lines()

    def notify_style_update(self) -> None:
        """A new theme or a change of pseudo-class (focus, hover): the parts are drawn again
        only if their styles changed."""
        super().notify_style_update()
        if not self.is_mounted:
            return
        key = (*(self.get_visual_style(f"article--{name}") for name in PARTS), self._blank_style())
        if key != self._style_key:
            self._style_key = key
            self._drawn.clear()
            self._lay_lines()

    def render_line(self, y: int) -> Strip:
        number = self.scroll_offset.y + y
        if 0 <= number < len(self._lines):
            return self._lines[number]
        return Strip.blank(self.scrollable_content_region.width, self._blank_style())

    def _blank_style(self) -> RichStyle:
        """Cells with nothing in them: the pane's background and no colour of text, as the
        Static parts' margins and line ends were."""
        return RichStyle(bgcolor=self.visual_style.rich_style.bgcolor)

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
        width = self.scrollable_content_region.width
        y = self._body_top + _line_of(self._body, width, self._matches[self.match_index][0])
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
