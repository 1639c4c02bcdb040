"""The related sidebar (issue 11): what following the cursor costs the screen, counted rather
than timed (layouts asked for, entries wrapped), that its lines are Textual's OptionList's, and
that the keys and the mouse open its entries."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from textual import messages
from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.library import Library
from reader.ui.messages import OpenArticle
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import (
    checks_in_one_app,
    paint,
    settle,
)


def _segments(strips: list[Strip]) -> list[list[Any]]:
    return [list(strip) for strip in strips]


def _needs_scrollbar(panel: RelatedPanel) -> bool:
    return panel.virtual_size.height > panel.scrollable_content_region.height


def _textual_lines(panel: RelatedPanel, crop: Region) -> list[Strip]:
    """The panel's lines drawn by OptionList.render_line (Textual's), line by line."""
    original = RelatedPanel.render_line
    RelatedPanel.render_line = OptionList.render_line  # type: ignore[method-assign]
    try:
        panel._frame_styles = None
        return panel._styles_cache.render_widget(panel, crop)
    finally:
        RelatedPanel.render_line = original  # type: ignore[method-assign]


def test_the_related_panel_at_120_columns(library: Library) -> None:
    """Four checks in one app (one start instead of four), each from where a fresh app starts
    (`back_to_all_at_the_top` between); the one that opens articles from the panel last."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            previews_ask_a_layout_of_the_related_panel_only_when_its_bar_comes_or_goes,
            each_entry_is_wrapped_once_per_list,
            the_panel_draws_what_textuals_option_list_draws,
            keys_and_the_mouse_open_related_articles,
        ],
    )


async def previews_ask_a_layout_of_the_related_panel_only_when_its_bar_comes_or_goes(
    pilot: Pilot[Any],
) -> None:
    """Each previewed article shows a note while its related news are looked for, then the
    entries. The panel's place is set by the screen, so neither asks for a layout of the
    screen; only its scrollbar coming or going does, once, when one article's entries scroll
    and the previous one's did not (tests/ui/test_related_scrollbar.py); the note in between
    leaves the bar as it was. (Textual's OptionList asked for a layout with each note and each
    list, and its scrollbar went and came back, each time with a layout.)"""
    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        panel = app.query_one(RelatedPanel)
        bar = panel.vertical_scrollbar
        asked: list[Any] = []  # layouts of the screen the panel or its bar ask for
        post_message = app.screen.post_message

        def recording(message: Any) -> bool:
            if isinstance(message, messages.Layout) and message.widget in (panel, bar):
                asked.append(message.widget)
            return post_message(message)

        monkeypatch.setattr(app.screen, "post_message", recording)
        scrolls = [_needs_scrollbar(panel)]
        for _ in range(8):
            await pilot.press("down")
            await settle(pilot)
            assert panel.for_article == app.query_one(ArticleView).article.id
            scrolls.append(_needs_scrollbar(panel))
            assert panel.show_vertical_scrollbar == bar.display == scrolls[-1]
        assert True in scrolls  # some entries scroll, so the note would have hidden the bar
        assert False in scrolls  # and some do not: the bar came or went
        flips = sum(before != after for before, after in pairwise(scrolls))
        assert asked == [panel] * flips


async def each_entry_is_wrapped_once_per_list(pilot: Pilot[Any]) -> None:
    """A new list of entries wraps each entry's text once, to draw it (its height is the
    number of lines drawn), by the panel's own drawing of narrow text or by Textual's
    Content; Textual's OptionList wrapped it once to measure it and again to draw it."""
    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:  # undone after the check
        panel = app.query_one(RelatedPanel)
        items, article_id = list(panel.items), panel.for_article
        assert article_id is not None and len(items) >= 3
        wrapped: list[str] = []
        original = Content._wrap_and_format
        draw = RelatedPanel._draw_option

        def counting(self: Content, *args: Any, **kwargs: Any) -> Any:
            wrapped.append(self.plain)
            return original(self, *args, **kwargs)

        def drawing(self: RelatedPanel, option: Option, style: Any) -> Any:
            strips = draw(self, option, style)
            if strips is not None:
                wrapped.append(option.prompt.plain)
            return strips

        monkeypatch.setattr(Content, "_wrap_and_format", counting)
        monkeypatch.setattr(RelatedPanel, "_draw_option", drawing)
        panel.show_items(article_id, items)
        await settle(pilot)
        shown = [panel.get_option_at_index(i) for i in range(panel.option_count)]
        assert len(wrapped) == len(shown)
        assert sorted(wrapped) == sorted(option.prompt.plain for option in shown)


async def the_panel_draws_what_textuals_option_list_draws(pilot: Pilot[Any]) -> None:
    """The panel's lines, unfocused, focused with the cursor on an entry, and under the mouse,
    are those Textual's OptionList draws for the same options."""
    app = pilot.app
    panel = app.query_one(RelatedPanel)
    crop = Region(0, 0, panel.size.width, panel.size.height)

    def both() -> tuple[list[list[Any]], list[list[Any]]]:
        panel._styles_cache.clear()
        ours = _segments(panel.render_lines(crop))
        panel._styles_cache.clear()
        theirs = _segments(_textual_lines(panel, crop))
        return ours, theirs

    ours, theirs = both()
    assert ours == theirs
    await pilot.press("tab", "tab")
    await settle(pilot)
    assert app.focused is panel and panel.highlighted is not None
    await pilot.press("down", "down")
    await settle(pilot)
    ours, theirs = both()
    assert ours == theirs
    panel._mouse_hovering_over = panel.first_enabled()
    ours, theirs = both()
    assert ours == theirs
    assert any((text := "".join(segment.text for segment in line)).strip() for line in ours), text
    panel._mouse_hovering_over = None  # no mouse there: the panel as the check found it


async def keys_and_the_mouse_open_related_articles(pilot: Pilot[Any]) -> None:
    """In the sidebar, Down and Up move between the entries (headings and the not-stored
    headlines are passed over or dim), Enter opens the entry under the cursor, and a click on
    an entry opens it."""
    app = pilot.app
    library = app.library
    panel = app.query_one(RelatedPanel)
    article = app.query_one(ArticleView)
    # An article with two stored entries or more.
    rows = library.headlines(0, 40)
    chosen = next(
        row.id
        for row in rows
        if sum(item.id is not None for item in library.related(row.id, 12)) >= 2
    )
    app.screen.post_message(OpenArticle(chosen))
    await settle(pilot)
    assert panel.for_article == chosen
    panel.focus()
    await settle(pilot)
    assert app.focused is panel
    first = panel.highlighted
    await pilot.press("down")
    assert panel.highlighted is not None and panel.highlighted > first
    await pilot.press("up")
    assert panel.highlighted == first
    while (item := panel.highlighted_item) is not None and item.id is None:
        await pilot.press("down")
    assert item is not None and item.id is not None
    await pilot.press("enter")
    await settle(pilot)
    assert article.article is not None and article.article.id == item.id
    # The mouse: a click on a stored entry's first line opens it.
    target = next(item for item in panel.items if item.id is not None)
    index = next(
        i
        for i in range(panel.option_count)
        if (option_id := panel.get_option_at_index(i).id)
        and panel.items[int(option_id.rsplit("-", 1)[1])] is target
    )
    panel.scroll_to(y=0, animate=False, immediate=True)
    paint(app)
    y = panel._index_to_line[index] - panel.scroll_offset.y
    top = panel.scrollable_content_region.y - panel.region.y
    left = panel.scrollable_content_region.x - panel.region.x
    await pilot.click(RelatedPanel, offset=(left + 2, top + y))
    await settle(pilot)
    assert article.article.id == target.id
