"""The related sidebar: the article's own links, the same story elsewhere, similar articles."""

from __future__ import annotations

import itertools
import re
from typing import Any

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size, Spacing
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.models import RelatedItem
from reader.ui.messages import OpenArticle, SearchFor
from reader.ui.text import one_line, short_date
from reader.ui.widgets.headline_list import NARROW
from reader.ui.widgets.scrollbar import place_scrollbars, vertical_bar

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

    # Textual's virtual_size asks for a layout of the whole screen when it changes: each note
    # and each list of entries did (10-40 ms a frame on a loaded machine). The panel's place is
    # set by the screen's CSS (height 100%), not by its lines; its scrollbar's range follows in
    # OptionList's _scroll_update.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    # Textual's, which laid the whole screen out when the scrollbar came or went (76 ms at load,
    # after the first entries long enough to scroll: the first key's frame). The panel keeps a
    # stable gutter, so only the bar's column changes: see watch_show_vertical_scrollbar.
    show_vertical_scrollbar: Reactive[bool] = Reactive(False, layout=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[RelatedItem] = []
        self.for_article: int | None = None
        # While a frame is drawn: the option styles by component class, and each option's
        # lines in its style (OptionList asks for the lines, the region and the styles anew
        # on every line it draws).
        self._frame_styles: dict[str, Style] | None = None
        self._frame_lines: dict[tuple[int, str], list[Strip]] = {}
        self._frame_width = 0
        self._looking = False

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own property (8.2.8), making a QuietScrollBar (placed without a layout)."""
        return vertical_bar(self)

    def on_mount(self) -> None:
        self.show_note("Open an article to see related news.")

    def show_note(self, note: str) -> None:
        """A single dim line instead of entries (loading, nothing found)."""
        self._looking = False
        self._set_note(note)

    def _set_note(self, note: str) -> None:
        self.items = []
        self.set_options([Option(Content(note), disabled=True)])

    def show_loading(self, article_id: int) -> None:
        """The note while the entries are looked for. The scrollbar stays as the last entries
        had it (an empty track when they scrolled): the note and the next entries each made it
        go and come back, two layouts of the whole screen per article previewed."""
        self.for_article = article_id
        self._looking = True
        self._set_note("Looking for related news…")

    def _refresh_scrollbars(self) -> None:
        """Textual's (8.2.8), except while the entries are looked for (see show_loading)."""
        if not self._looking:
            super()._refresh_scrollbars()

    def watch_show_vertical_scrollbar(self) -> None:
        place_scrollbars(self)

    def show_items(self, article_id: int, items: list[RelatedItem] | None) -> None:
        """Entries grouped by reason, in the core's order of trust."""
        self.for_article = article_id
        self._looking = False
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

    # -- drawing: each option is drawn once in its style and its lines are kept ---------------

    def _update_lines(self) -> None:
        """OptionList's line table (Textual 8.2.8), the heights taken from each option's lines
        drawn in the style it shows in, which the frame then uses: OptionList wrapped every
        option once to measure it and again to draw it."""
        if not self.scrollable_content_region:
            return
        cache = self._line_cache
        lines = cache.lines
        start = lines[-1][0] + 1 if lines else 0
        for index in range(start, len(self._options)):
            option = self._options[index]
            component = "option-list--option-disabled" if option.disabled else ""
            height = len(self._get_option_render(option, self._style_of(component)))
            cache.index_to_line[index] = len(lines)
            cache.heights[index] = height
            lines.extend((index, offset) for offset in range(height))
        last_divider = bool(self._options) and self._options[-1]._divider
        size = Size(self.scrollable_content_region.width, len(lines) - int(last_divider))
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

    def _style_of(self, component: str) -> Style:
        styles = self._frame_styles
        if styles is not None and component in styles:
            return styles[component]
        parts = ("option-list--option", component) if component else ("option-list--option",)
        style = self.get_visual_style(*parts)
        if styles is not None:
            styles[component] = style
        return style

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        """OptionList's (Textual 8.2.8) for an entry of narrow text, drawn straight into
        segments: the same words on the same lines in the same styles, without Content's
        divide, rstrip, pad and render of each line and three strips per line (most of the
        8-12 ms a new list of entries cost the UI thread). Other options are Textual's."""
        key = (option, style, _NO_PADDING)
        strips = self._option_render_cache.get(key)
        if strips is None:
            strips = self._draw_option(option, style)
            if strips is None:
                return super()._get_option_render(option, style)
            self._option_render_cache[key] = strips
        return strips

    def _draw_option(self, option: Option, style: Style) -> list[Strip] | None:
        prompt = option.prompt
        if not (
            isinstance(prompt, Content)
            and _narrow_text(prompt.plain)
            and self.text_selection is None
            and not self.get_component_styles("option-list--option").padding
            and self.styles.text_wrap == "wrap"
            and self.styles.text_overflow == "fold"
            and self.styles.text_align in ("left", "start")
            and self.styles.content_align == ("left", "top")
            and not self.styles.line_pad
        ):
            return None
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        if width <= 0:
            return None
        meta = RichStyle.from_meta({"option": self._option_to_index[option]})
        fill = meta + style.rich_style
        strips = [
            Strip(
                [*segments, Segment(" " * (width - used), fill)] if used < width else segments,
                width,
            )
            for segments, used in _wrapped(prompt, width, style, meta, self._get_style)
        ]
        if option._divider:
            rule = self.get_visual_style("option-list--separator").rich_style
            strips.append(Strip([Segment("─" * width, rule)], width))
        return strips

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_styles, self._frame_lines = {}, {}
        try:
            self._update_lines()
            self._frame_width = self.scrollable_content_region.width
            return Widget.render_lines(self, crop)
        finally:
            self._frame_styles, self._frame_lines = None, {}

    def render_line(self, y: int) -> Strip:
        if self._frame_styles is None:
            return super().render_line(y)
        lines = self._line_cache.lines
        number = self.scroll_offset.y + y
        if not 0 <= number < len(lines):
            return Strip.blank(self._frame_width, self._style_of("").rich_style)
        index, offset = lines[number]
        component = ""
        if self._options[index].disabled:
            component = "option-list--option-disabled"
        elif self.highlighted == index:
            component = "option-list--option-highlighted"
        elif self._mouse_hovering_over == index:
            component = "option-list--option-hover"
        strips = self._frame_lines.get((index, component))
        if strips is None:
            option = self._options[index]
            strips = self._get_option_render(option, self._style_of(component))
            self._frame_lines[index, component] = strips
        if offset >= len(strips):
            return Strip.blank(self._frame_width, self._style_of("").rich_style)
        return strips[offset]

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


_NO_PADDING = Spacing(0, 0, 0, 0)
_narrow_text = (NARROW | {"\n"}).issuperset  # one cell a character (no tab to expand)


_WORD = re.compile(r"\s*\S+\s*")


def _breaks(text: str, width: int) -> list[int]:
    """Where Rich's divide_line (fold=True) breaks narrow `text` at `width`, measuring each
    word by its length: a word goes to the next line when it does not fit the rest of this
    one, and a word longer than a line is cut into lines of `width`."""
    breaks: list[int] = []
    used = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if length <= width - used:
            used += len(word)
        elif length > width:
            pieces = [word[n : n + width] for n in range(0, len(word), width)]
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            used = len(pieces[-1])
        elif used and start:
            breaks.append(start)
            used = len(word)
    return breaks


def _wrapped(
    prompt: Content, width: int, style: Style, meta: RichStyle, get_style: Any
) -> list[tuple[list[Segment], int]]:
    """The segments of each line Textual's Content draws `prompt` in at `width` (left aligned,
    words wrapped and folded, the spaces that end a wrapped piece dropped, each run's style
    carrying its offset in its line for selection) and the cells they take."""
    runs = list(prompt.render(style, end="", parse_style=get_style))
    lines: list[tuple[list[Segment], int]] = []
    # The runs of each line of the text, with the offset each starts at in its line.
    line_runs: list[list[tuple[int, str, Style]]] = [[]]
    offset = 0
    for text, run_style in runs:
        parts = text.split("\n")
        for number, part in enumerate(parts):
            if number:
                line_runs.append([])
                offset = 0
            if part:
                line_runs[-1].append((offset, part, run_style))
                offset += len(part)
    for y, pieces in enumerate(line_runs):
        plain = "".join(part for _, part, _ in pieces)
        cuts = [0, *_breaks(plain, width), len(plain)]
        for n, (start, end) in enumerate(itertools.pairwise(cuts), 2):
            last = n == len(cuts)
            text = plain[start:end] if last else plain[start:end].rstrip()
            stop = start + min(len(text), width)
            segments: list[Segment] = []
            for run_start, part, run_style in pieces:
                left, right = max(run_start, start), min(run_start + len(part), stop)
                if left < right:
                    rich = (style + run_style).rich_style_with_offset(left, y)
                    segments.append(
                        Segment(part[left - run_start : right - run_start], meta + rich)
                    )
            if not segments:  # an empty line: Textual's Content yields one empty run
                empty = (style + style).rich_style_with_offset(start, y)
                segments.append(Segment("", meta + empty))
            lines.append((segments, stop - start))
    return lines
