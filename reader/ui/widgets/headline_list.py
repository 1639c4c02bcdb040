"""The headline list: a Line-API view that fetches only the windows of rows it shows."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from reader.core.highlight import SNIPPET_CLOSE, SNIPPET_OPEN
from reader.core.library import Library
from reader.core.models import Headline, HeadlineFilter
from reader.ui.messages import FlagsChanged, OpenArticle
from reader.ui.restyle import FocusStyles
from reader.ui.text import one_line, short_date
from reader.ui.widgets.scrollbar import QuietScrollBar, vertical_bar

ROW_HEIGHT = 2  # title line, then source and date (search hits add a snippet line)
PAGE_SIZE = 64  # rows fetched per window
MAX_PAGES = 16  # windows kept in memory (LRU)
# Lines of rows already drawn, kept to draw them again: a scroll by one row repaints every line
# of the list, and building a line (wrapping, fitting, styles) costs several times more than
# Textual's own work on it.
MAX_LINES = 1024
INDENT = 3  # the unread dot's column, before the title, the source and the snippet

# Characters one cell wide (Rich's own measure, checked by tests/ui/test_list_text.py): printable
# ASCII and Latin-1, and the ellipsis every cut title and snippet carries. A text of only these
# is as many cells as characters, so it is measured and cut by its length; Rich measures any
# text that holds a character outside its short list (the ellipsis is outside it) one grapheme
# at a time, which was most of the cost of drawing a snippet line.
NARROW = frozenset(chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x100)) if c != 0xAD) | {
    "…",
    "●",
    "★",
}
_narrow = NARROW.issuperset


def cells(text: str) -> int:
    """The cells `text` takes on screen (Rich's cell_len)."""
    return len(text) if _narrow(text) else cell_len(text)


def cut(text: str, width: int) -> str:
    """`text` cut or padded with spaces to `width` cells (Rich's set_cell_size)."""
    if _narrow(text):
        return text[:width] if len(text) >= width else text + " " * (width - len(text))
    return set_cell_size(text, width)


# When a title gets a second line. Headlines run from 20 to 83 cells (the bundled news: half
# within 53, nine in ten within 64). From ONE_LINE cells of room one line holds about half of
# them and the rest lose a few words; below TWO_LINES, two lines would still cut most of them,
# so one line, cut, keeps more rows on the screen; and a list of fewer than TALL lines keeps its
# rows short as well (at three lines a row it would show only a few headlines).
ONE_LINE = 52
TWO_LINES = 26
TALL = 24


def title_lines(room: int, height: int) -> int:
    """How many lines the titles get, in a list with `room` cells for a title line and `height`
    lines: two when two lines hold most headlines and one does not, else one (then cut)."""
    return 2 if TWO_LINES <= room < ONE_LINE and height >= TALL else 1


@dataclass(frozen=True)
class _Paint:
    """The styles a pass of drawing uses, worked out once per pass instead of once per line."""

    base: Style
    cursor: Style
    unread: Style
    read: Style
    meta: Style
    star: Style
    match: Style


class HeadlineSource(Protocol):
    """Where the list's rows come from: every stored headline, or the hits of a search."""

    row_height: int
    total: int  # known when the source is made: the list never counts on the UI thread

    def window(self, offset: int, limit: int) -> list[Headline]: ...

    def snippet(self, article_id: int) -> str | None: ...


class LibraryHeadlines:
    """A view's stored headlines (all by default), newest first, read from the library a
    window at a time."""

    row_height = ROW_HEIGHT

    def __init__(self, library: Library, total: int, view: HeadlineFilter | None = None) -> None:
        self.library = library
        self.total = total  # counted by the screen, in a worker
        self.view = view

    def window(self, offset: int, limit: int) -> list[Headline]:
        # Read on the UI thread, on purpose: a window is one read of PAGE_SIZE rows along the
        # articles' sort index (0.3 ms at the top, 6 ms at the end of 100,000 rows, measured),
        # needed to paint the rows now; through a worker the rows would show blank first.
        return self.library.headlines(offset, limit, self.view)

    def snippet(self, article_id: int) -> str | None:
        return None


class ListedHeadlines:
    """Headlines already in memory (search hits), each with an optional snippet line."""

    def __init__(self, headlines: list[Headline], snippets: dict[int, str] | None = None) -> None:
        self.headlines = headlines
        self.snippets = snippets or {}
        self.row_height = ROW_HEIGHT + 1 if self.snippets else ROW_HEIGHT
        self.total = len(headlines)

    def snippet(self, article_id: int) -> str | None:
        return self.snippets.get(article_id)

    def window(self, offset: int, limit: int) -> list[Headline]:
        return self.headlines[offset : offset + limit]


class _ListScrollBar(QuietScrollBar):
    """The list's scrollbar, whose lines are drawn again only when the bar looks different.

    A key that scrolls the list by a row moves the scrollbar's position, and Textual draws the
    bar anew through Rich each time (a quarter of the frame), though over a long list the
    thumb moves one eighth of a cell every few rows. The bar's segments (cheap to work out, and
    exactly what would be drawn) tell whether the last lines still hold."""

    _drawn: tuple[object, list[Strip]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        bar = self.render()
        if not isinstance(bar, ScrollBarRender) or not isinstance(bar.style, Style):
            return super().render_lines(crop)
        width, height = self.size
        back = bar.style.bgcolor
        segments = tuple(
            bar.render_bar(
                size=height,
                virtual_size=bar.virtual_size,
                window_size=bar.window_size,
                position=bar.position,
                thickness=width,
                vertical=bar.vertical,
                **({"back_color": back} if back else {}),
                **({"bar_color": bar.style.color} if bar.style.color else {}),
            ).segments
        )
        base = self.rich_style
        filters = tuple(self.get_line_filters())
        look = (crop, self.size, base, filters, segments)
        if self._drawn is None or self._drawn[0] != look:
            self._drawn = (look, self._draw(crop, segments, base, filters))
        return self._drawn[1]

    def _draw(
        self,
        crop: Region,
        segments: tuple[Segment, ...],
        base: Style,
        filters: tuple[LineFilter, ...],
    ) -> list[Strip]:
        """The bar's lines as Textual draws them (its bar's segment, one a line, over the
        widget's style, through the line filters), without Rich's console: Textual rendered
        the bar as a Rich renderable, 2-2.5 ms of CPU each time it looked different (the
        frame that shows a search's hits, a scroll that moves the thumb). The whole width
        only: a crop of part of it (never asked for by the screen) is Textual's to draw.
        tests/ui/test_list_frames.py compares these lines with Textual's own."""
        width = self.size.width
        if (
            not self.vertical
            or crop.x != 0
            or crop.width != width
            or len(segments) != self.size.height
        ):
            return super().render_lines(crop)
        background = self.background_colors[1]
        strips = []
        for y in crop.line_range:
            strip = Strip([Segment(segments[y].text, base + segments[y].style)], width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        return strips


class HeadlineList(FocusStyles, ScrollView, can_focus=True, inherit_bindings=False):
    """Newest first; unread rows carry a dot; the cursor row is highlighted."""

    COMPONENT_CLASSES = {
        "headline-list--cursor",
        "headline-list--unread",
        "headline-list--read",
        "headline-list--meta",
        "headline-list--star",
        "headline-list--match",
    }
    DEFAULT_CSS = """
    HeadlineList { background: $surface; }
    HeadlineList > .headline-list--unread { color: $accent; text-style: bold; }
    HeadlineList > .headline-list--read { color: $text-muted; }
    HeadlineList > .headline-list--meta { color: $text-muted; }
    HeadlineList > .headline-list--star { color: $warning; }
    HeadlineList > .headline-list--match { color: $text-warning; text-style: bold; }
    HeadlineList > .headline-list--cursor { background: $boost; }
    HeadlineList:focus > .headline-list--cursor { background: $block-cursor-background; }
    """
    BINDINGS = [
        Binding("down,j", "move(1)", "Down", show=False, id="list.down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="list.up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("ctrl+d", "screenful(1)", "Screen down", show=False, id="list.screen_down"),
        Binding("ctrl+u", "screenful(-1)", "Screen up", show=False, id="list.screen_up"),
        Binding(
            "enter,l", "open", "Open", tooltip="Open the headline under the cursor", id="list.open"
        ),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    @dataclass
    class CursorMoved(Message):
        """The user moved the cursor to the row `index` (the screen previews it once the
        cursor rests there)."""

        index: int

    class Resized(Message):
        """The list's size changed (its border title holds a chart cut to the width)."""

    def __init__(self, source: HeadlineSource | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source: HeadlineSource = source or ListedHeadlines([])
        # Every row has the same height, so a line's row is a division: one or two title lines
        # (by the list's size, see `title_lines`), the source's other lines, and blank lines
        # under a title that needs fewer.
        self.title_lines = 1
        self.row_height = self.source.row_height
        self.total = self.source.total
        self._pages: OrderedDict[int, list[Headline]] = OrderedDict()
        # Drawn lines by (row, line of the row, under the cursor), for the width and the paint
        # they were drawn with; emptied when either changes or the rows do.
        self._lines: OrderedDict[tuple[int, int, bool], Strip] = OrderedDict()
        self._lines_for: tuple[int, _Paint] | None = None
        # Each row's title as wrapped for the lines above (row -> its lines), emptied with them.
        self._titles: dict[int, list[str]] = {}
        # The same lines framed as the screen shows them (the pane's border on each side), by
        # the same keys: see render_lines.
        self._framed: dict[tuple[int, int, bool], Strip] = {}
        self._framed_for: tuple[object, ...] | None = None
        # What Textual puts on each side of a content line (the border, and any padding after
        # the line) for the styles of _framed_for, learnt from a line Textual framed: see
        # _frame_line. None until learnt.
        self._frame: tuple[Segment, list[Segment], Segment] | None = None
        self._paint: _Paint | None = None
        # Counted so tests can prove the work done does not grow with the store.
        self.rows_fetched = 0
        self.windows_fetched = 0

    def on_mount(self) -> None:
        self.virtual_size = Size(0, self.total * self.row_height)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own property (8.2.8), making a _ListScrollBar instead of a ScrollBar."""
        return vertical_bar(self, _ListScrollBar)

    def on_resize(self) -> None:
        """Titles get a second line when the list has the room for it, or lose it."""
        self.post_message(self.Resized())
        region = self.scrollable_content_region
        lines = title_lines(self._title_room(region.width), region.height)
        if lines == self.title_lines:
            return
        top_row = self.scroll_offset.y // self.row_height
        self.title_lines = lines
        self._set_rows(top_row)

    def _set_rows(self, top_row: int) -> None:
        """Rows as high as the source and the title lines need, `top_row` at the top (or as
        near as the cursor allows: it stays on screen)."""
        self.row_height = self.source.row_height + self.title_lines - 1
        self._forget_lines()
        self._set_virtual_height(self.total * self.row_height)
        self.scroll_to(y=top_row * self.row_height, animate=False, immediate=True)
        self._scroll_cursor_visible()
        self.refresh()

    def _set_virtual_height(self, height: int) -> None:
        """The rows' height, without laying the screen out once mounted. Textual's
        `virtual_size` asks for a layout of the whole screen (every widget placed again, 10-40
        ms a frame on a loaded machine) on each new list: the first count, search results, a
        view. The list draws its own lines, so its place on screen does not change with them:
        only its scrollbar's range follows, and Textual's own _scroll_update lays the screen
        out when the scrollbar appears or goes."""
        size = Size(0, height)
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.container_size:
            self.virtual_size = size  # the first layout is to come anyway
            if height > self.app.size.height:
                # Rows taller than the terminal need the scrollbar whatever the list's height:
                # shown now, the first layout places it. Found by that layout, it asked for
                # a second layout of the screen, which the first key waited for.
                self.show_vertical_scrollbar = True
            return
        self.set_reactive(HeadlineList.virtual_size, size)
        self._scroll_update(size)

    def hit_rows_shown(self) -> int:
        """How many rows of search hits (each with its snippet line) the list shows at once,
        the last perhaps in part."""
        height = ROW_HEIGHT + 1 + self.title_lines - 1
        return max(1, -(-self.scrollable_content_region.height // height))

    # -- data ------------------------------------------------------------------------------

    def set_source(self, source: HeadlineSource, cursor: int = 0) -> None:
        """Show another set of headlines (all, or search hits), cursor on `cursor`."""
        self.source = source
        self._pages.clear()
        self.total = source.total
        self.set_reactive(HeadlineList.cursor, self.validate_cursor(cursor))
        self._set_rows(top_row=0)

    def headline(self, index: int) -> Headline | None:
        """The headline at `index`, fetching its window when it is not in memory."""
        if not 0 <= index < self.total:
            return None
        page = index // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            rows = self.source.window(page * PAGE_SIZE, PAGE_SIZE)
            self.rows_fetched += len(rows)
            self.windows_fetched += 1
            self._pages[page] = rows
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        offset = index - page * PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    @property
    def current(self) -> Headline | None:
        return self.headline(self.cursor) if self.total else None

    def reload(self) -> None:
        """Read the rows on screen again (the store changed; the number of rows did not)."""
        self._pages.clear()
        self.redraw()

    def redraw(self) -> None:
        """Draw every row again (what a row shows changed, such as a search hit's snippet)."""
        self._forget_lines()
        self.refresh()

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._framed.clear()
        self._titles.clear()

    def notify_style_update(self) -> None:
        # Restyled (focus, theme, the screen's layout classes): the styles are worked out again
        # when the next line is drawn, and the lines drawn with the old ones are dropped.
        super().notify_style_update()
        self._paint = None

    def on_flags_changed(self, message: FlagsChanged) -> None:
        """Show an article's new read/starred flags in the rows held in memory."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.id == message.article_id:
                    row.read, row.starred = message.read, message.starred
                    index = page * PAGE_SIZE + offset
                    for key in [key for key in self._lines if key[0] == index]:
                        del self._lines[key]
                        self._framed.pop(key, None)
                    self.refresh_lines(index * self.row_height, self.row_height)

    # -- cursor ----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.total - 1)) if self.total else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_lines(old * self.row_height, self.row_height)
        self.refresh_lines(new * self.row_height, self.row_height)
        self._scroll_cursor_visible()
        self.post_message(self.CursorMoved(new))

    def _scroll_cursor_visible(self) -> None:
        region = Region(0, self.cursor * self.row_height, 1, self.row_height)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def action_move(self, delta: int) -> None:
        self.cursor += delta

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.total - 1

    def action_screenful(self, direction: int) -> None:
        rows = max(1, self.scrollable_content_region.height // self.row_height)
        self.cursor += direction * rows

    def action_open(self) -> None:
        headline = self.current
        if headline is not None:
            self.post_message(OpenArticle(headline.id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (self.scroll_offset.y + offset.y) // self.row_height
        if index < self.total:
            self.cursor = index
            self.action_open()

    # -- rendering -------------------------------------------------------------------------

    @staticmethod
    def _title_room(width: int) -> int:
        """Cells for a title line: the width less the unread dot's column and a space."""
        return max(0, width - INDENT - 1)

    def keep_paint(self) -> None:
        """Keep the styles and the rows' paint as they are now (after new CSS, such as a widget
        mounted late, emptied what the list keeps per style state), so that the focus coming
        back to the list finds them."""
        self.keep_styles()
        self.from_styles(self._current_paint)

    def _current_paint(self) -> _Paint:
        if self._paint is None:
            # Kept by styles (restyle.FocusStyles): the focus coming back to the list (Enter
            # on a search) finds the paint of its focused styles, 1-3 ms to work out again.
            self._paint = self.from_styles(self._work_out_paint)
        return self._paint

    def _work_out_paint(self) -> _Paint:
        base = self.rich_style
        component = self.get_component_rich_style

        def colour(name: str) -> Style:
            # Only the component's colour and text style: a row keeps its own background.
            style = component(name)
            return Style(color=style.color, bold=style.bold, italic=style.italic)

        return _Paint(
            base=base,
            cursor=base + component("headline-list--cursor"),
            unread=colour("headline-list--unread"),
            read=colour("headline-list--read"),
            meta=colour("headline-list--meta"),
            star=colour("headline-list--star"),
            match=colour("headline-list--match"),
        )

    def render_line(self, y: int) -> Strip:
        """A row's lines: its title (one or two lines), its snippet (search hits), its source
        and date, then blank lines up to the row's height. A line drawn before is drawn again
        from memory while the width, the styles and the row are the same."""
        return self._content_line(y, self.scrollable_content_region.width)

    def _content_line(self, y: int, width: int) -> Strip:
        """render_line, the width given (render_lines reads it once for all its lines)."""
        paint = self._current_paint()
        drawn_for = self._lines_for
        if drawn_for is None or drawn_for[1] is not paint or drawn_for[0] != width:
            if drawn_for != (width, paint):  # an equal paint worked out again keeps the lines
                self._forget_lines()
            self._lines_for = (width, paint)
        index, part = divmod(self.scroll_offset.y + y, self.row_height)
        key = (index, part, index == self.cursor)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._draw_line(index, part, width, paint)
            self._lines[key] = strip
            if len(self._lines) > MAX_LINES:
                self._framed.pop(self._lines.popitem(last=False)[0], None)
        return strip

    def _line_key(
        self, y: int, top: int | None = None, cursor: int | None = None
    ) -> tuple[int, int, bool]:
        """Which row's which line is the content line `y`, and whether the cursor is on it
        (`top`, `cursor`: the scroll offset and the cursor, when the caller has read them)."""
        index, part = divmod((self.scroll_offset.y if top is None else top) + y, self.row_height)
        return index, part, index == (self.cursor if cursor is None else cursor)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The list's lines as the screen shows them. Textual frames a widget's lines (border,
        padding, styles) in its StylesCache by their place on screen, and frames them all
        again when the list scrolls: a scroll by one row reframed every line, about half of the
        frame's cost. A content line framed before for the same row, width and styles is
        handed to that cache here instead; a content line not framed yet is framed here as
        Textual framed the others (see _frame_line); Textual frames the border's top and
        bottom, and applies the line filters to all as usual.

        Uses the StylesCache's lines and dirty set (private in Textual 8.2.8, pinned):
        tests/ui/test_large_store.py and test_list_frames.py compare these lines with
        Textual's own framing."""
        styles = self.styles
        signature = (
            self._current_paint(),
            self.background_colors,
            styles.border,
            self.size,
            self.outer_size,  # the framed lines' width
            # Whatever else changes how Textual frames a content line.
            styles.outline,
            styles.padding,
            styles.tint,
            styles.text_opacity,
            self.opacity,
            styles.hatch if styles.has_rule("hatch") else None,
            self.content_region.size,
            self.scrollable_content_region.width,  # the lines' width (less a scrollbar's)
        )
        if signature != self._framed_for:
            self._framed.clear()
            self._framed_for = signature
            self._frame = None
        framed = self._framed
        cache = self._styles_cache
        top = self.gutter.top
        content = range(top, top + self.scrollable_content_region.height)
        to_keep: list[tuple[int, tuple[int, int, bool]]] = []
        learnt = self._frame is not None
        # Read once for every line below: Textual works each out anew when asked (a scroll
        # by one row frames every line again, from the lines kept).
        scrolled, cursor = self.scroll_offset.y, self.cursor
        width = self.scrollable_content_region.width
        for y in crop.line_range:
            if y not in content or (y in cache._cache and y not in cache._dirty_lines):
                continue
            key = self._line_key(y - top, scrolled, cursor)
            strip = framed.get(key)
            if strip is None and not learnt:
                # The first line to frame with these styles: Textual frames it, alone, and
                # this list frames the others the same way (when it can: see _frame_line).
                learnt = True
                cache.render_widget(self, Region(0, y, self.outer_size.width, 1))
                if key in self._lines:  # drawn for the paint of now
                    framed[key] = cache._cache[y]
                    self._frame = _learn_frame(self._lines[key], cache._cache[y])
                continue
            if strip is None and self._frame is not None:
                line = self._content_line(y - top, width)
                strip = framed[key] = self._frame_line(line)
            if strip is None:
                to_keep.append((y, key))
            else:
                cache._cache[y] = strip
                cache._dirty_lines.discard(y)
        strips = cache.render_widget(self, crop)
        for y, key in to_keep:
            if key in self._lines:  # drawn for the paint of now
                framed[key] = cache._cache[y]
        return strips

    def _frame_line(self, line: Strip) -> Strip:
        """A content line framed as Textual frames it (Textual 8.2.8's StylesCache.render_line
        for a content line: the line, anything after it to the content's width, and the
        border's side on each side), with the sides learnt from a line Textual framed with the
        same styles. Textual's framing does more for styles this list does not have (padding
        inside, tint, opacity, hatch): for those nothing is learnt and Textual frames every
        line."""
        assert self._frame is not None
        left, tail, right = self._frame
        return Strip([left, *line._segments, *tail, right], self.outer_size.width)

    def _draw_line(self, index: int, part: int, width: int, paint: _Paint) -> Strip:
        headline = self.headline(index)
        if headline is None:
            return Strip.blank(width, paint.base)
        is_cursor = index == self.cursor
        background = paint.cursor if is_cursor else paint.base
        title = self._titles.get(index)
        if title is None:  # wrapped once for the row's lines, not once a line
            title = _wrap(one_line(headline.title), self._title_room(width), self.title_lines)
            if len(self._titles) >= MAX_LINES:
                self._titles.clear()
            self._titles[index] = title
        part -= len(title)
        snippet_lines = self.source.row_height - ROW_HEIGHT
        if part < 0:
            segments = self._title_segments(
                headline, title[part], part == -len(title), background, is_cursor
            )
        elif part < snippet_lines:
            segments = self._snippet_segments(headline, width, background)
        elif part == snippet_lines:
            segments = self._meta_segments(headline, width, background)
        else:
            segments = []  # under a title shorter than the row's title lines
        # Textual's adjust_cell_length, without measuring the segments again and making a
        # second strip: the same segments and the same padding.
        used = sum(cells(segment.text) for segment in segments)
        if used > width:
            return Strip(segments).adjust_cell_length(width, background)
        if used < width:
            segments.append(Segment(" " * (width - used), background))
        return Strip(segments, width)

    def _style(self, name: str, background: Style) -> Style:
        colour: Style = getattr(self._current_paint(), name.removeprefix("headline-list--"))
        return background + colour

    def _title_segments(
        self, headline: Headline, text: str, first: bool, bg: Style, is_cursor: bool
    ) -> list[Segment]:
        """A line of the title (`first`: the line with the unread dot), already fitted."""
        dot = " ● " if first and not headline.read else " " * INDENT
        marker = Segment(dot, self._style("headline-list--unread", bg))
        if headline.read and not is_cursor:
            title_style = self._style("headline-list--read", bg)
        else:
            title_style = bg + Style(bold=True)
        return [marker, Segment(text, title_style)]

    def _meta_segments(self, headline: Headline, width: int, bg: Style) -> list[Segment]:
        date = short_date(headline.published_at)
        if not date and headline.stored_at:  # undated: when it was stored, said as such
            date = f"stored {short_date(headline.stored_at)}"
        versions = f"{headline.versions} versions" if headline.versions > 1 else ""
        parts = [part for part in (one_line(headline.source), date, versions) if part]
        meta = " · ".join(parts)
        star = Segment("★ " if headline.starred else "", self._style("headline-list--star", bg))
        room = max(0, width - INDENT - 1 - star.cell_length)
        meta_style = self._style("headline-list--meta", bg)
        return [Segment(" " * INDENT, bg), star, Segment(_fit(meta, room), meta_style)]

    def _snippet_segments(self, headline: Headline, width: int, bg: Style) -> list[Segment]:
        """The hit's snippet, starting near its first match, matched words highlighted."""
        snippet = one_line(self.source.snippet(headline.id))
        start = snippet.find(SNIPPET_OPEN)
        if start > 12:
            cut = snippet.rfind(" ", 0, start - 8)  # keep a few words of context, whole
            snippet = "…" + snippet[cut + 1 if cut > 0 else start :]
        meta = self._style("headline-list--meta", bg)
        match = self._style("headline-list--match", bg)
        plain, spans = _fit_marked(snippet, max(0, width - INDENT - 1))
        segments = [Segment(" " * INDENT, bg)]
        position = 0
        for start, end in spans:
            segments.append(Segment(plain[position:start], meta))
            segments.append(Segment(plain[start:end], match))
            position = end
        segments.append(Segment(plain[position:], meta))
        return segments


def _learn_frame(line: Strip, framed: Strip) -> tuple[Segment, list[Segment], Segment] | None:
    """What Textual put around the content `line` to make `framed`: one segment before it
    (the border's side), and after it segments that do not depend on the line (padding to the
    content's width) and one last segment (the other side); None when `framed` is not that
    (padding before the line, or styles that change the line's own segments)."""
    segments, inner = framed._segments, line._segments
    if len(segments) < len(inner) + 2 or segments[1 : 1 + len(inner)] != inner:
        return None
    tail = segments[1 + len(inner) : -1]
    if any(not segment.text.isspace() for segment in tail):
        return None
    return segments[0], tail, segments[-1]


def _fit_marked(snippet: str, width: int) -> tuple[str, list[tuple[int, int]]]:
    """The snippet's text cut to `width` cells, and the spans of its «marked» words.

    When cut, the text ends with "…" after a whole match or plain text: never after a piece
    of a match, and nothing follows the ellipsis.
    """
    plain = ""
    spans: list[tuple[int, int]] = []
    for n, piece in enumerate(re.split(f"[{SNIPPET_OPEN}{SNIPPET_CLOSE}]", snippet)):
        if n % 2 and piece:
            spans.append((len(plain), len(plain) + len(piece)))
        plain += piece
    if cells(plain) <= width:
        return plain, spans
    if width <= 1:
        return "…"[:width], []
    prefix = cut(plain, width - 1)
    keep = len(prefix)
    if prefix[-1:] == " " and plain[keep - 1 : keep] != " ":
        keep -= 1  # a wide character cut in two: its place was padded, it is left out
    for start, end in spans:
        if start < keep < end:
            keep = start  # a match cut in two: leave it out whole
    kept = plain[:keep].rstrip()
    return kept + "…", [(start, end) for start, end in spans if end <= len(kept)]


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines of `width` cells, broken after whole words where it can
    be (a word longer than a line is broken in it); the last line cut with an ellipsis."""
    result: list[str] = []
    rest = text
    while len(result) < lines - 1 and cells(rest) > width > 0:
        words = rest.split(" ")
        line = words[0]
        for word in words[1:]:
            if cells(line) + 1 + cells(word) > width:
                break
            line = f"{line} {word}"
        if cells(line) > width:
            line = chop_cells(line, width)[0]
        result.append(line)
        rest = rest[len(line) :].lstrip(" ")
    result.append(_fit(rest, width))
    return result


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` cells, with an ellipsis when cut."""
    if cells(text) <= width:
        return text
    if width <= 1:
        return cut(text, width)
    return cut(text, width - 1).rstrip() + "…"
