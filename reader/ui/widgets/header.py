"""The reader's header: one widget drawing what Textual's Header draws with four (the icon, the
title and sub-title, the clock's space), line for line the same cells and styles.

Textual's Header (8.2.8) is a container of three widgets, each with its own CSS, styles and
paint, in a module the rest of the reader does not import: about 20M instructions of the first
screen (issue 11). This one draws the three parts as Header lays them out: the icon in the first
8 columns (1 of padding each side), the title centred between the icon and the 10 columns the
clock's space keeps on the right, cut with an ellipsis where it does not fit. Its title changes
without a layout of the screen, in the same turn as the title it shows; the same title again
repaints nothing. A click on the icon opens the command palette; elsewhere it makes the header
three lines tall, or one again.
"""

from __future__ import annotations

from contextlib import suppress

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.content import Content
from textual.dom import NoScreen
from textual.reactive import Reactive
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from reader.ui.widgets.placed import placed_by_layout

ICON_WIDTH = 8  # Textual's HeaderIcon: 8 columns, 1 of padding each side
CLOCK_WIDTH = 10  # Textual's HeaderClockSpace: 10 columns, 1 of padding each side
ICON_TOOLTIP = "Open the command palette"


@placed_by_layout
class ReaderHeader(Widget):
    """The icon, the title (the screen's, else the app's) and sub-title, and the clock's space.
    `content-align` and the text styles are the title's (Textual's HeaderTitle's)."""

    DEFAULT_CSS = """
    ReaderHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        content-align: center top;
    }
    ReaderHeader.-tall { height: 3; }
    """

    tall: Reactive[bool] = Reactive(False)

    def __init__(self, icon: str = "⭘", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.icon = icon
        self.title: Content = Content("")
        self._shown: object = None  # what the title shows (see show_title)
        self._lines: tuple[object, list[Strip]] | None = None  # drawn lines and their key
        self._icon_hover = False  # the mouse over the icon: HeaderIcon's :hover background

    def watch_tall(self, tall: bool) -> None:
        self.set_class(tall, "-tall")

    def _on_mount(self, _: events.Mount) -> None:
        # Run at once (Header's watchers are coroutines, run a turn later: a search's results
        # were painted in one frame and its title in the next).
        self.watch(self.app, "title", self._show_title)
        self.watch(self.app, "sub_title", self._show_title)
        self.watch(self.screen, "title", self._show_title)
        self.watch(self.screen, "sub_title", self._show_title)

    def format_title(self) -> Content:
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub_title = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        return self.app.format_title(title, sub_title)

    def _show_title(self) -> None:
        with suppress(NoScreen):  # leaving its screen
            self.show_title(self.format_title())

    def show_title(self, title: Content) -> None:
        """Show `title`: a repaint of the line, none for the same title again. Content's own
        == compares the text alone: the same words styled otherwise (where the title ends and
        the dim sub-title begins) are a new title."""
        shown = (title.plain, tuple(title.spans))
        if shown == self._shown:
            return
        self._shown = shown
        self.title = title
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        key = (width, height, self._shown, self.icon, self._icon_hover, self.visual_style)
        if self._lines is None or self._lines[0] != key:
            self._lines = (key, self._draw(width, height))
        lines = self._lines[1]
        return lines[y] if 0 <= y < len(lines) else Strip.blank(width)

    def _draw(self, width: int, height: int) -> list[Strip]:
        """Every line, each cell and style as Textual's Header and its three parts draw them."""
        style = self.visual_style
        text = style.rich_style
        pad = RichStyle.from_color(bgcolor=text.bgcolor)  # a part's padding
        middle = height // 2  # the icon's line
        title_width = max(0, width - ICON_WIDTH - CLOCK_WIDTH)
        title_lines = Visual.to_strips(self, self.title, title_width, 1, style)
        icon_style = style
        if self._icon_hover and style.foreground is not None:
            icon_style = style + Style(background=style.foreground.multiply_alpha(0.1))
        icon_pad = Strip(
            [Segment(" ", RichStyle.from_color(bgcolor=icon_style.rich_style.bgcolor))], 1
        )
        icon_line = Visual.to_strips(
            self, Content(self.icon), ICON_WIDTH - 2, 1, icon_style, pad=True
        )[0]
        no_icon = Strip.blank(ICON_WIDTH - 2, (icon_style + Style(reverse=False)).rich_style)
        lines = []
        for y in range(height):
            icon = Strip.join([icon_pad, icon_line if y == middle else no_icon, icon_pad])
            title = title_lines[y] if y < len(title_lines) else Strip.blank(title_width, pad)
            clock = [Segment(" ", pad)]
            if y == 0:
                clock += [Segment("", text), Segment(" " * (CLOCK_WIDTH - 2), pad)]
            else:
                clock += [Segment(" " * (CLOCK_WIDTH - 2), text)]
            clock += [Segment(" ", pad)]
            # Narrower than the icon and the clock's space: the space, docked last, covers
            # the icon from its right, as Header's do.
            parts = [icon, title, Strip(clock, CLOCK_WIDTH)]
            if width < ICON_WIDTH + CLOCK_WIDTH:
                parts[0] = parts[0].crop(0, max(0, width - CLOCK_WIDTH))
                parts[2] = parts[2].crop(max(0, CLOCK_WIDTH - width), CLOCK_WIDTH)
            lines.append(Strip.join(parts))
        return lines

    # -- the mouse -----------------------------------------------------------------------------

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover_icon(self._on_icon(event.x))

    def _on_leave(self, _: events.Leave) -> None:
        self._hover_icon(False)

    def _on_icon(self, x: int) -> bool:
        """Whether column `x` shows the icon (the clock's space covers it where narrow)."""
        return x < min(ICON_WIDTH, self.size.width - CLOCK_WIDTH)

    def _hover_icon(self, on_icon: bool) -> None:
        if on_icon != self._icon_hover:
            self._icon_hover = on_icon
            self.tooltip = ICON_TOOLTIP if on_icon else None
            self.refresh()

    async def _on_click(self, event: events.Click) -> None:
        if self._on_icon(event.x) and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
        else:
            self.tall = not self.tall
