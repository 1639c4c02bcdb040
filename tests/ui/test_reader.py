"""Pilot tests: what the keys do to the reader's state and to the store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from reader.core.errors import StorageError
from reader.core.highlight import Matcher
from reader.core.library import Library
from reader.ui.keymap import declared
from reader.ui.messages import RelatedFound, SearchFinished
from reader.ui.screens.help import HelpScreen
from reader.ui.state import SearchState
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import (
    back_to_all_at_the_top,
    checks_in_one_app,
    palette,
    resize,
    search,
    settle,
    test_app,
)

SEED_TITLE = "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"


def run(test) -> None:
    """pytest has no async support here; each test drives its own event loop."""
    asyncio.run(test())


def test_keys_are_remappable_by_binding_id(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library, keymap={"list.down": "x"})
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            await pilot.press("x", "x")
            assert headlines.cursor == 2
            await pilot.press("j")
            assert headlines.cursor == 2

    run(scenario)


def test_every_binding_has_an_id() -> None:
    from reader.ui.app import ReaderApp
    from reader.ui.screens.reader import ReaderScreen

    for owner in (ReaderApp, ReaderScreen, HeadlineList, ArticleView, RelatedPanel, HelpScreen):
        for key, binding in declared(owner):
            assert binding.id, f"{owner.__name__}: {key} -> {binding.action} has no id"


def test_help_shows_the_remapped_keys(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library, keymap={"list.down": "j,down,ctrl+n", "help.close": "x"})
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            await pilot.press("ctrl+n")
            assert headlines.cursor == 1
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#help-keys-panes").render())
            assert "j, ↓, ^n  Down" in text
            assert app.screen.query_one("VerticalScroll").border_subtitle == "x closes"
            await pilot.press("x")
            assert not isinstance(app.screen, HelpScreen)

    run(scenario)


def test_unknown_and_non_string_key_entries_are_reported_once(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(
            library,
            keymap={"no.such": "x", "list.down": "ctrl+n"},
            key_problems=['[keys] "list.up" = 5 ignored: not a key string'],
        )
        warnings: list[str] = []
        original = app.notify

        def notify(message, **kwargs):
            if kwargs.get("severity") == "warning":
                warnings.append(message)
            return original(message, **kwargs)

        app.notify = notify
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert len(warnings) == 1
            lines = warnings[0].splitlines()
            assert lines == [
                '[keys] "list.up" = 5 ignored: not a key string',
                '[keys] "no.such" ignored: no such binding id',
            ]
            await pilot.press("ctrl+n")
            assert app.query_one(HeadlineList).cursor == 1

    run(scenario)


def _shown(app) -> list[str]:
    panes = [app.query_one(HeadlineList), app.query_one(ArticleView), app.query_one(RelatedPanel)]
    return [type(pane).__name__ for pane in panes if pane.display]


def test_at_every_size(library: Library) -> None:
    """Four checks in one app (one start instead of four), each resized to its terminal's size
    first; between them the panes shown by width again (no r or v of the user's) and
    `back_to_all_at_the_top`."""
    checks_in_one_app(
        library,
        (240, 30),
        [
            the_panes_fit_every_width_and_the_article_keeps_36_columns,
            the_list_uses_the_width_it_is_given,
            a_narrow_terminal_hides_the_sidebar_and_r_toggles_it,
            space_pages_the_article,
        ],
        between=_panes_by_width_at_the_top,
    )


async def _panes_by_width_at_the_top(pilot: Pilot[Any]) -> None:
    """The user's r and v forgotten (the panes shown by the width, as in a new app), then
    `back_to_all_at_the_top`."""
    reader = pilot.app.reader
    reader.sidebar = None
    reader.navigator = None
    await settle(pilot)
    await back_to_all_at_the_top(pilot)
    assert reader.sidebar is None and reader.navigator is None


async def space_pages_the_article(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await resize(pilot, 120, 20)
    await settle(pilot)
    article = app.query_one(ArticleView)
    assert article.scroll_y == 0 and article.max_scroll_y > 0
    await pilot.press("space")
    # The scroll is applied after a refresh: wait for the screen, not a fixed time.
    await pilot.wait_for_scheduled_animations()
    assert article.scroll_y > 0


async def a_narrow_terminal_hides_the_sidebar_and_r_toggles_it(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await resize(pilot, 90, 30)
    await settle(pilot)
    related = app.query_one(RelatedPanel)
    assert not related.display or related.styles.display == "none"
    await pilot.press("r")
    await pilot.pause()
    assert related.styles.display == "block" and related.region.width > 0
    await pilot.press("r")
    await pilot.pause()
    assert related.styles.display == "none"
    await resize(pilot, 130, 30)
    assert related.styles.display == "none"  # the user's choice wins


async def the_panes_fit_every_width_and_the_article_keeps_36_columns(pilot: Pilot[Any]) -> None:
    three = ["HeadlineList", "ArticleView", "RelatedPanel"]
    two = ["HeadlineList", "ArticleView"]
    app = pilot.app
    await resize(pilot, 240, 30)
    await settle(pilot)
    headlines = app.query_one(HeadlineList)
    article = app.query_one(ArticleView)
    related = app.query_one(RelatedPanel)
    # The navigator hidden (it shows from 160 columns; its widths are checked in
    # test_navigator.py): (width, panes shown, their widths): from 100 columns the
    # sidebar takes about a quarter (32 to 34), the list and the article share the rest
    # (the list up to 90); below, the list two fifths and the article the rest, never
    # fewer than 36. Every width is checked in test_layout.py, on the same CSS without
    # the app's content.
    app.reader.navigator = False
    expected = [
        (240, three, [90, 116, 34]),
        (200, three, [83, 83, 34]),
        (160, three, [63, 63, 34]),
        (130, three, [48, 49, 33]),
        (120, three, [44, 44, 32]),
        (113, three, [40, 41, 32]),
        (100, three, [32, 36, 32]),
        (99, two, [39, 60]),
        (80, two, [32, 48]),
        (60, two, [24, 36]),
    ]
    for width, shown, widths in expected:
        await resize(pilot, width, 30)
        assert _shown(app) == shown, width
        panes = [pane for pane in (headlines, article, related) if pane.display]
        assert [pane.region.width for pane in panes] == widths, width
    await pilot.press("r")  # from here down, the related news take the list's place
    for width in (99, 80, 71, 70, 69, 60):
        await resize(pilot, width, 30)
        assert _shown(app) == ["ArticleView", "RelatedPanel"], width
        assert related.region.width == min(34, width - 36), width
        assert article.region.width == width - related.region.width, width


LONG_TITLE = "Larangan motor lewat thamrin dicabut polisi usulkan terapkan ganjil genap"


def _list_text(headlines: HeadlineList) -> list[str]:
    """The list's lines on screen, as painted, each stripped."""
    height = headlines.scrollable_content_region.height
    return [headlines.render_line(y).text.strip(" ●") for y in range(height)]


async def the_list_uses_the_width_it_is_given(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await resize(pilot, 200, 36)
    await settle(pilot)
    app.reader.navigator = False  # the list's own widths (the navigator takes 30)
    await pilot.pause()
    headlines = app.query_one(HeadlineList)
    index = next(i for i in range(headlines.total) if headlines.headline(i).title == LONG_TITLE)
    assert index > 40  # far enough down that the rows must scroll to show it
    headlines.cursor = index
    await pilot.pause()
    # 200 columns: one line holds the 73 cells of the title.
    assert headlines.scrollable_content_region.width > 40
    assert (headlines.title_lines, headlines.row_height) == (1, 2)
    assert LONG_TITLE in _list_text(headlines)
    # 120 columns: 41 columns for the list, and the title on two lines, cut nowhere.
    # The cursor's row stays on screen although every row grew a line.
    await resize(pilot, 120, 36)
    assert headlines.scrollable_content_region.width > 40
    assert (headlines.title_lines, headlines.row_height) == (2, 3)
    lines = _list_text(headlines)
    first = lines.index("Larangan motor lewat thamrin dicabut")
    assert f"{lines[first]} {lines[first + 1]}" == LONG_TITLE
    top = headlines.scroll_offset.y
    assert top <= index * 3 and (index + 1) * 3 <= top + len(lines)
    # 80 columns: 29 columns, one line again, cut with an ellipsis.
    await resize(pilot, 80, 24)
    assert (headlines.title_lines, headlines.row_height) == (1, 2)
    assert "Larangan motor lewat tha…" in _list_text(headlines)


def test_an_undated_article_sorts_by_when_it_was_stored_and_says_so(library: Library) -> None:
    from reader.core.models import Article

    library.import_articles([Article(title="Tanpa tanggal", body="Isi berita tanpa tanggal.")])

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            newest, seed = headlines.headline(0), headlines.headline(1)
            # Both undated: stored after the 2018 news, the later one first.
            assert newest.title == "Tanpa tanggal" and seed.title == SEED_TITLE
            assert newest.published_at is None and newest.stored_at
            row = " ".join(str(headlines.render_line(y).text) for y in range(headlines.row_height))
            assert "stored " in row
            article = app.query_one(ArticleView)
            assert article.article.id == newest.id
            assert "stored " in str(article.part("meta"))

    run(scenario)


# Checks that share an app: each was a test that started its own (Pilot tests: what a start
# costs is most of what they cost). `run_checks` names the check that fails.


def test_keys_marks_links_and_failures_at_120_columns(library: Library) -> None:
    """Nine checks in one app (one start instead of nine), each from where a fresh app starts
    (All, the list focused, the first row previewed: `back_to_all_at_the_top` between)."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            first_screen_tab_order_stale_related_results_and_help,
            keys_move_the_cursor_and_enter_opens_and_marks_read,
            m_toggles_read_and_s_stars_in_the_store,
            o_opens_the_url_and_y_copies_it,
            command_palette_jumps_to_a_headline,
            the_footer_follows_the_focus,
            o_and_y_say_what_really_happened,
            a_failure_in_the_core_is_one_notification_and_nothing_is_left_waiting,
            q_quits,
        ],
    )


def test_searching_at_120_columns(library: Library) -> None:
    """Seven checks of searching in one app (one start instead of seven), each from where a
    fresh app starts (`back_to_all_at_the_top` between)."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            searches_without_hits_relaxed_cut_at_the_limit_and_stale,
            an_empty_search_leaves_nothing_stale_and_esc_previews_the_cursor_row,
            search_results_article_related_and_back,
            n_and_N_step_through_the_matches,
            cut_snippets_end_with_the_ellipsis_and_whole_matches,
            the_palette_has_one_keys_command_and_all_headlines_only_in_search,
            escape_in_the_search_box_goes_back_to_the_list,
        ],
    )


def test_at_80_columns(library: Library) -> None:
    """The sidebar's place, then the footer at 80 and narrower (it resizes: it comes last)."""
    checks_in_one_app(
        library,
        (80, 24),
        [
            the_sidebar_never_squeezes_the_article_at_80_columns,
            the_footer_hints_fit_the_width,
        ],
    )


async def _help_closed_on_the_list(pilot: Pilot[Any]) -> None:
    """Esc closes the help: the list alone again, focused (40 columns, one pane)."""
    app = pilot.app
    await pilot.press("escape")
    await settle(pilot)
    assert app.screen is app.reader and app.focused is app.reader.headlines
    assert _shown(app) == ["HeadlineList"] and app.reader.headlines.cursor == 0


def test_at_40_columns(library: Library) -> None:
    """The help on a terminal of 40 x 12, then one pane at a time (which ends at 120 columns)."""
    checks_in_one_app(
        library,
        (40, 12),
        [
            help_stacks_its_columns_on_a_narrow_terminal,
            a_very_narrow_terminal_shows_one_pane_at_a_time,
        ],
        between=_help_closed_on_the_list,
    )


async def first_screen_tab_order_stale_related_results_and_help(pilot: Pilot[Any]) -> None:
    """The first check of its app: what the reader shows as it starts."""
    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    article = app.query_one(ArticleView)
    newest = library.headlines(0, 1)[0]
    # The first screen opens the newest article.
    assert headlines.total == library.count() == 410
    assert app.focused is headlines
    assert article.article is not None and article.article.id == newest.id
    assert app.query_one(RelatedPanel).for_article == newest.id
    # Related results for another article are dropped.
    related = app.query_one(RelatedPanel)
    before = list(related.items)
    app.reader.post_message(RelatedFound(-1, []))
    await pilot.pause()
    assert related.items == before and related.for_article != -1
    # Tab and Shift+Tab move between the panes, h back to the list.
    order = [HeadlineList, ArticleView, RelatedPanel, HeadlineList]
    for pane in order[1:]:
        await pilot.press("tab")
        assert isinstance(app.focused, pane)
    await pilot.press("shift+tab")
    assert isinstance(app.focused, RelatedPanel)
    await pilot.press("h")
    assert isinstance(app.focused, HeadlineList)
    # The help lists the bindings and closes.
    await pilot.press("question_mark")
    assert isinstance(app.screen, HelpScreen)
    text = str(app.screen.query_one("#help-keys").render())
    text += str(app.screen.query_one("#help-keys-panes").render())
    for words in (
        "Search",
        "Next match",
        "Read/unread",
        "Star",
        "Copy URL",
        "Quit",
        "Open",
        "Scroll down",
    ):
        assert words in text
    await pilot.press("escape")
    assert not isinstance(app.screen, HelpScreen)


async def keys_move_the_cursor_and_enter_opens_and_marks_read(pilot: Pilot[Any]) -> None:
    """Its third row must be unread (it asserts so): no check before it reads that row."""
    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    await pilot.press("j", "j", "down", "k")
    assert headlines.cursor == 2
    await pilot.press("G")
    assert headlines.cursor == 409
    await pilot.press("home")
    assert headlines.cursor == 0
    await pilot.press("end", "g", "j", "j")
    target = headlines.current
    assert target is not None and not library.headline(target.id).read
    await pilot.press("enter")
    await settle(pilot)
    article = app.query_one(ArticleView)
    assert article.article.id == target.id
    assert library.headline(target.id).read  # persisted
    assert headlines.current.read  # and shown
    assert app.focused is article
    await pilot.press("escape")
    assert app.focused is headlines
    await pilot.press("l")
    assert app.focused is article


async def m_toggles_read_and_s_stars_in_the_store(pilot: Pilot[Any]) -> None:
    """Its second row must be unread and unstarred (it asserts so); it leaves it read and
    starred."""
    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    await pilot.press("j")
    row = headlines.current
    assert not row.read and not row.starred
    await pilot.press("m")
    await settle(pilot)  # the library is written in a worker
    assert library.headline(row.id).read and headlines.current.read
    await pilot.press("m")
    await settle(pilot)
    assert not library.headline(row.id).read and not headlines.current.read
    await pilot.press("s")
    await settle(pilot)
    assert library.headline(row.id).starred and headlines.current.starred
    # Two presses before either write is done still toggle twice.
    await pilot.press("s", "s")
    await settle(pilot)
    assert library.headline(row.id).starred and headlines.current.starred
    # In the article pane, s stars the open article: its title and its row show it.
    await pilot.press("enter")
    await settle(pilot)
    article = app.query_one(ArticleView)
    assert article.article.id == row.id
    await pilot.press("s")
    await settle(pilot)
    title = str(article.part("title"))
    assert not title.startswith("★") and not headlines.current.starred
    await pilot.press("s")
    await settle(pilot)
    title = str(article.part("title"))
    assert title.startswith("★") and library.headline(row.id).starred


async def o_opens_the_url_and_y_copies_it(pilot: Pilot[Any]) -> None:
    app = pilot.app
    opened: list[str] = []
    app.open_in_browser = lambda url, **kw: opened.append(url)  # no real browser here
    try:
        await pilot.press("j")  # the first row is the seed, stored undated and without a URL
        url = app.query_one(HeadlineList).current.url
        assert url
        await pilot.press("o", "y")
        assert opened == [url]
        assert app.clipboard == url
    finally:
        del app.open_in_browser


async def command_palette_jumps_to_a_headline(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await palette(pilot, "Kemnaker Terus")
    await pilot.press("down", "enter")
    await settle(pilot)
    article = app.query_one(ArticleView).article
    assert article is not None and article.title == SEED_TITLE


def _hints(app: Any) -> list[str]:
    from reader.ui.widgets.footer import ReaderFooter

    footer = app.screen.query_one(ReaderFooter)
    return [f"{hint.key_display} {hint.description}" for hint in footer.hints]


async def the_footer_follows_the_focus(pilot: Pilot[Any]) -> None:
    """The hints are the focused pane's: the search box's few keys, the list's many; and a
    click on a hint presses its key."""
    from reader.ui.widgets.footer import ReaderFooter

    shown = _hints
    app = pilot.app
    on_list = shown(app)
    assert "m Read/unread" in on_list and "/ Search" in on_list
    for _ in range(2):
        await pilot.press("slash")
        await settle(pilot)
        in_box = shown(app)
        assert "m Read/unread" not in in_box and "esc Back" in in_box
        assert len(in_box) < len(on_list)
        await pilot.press("escape")
        await settle(pilot)
        assert shown(app) == on_list
    footer = app.screen.query_one(ReaderFooter)
    x = footer.render().plain.index("/ Search")
    await pilot.click(ReaderFooter, offset=(x, 0))
    await settle(pilot)
    assert app.screen.query_one("#search", Input).has_focus


async def o_and_y_say_what_really_happened(pilot: Pilot[Any]) -> None:
    import webbrowser

    app = pilot.app
    app._clipboard = ""  # the check before copied the same URL
    said: list[tuple[str, str]] = []
    screen = app.reader
    notify = screen.notify

    def record(message: str, **kwargs):
        said.append((message, kwargs.get("severity", "information")))
        return notify(message, **kwargs)

    screen.notify = record
    with pytest.MonkeyPatch.context() as monkeypatch:
        await pilot.press("j")  # the first row (the seed) has no URL
        url = app.query_one(HeadlineList).current.url
        assert url
        asked: list[str] = []
        monkeypatch.setattr(webbrowser, "open", lambda u, new=0: asked.append(u) or False)
        await pilot.press("o")
        assert asked == [url]
        assert said[-1][1] == "warning" and "No web browser" in said[-1][0]
        assert url in said[-1][0]
        monkeypatch.setattr(webbrowser, "open", lambda u, new=0: True)
        await pilot.press("o")
        assert said[-1][0].startswith("Asked the web browser to open")
        await pilot.press("y")
        assert app.clipboard == url
        assert "OSC 52" in said[-1][0] and "Copied" not in said[-1][0]
    del screen.notify


async def a_failure_in_the_core_is_one_notification_and_nothing_is_left_waiting(
    pilot: Pilot[Any],
) -> None:
    """The library is broken for the length of the check."""

    def broken(*args: object, **kwargs: object) -> None:
        raise StorageError("articles.db: database disk image is malformed \x1b[2J[bold]")

    app = pilot.app
    library = app.library
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(library, "related", broken)
        monkeypatch.setattr(library, "search", broken)
        await pilot.press("j", "enter")
        await settle(pilot)
        await search(pilot, "pekerja")
        messages = [n.message for n in app._notifications]
        failure = "articles.db: database disk image is malformed [bold]"
        assert f"Finding related news failed: {failure}" in messages
        assert f"Searching failed: {failure}" in messages
        assert all("\x1b" not in m for m in messages)
        assert app.query_one(RelatedPanel).items == []
        assert app.reader.search is None  # the list still shows every headline
        assert app.query_one(HeadlineList).border_subtitle is None  # not "searching…"
        assert app.is_running


async def q_quits(pilot: Pilot[Any]) -> None:
    """The last check of its app."""
    app = pilot.app
    await pilot.press("q")
    await pilot.pause()
    assert app._exit


async def searches_without_hits_relaxed_cut_at_the_limit_and_stale(pilot: Pilot[Any]) -> None:
    """Searches one after another: each search replaces the last one's results, and each is
    checked as it was on a fresh app."""
    from reader.ui.screens.reader import SEARCH_LIMIT

    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    # A search with no hits says so.
    await search(pilot, "zzzqqq")
    assert headlines.total == 0
    assert app.query_one(ArticleView).article is None
    assert "0 results" in str(headlines.border_title)
    # Search rows show the title on two lines (a list 44 columns wide), the snippet
    # with its matches, the source.
    await search(pilot, "pekerja migran")
    assert headlines.row_height == 4
    lines = [headlines.render_line(y).text.strip() for y in range(4)]
    assert f"{lines[0]} {lines[1]}" == SEED_TITLE
    assert "pekerja migran" in lines[2] and "«" not in lines[2]
    assert lines[3].startswith("jpnn.com")
    # Stale search results are dropped.
    screen = app.reader
    old = SearchState(query="an older search", headlines=[], matcher=Matcher())
    stale = SearchFinished(screen._search_request - 1, old)
    screen.post_message(stale)
    await pilot.pause()
    assert screen.search is not None and screen.search.query == "pekerja migran"
    assert headlines.total > 0
    # A relaxed search says no article has every word.
    await search(pilot, "pekerja migran calya")
    assert app.reader.search.relaxed and headlines.total > 0
    assert "no article has every word" in str(headlines.border_title)
    assert app.query_one(ArticleView).article.title == SEED_TITLE
    await search(pilot, "pekerja migran")
    assert not app.reader.search.relaxed
    assert "no article has every word" not in str(headlines.border_title)
    # A search cut at the limit says there are more.
    assert len(library.search("yang", SEARCH_LIMIT + 1).hits) > SEARCH_LIMIT
    await search(pilot, "yang")
    assert headlines.total == SEARCH_LIMIT
    assert f"{SEARCH_LIMIT}+ results" in str(headlines.border_title)
    assert f"{SEARCH_LIMIT}+ results" in app.reader.sub_title
    await search(pilot, "pekerja migran")
    assert "+ results" not in str(headlines.border_title)


async def search_results_article_related_and_back(pilot: Pilot[Any]) -> None:
    """The related article it opens must be unread (it asserts so)."""
    app = pilot.app
    library = app.library
    await pilot.press("j", "j", "j")
    await pilot.press("slash")
    assert isinstance(app.focused, Input)
    app.focused.value = "pekerja migran"  # typing is tested with "buruh" below
    await pilot.press("enter")
    await settle(pilot)
    screen = app.reader
    headlines = app.query_one(HeadlineList)
    expected = library.search("pekerja migran", 200).hits
    assert screen.search is not None and screen.search.query == "pekerja migran"
    assert screen.mode == "search"
    assert headlines.total == len(expected) == screen.search.count > 0
    assert "pekerja migran" in str(headlines.border_title)
    assert f"{len(expected)} results" in str(headlines.border_title)
    # The first hit is open, its words highlighted, its related news in the sidebar.
    article = app.query_one(ArticleView)
    assert article.article.id == expected[0].id
    assert article.article.title == SEED_TITLE
    assert article.matches
    related = app.query_one(RelatedPanel)
    assert related.for_article == expected[0].id and related.items
    assert {item.reason for item in related.items} <= {"link", "same-story", "similar"}
    # Into the sidebar, open a stored entry.
    await pilot.press("tab", "tab")
    assert app.focused is related
    while (item := related.highlighted_item) is not None and item.id is None:
        await pilot.press("down")  # past the linked headlines that are not stored
    assert item is not None and item.id is not None
    target = item.id
    assert not library.headline(target).read  # no check before it read it
    await pilot.press("enter")
    await settle(pilot)
    assert article.article.id == target
    assert library.headline(target).read
    # Esc: to the list; Esc again: all headlines, highlighting off.
    await pilot.press("escape")
    assert app.focused is headlines and screen.mode == "search"
    await pilot.press("escape")
    assert screen.mode == "all" and headlines.total == 410
    assert headlines.cursor == 3  # back where the search started
    assert article.matches == []


async def n_and_N_step_through_the_matches(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await search(pilot, "pekerja")
    article = app.query_one(ArticleView)
    count = len(article.matches)
    assert count >= 2
    await pilot.press("n")
    assert article.match_index == 0
    await pilot.press("n")
    assert article.match_index == 1
    await pilot.press("N", "N")
    assert article.match_index == count - 1
    await pilot.wait_for_scheduled_animations()  # the scroll follows a refresh
    assert article.scroll_y > 0 or article.virtual_size.height < article.size.height


async def cut_snippets_end_with_the_ellipsis_and_whole_matches(pilot: Pilot[Any]) -> None:
    from reader.ui.widgets.headline_list import _fit_marked

    assert _fit_marked("«pekerja» «migran» asal", 16) == ("pekerja migran…", [(0, 7), (8, 14)])
    assert _fit_marked("Telkom 1 «migrasi» ke", 10) == ("Telkom 1…", [])  # no stray "m"
    app = pilot.app
    headlines = app.query_one(HeadlineList)
    match_style = headlines._style("headline-list--match", headlines.rich_style)
    for query in ('"pekerja migran"', "migr*"):
        await search(pilot, query)
        height = headlines.row_height
        assert height == 4 and headlines.total > 0  # two title lines, snippet, source
        for row in range(headlines.total):
            # Lines are relative to the viewport: look at the row scrolled to the top.
            headlines.scroll_to(y=row * height, animate=False, immediate=True)
            for strip in map(headlines.render_line, range(height)):
                text = strip.text.rstrip()
                if "…" in text[3:]:
                    assert text.endswith("…"), text
                for segment in strip:
                    if segment.style == match_style and segment.text:
                        assert "…" not in segment.text
                        words = ("migr",) if query == "migr*" else ("pekerja", "migran")
                        assert segment.text.lower().startswith(words), text


async def the_palette_has_one_keys_command_and_all_headlines_only_in_search(
    pilot: Pilot[Any],
) -> None:
    app = pilot.app
    titles = [command.title for command in app.get_system_commands(app.reader)]
    assert titles.count("Keys") == 1
    assert "All headlines" not in titles
    await search(pilot, "pekerja")
    titles = [command.title for command in app.get_system_commands(app.reader)]
    assert titles.count("All headlines") == 1
    # The reader's Keys command opens the reader's help screen.
    keys = next(c for c in app.get_system_commands(app.reader) if c.title == "Keys")
    keys.callback()
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)


async def escape_in_the_search_box_goes_back_to_the_list(pilot: Pilot[Any]) -> None:
    app = pilot.app
    search_box = app.query_one("#search", Input)
    await pilot.press("slash", *"buruh")
    assert app.focused is search_box and search_box.value == "buruh"
    await pilot.press("escape")
    assert isinstance(app.focused, HeadlineList)
    assert not search_box.display and app.reader.search is None


async def an_empty_search_leaves_nothing_stale_and_esc_previews_the_cursor_row(
    pilot: Pilot[Any],
) -> None:
    """Its third row must be unread (it asserts so)."""
    app = pilot.app
    library = app.library
    opened: list[str] = []
    app.open_in_browser = lambda url, **kw: opened.append(url)
    try:
        await _empty_search_and_esc(pilot, library, opened)
    finally:
        del app.open_in_browser


async def _empty_search_and_esc(pilot: Pilot[Any], library: Library, opened: list[str]) -> None:
    app = pilot.app
    headlines = app.query_one(HeadlineList)
    article = app.query_one(ArticleView)
    await pilot.press("j", "j")
    previewed = headlines.current
    assert not library.headline(previewed.id).read
    await search(pilot, "xyzzy")
    assert article.article is None
    assert article.part("url") is None and article.part("meta") is None
    shown = "".join(article.render_line(y).text for y in range(article.size.height))
    assert previewed.url not in shown and "xyzzy" in shown
    assert "xyzzy" in str(article.part("title"))
    await pilot.press("o")  # nothing shown, nothing opened
    assert opened == []
    # Esc: all headlines again, the cursor row previewed, still unread, with related news.
    await pilot.press("escape")
    await settle(pilot)
    assert app.reader.search is None and headlines.current.id == previewed.id
    assert article.article is not None and article.article.id == previewed.id
    assert previewed.url in str(article.part("url"))
    assert not library.headline(previewed.id).read
    assert app.query_one(RelatedPanel).for_article == previewed.id
    await pilot.press("o")
    assert opened == [previewed.url]


async def the_sidebar_never_squeezes_the_article_at_80_columns(pilot: Pilot[Any]) -> None:
    app = pilot.app
    article = app.query_one(ArticleView)
    assert _shown(app) == ["HeadlineList", "ArticleView"]
    await pilot.press("r")
    await settle(pilot)
    # The related news take the list's place; the article stays readable.
    assert _shown(app) == ["ArticleView", "RelatedPanel"]
    assert article.region.width >= 36
    assert app.query_one(RelatedPanel).region.right <= 80
    assert app.focused is article
    await pilot.press("escape")  # back to the list: it comes back, the sidebar goes
    await pilot.pause()
    assert _shown(app) == ["HeadlineList", "ArticleView"]
    assert isinstance(app.focused, HeadlineList)


async def the_footer_hints_fit_the_width(pilot: Pilot[Any]) -> None:
    from rich.cells import cell_len

    from reader.ui.widgets.footer import ReaderFooter

    app = pilot.app
    for width in (80, 60, 40):
        await resize(pilot, width, 24)
        await settle(pilot)
        footer = app.screen.query_one(ReaderFooter)
        line = footer.render().plain
        assert footer.hints and cell_len(line) <= width, width
        shown = [f"{hint.key_display} {hint.description}" for hint in footer.hints]
        assert {"? Help", "/ Search"} <= set(shown)
        # Every hint shown whole, in order (a cut-off row would not be).
        at = 0
        for hint in shown:
            at = line.index(hint, at) + len(hint)


async def help_stacks_its_columns_on_a_narrow_terminal(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await pilot.press("question_mark")
    await pilot.pause()
    keys = app.screen.query_one("#help-keys")
    panes = app.screen.query_one("#help-keys-panes")
    assert panes.region.y > keys.region.y or panes.virtual_region.y > keys.virtual_region.y
    assert keys.region.right <= 40


async def a_very_narrow_terminal_shows_one_pane_at_a_time(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert _shown(app) == ["HeadlineList"]
    assert app.query_one(HeadlineList).region.width == 40
    await pilot.press("enter")
    await settle(pilot)
    assert _shown(app) == ["ArticleView"] and app.query_one(ArticleView).region.width == 40
    await pilot.press("r")
    await settle(pilot)
    assert _shown(app) == ["RelatedPanel"] and app.query_one(RelatedPanel).region.right <= 40
    await pilot.press("r")
    await pilot.pause()
    assert _shown(app) == ["ArticleView"]
    await pilot.press("escape")
    await pilot.pause()
    assert _shown(app) == ["HeadlineList"]
    await pilot.press("tab")
    await pilot.pause()
    assert _shown(app) == ["ArticleView"]
    await resize(pilot, 120, 36)
    assert _shown(app) == ["HeadlineList", "ArticleView"]  # r hid the sidebar: it stays so
    await pilot.press("r")
    await pilot.pause()
    assert _shown(app) == ["HeadlineList", "ArticleView", "RelatedPanel"]
