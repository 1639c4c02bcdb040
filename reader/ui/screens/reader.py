"""The reader screen: navigator, headline list, article and related sidebar. It owns the
reading state.

State lives in reactives, each with a watcher that updates what follows from it: `view` (what
the list shows: All, Unread, Starred, a topic or a source), `search` (the list's source, the
titles, the highlights), `sidebar` and `navigator` (the user's `r` and `v`) and `pane` (the
pane in use). Widgets post messages up; every read of the library runs in a worker whose
result comes back as a message, and stale results are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Size
from textual.reactive import Reactive, var
from textual.screen import Screen
from textual.widget import AwaitMount, Widget
from textual.widgets import Input
from textual.worker import Worker, get_current_worker

from reader.core.errors import ReaderError
from reader.core.highlight import Matcher
from reader.core.library import Library
from reader.core.models import HeadlineFilter, PeriodCount
from reader.core.shapes import make_waiting
from reader.ui import collection, failures
from reader.ui.compositor import install as install_compositor
from reader.ui.compositor import paint_now
from reader.ui.history import SearchHistory
from reader.ui.keymap import help_rows
from reader.ui.layout import (
    BREAKPOINTS,
    PANES,
    Pane,
    navigator_shown,
    room_for_all,
    shown_panes,
    sidebar_shown,
    single,
    tab_order,
)
from reader.ui.messages import (
    ArticleLoaded,
    FlagsChanged,
    HeadlinesCounted,
    OpenArticle,
    RelatedFound,
    SearchFinished,
    SearchFor,
    StartViewFound,
    ViewsCounted,
    WeeksCounted,
)
from reader.ui.restyle import StyledWhenMounted
from reader.ui.screens.article_actions import ArticleActions
from reader.ui.screens.list_actions import ListActions
from reader.ui.screens.reader_keys import READER_BINDINGS
from reader.ui.screens.topic_actions import TopicActions
from reader.ui.sparkline import sparkline
from reader.ui.state import SearchState
from reader.ui.text import one_line
from reader.ui.views import ALL, View, count_views, find_view, folds
from reader.ui.widgets.article_view import ArticleView, Spans
from reader.ui.widgets.footer import ReaderFooter
from reader.ui.widgets.header import ReaderHeader
from reader.ui.widgets.headline_list import HeadlineList, LibraryHeadlines, ListedHeadlines
from reader.ui.widgets.navigator import Navigator
from reader.ui.widgets.placed import Panes
from reader.ui.widgets.related_panel import RelatedPanel
from reader.ui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from reader.ui.screens.help import HelpSections

SEARCH_LIMIT = 200
# Hits whose snippets come with the results, at most: those of the rows the list shows at
# once (twelve at 120x40), the others' from the same worker once the results are shown.
FIRST_SNIPPETS = 30
RELATED_LIMIT = 12
# How long the list's cursor rests on a row before the row is previewed (its article and its
# related news, in workers): a burst of keys, or a held key, moves the cursor alone, and the
# preview follows where the burst ends. The first screen's preview waits as long, so the first
# paint and the first keys do not share the machine with related news (it loads numpy).
PREVIEW_DELAY = 0.15
# How long the frame of a search's start (the list focused, "searching…") is held back for the
# results: a search of 1,000 articles takes 2-10 ms, and painting that frame first (20-25 ms
# on a loaded machine) delayed the results' frame by two frame periods. A slower search shows
# "searching…" once this has passed.
START_FRAME_HOLD = 0.06
RELEASE_AFTER = 0.001  # the next turn of the event loop (see on_search_finished)
HITS_SHOWN_WAIT = 2.0  # at most, for the frame with the hits (a guard: it comes or is dropped)


class ReaderScreen(
    TopicActions,
    ListActions,
    ArticleActions,
    StyledWhenMounted,
    Screen[None],
    inherit_bindings=False,
):
    """Four panes. Widgets post messages up; the screen decides what to open and show.

    Its keys are in reader_keys; what the keys for topics, whole lists and one article do is
    in topic_actions, list_actions and article_actions, which it inherits."""

    HORIZONTAL_BREAKPOINTS = BREAKPOINTS  # app.tcss sizes the panes by these classes
    # The header, the panes and the footer cover the whole screen: Textual's paint of the
    # screen's own background behind them (every line of it in the first frame, whose full
    # update draws every widget) is a blank line each, in the screen's colours.
    BLANK = True
    # The list has the focus from the start (Textual's default, the first focusable widget,
    # is the hidden search box: focused, then left on mount, it restyled both once more).
    AUTO_FOCUS = "HeadlineList"
    BINDINGS = READER_BINDINGS

    view: var[View] = var(ALL, init=False)  # what the list shows when no search is
    unread_only: var[bool] = var(False, init=False)  # the user's u: the view's unread only
    search: var[SearchState | None] = var(None, init=False)  # None: the view's headlines
    sidebar: var[bool | None] = var(None, init=False)  # the user's r; None: shown when wide
    navigator: var[bool | None] = var(None, init=False)  # the user's v; None: shown when wider
    pane: var[Pane] = var("list", init=False)  # in use; the only one shown on a narrow terminal

    # Textual's Screen repaints itself whole (every pane's lines composed again) when the focus
    # moves and when its sub-title changes. This screen draws nothing of its own that either
    # changes: the panes that gain or lose the focus restyle themselves and the Header shows
    # the sub-title. So neither repaints it: Enter in the search box (the focus to the list,
    # the search in the sub-title) was two full-screen frames.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    sub_title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)

    def __init__(
        self,
        library: Library,
        cursor_blink: bool = True,
        start_view: str = "all",
        fold_stories: bool = True,
        history: SearchHistory | None = None,
    ) -> None:
        super().__init__()
        install_compositor(self)  # partial updates draw only the widgets they can show
        self.library = library
        self.fold_stories = fold_stories
        self.history = history
        self.cursor_blink = cursor_blink
        self.start_view = start_view
        self._layout_held = 0  # inside _layout_change: lay out once, at its end
        self._weeks: list[PeriodCount] = []  # the view's articles per week (the list's chart)
        self._weeks_request = 0
        self._search_request = 0
        self._sort = "relevance"  # how search results are ordered ("newest": newest first)
        self._count_request = 0
        self._views_request = 0
        self._unread_request = 0
        self._opening: int | None = None  # the article asked for last; others' results are stale
        self._preview_of: int | None = None  # the row _opening previews (None: not a preview)
        self._all_cursor = 0  # the list's cursor when a search began: Esc returns there
        self._known_count: int | None = None  # None until the first count
        self._watch = library.watch()
        # A flag toggle reads the flag and writes its opposite; two quick presses (two workers)
        # must not both read the old value.
        self._flags_lock = threading.Lock()
        self._flag_panes: tuple[Widget, ...] = ()  # the panes that show flags (set on mount)
        self._after_rest: list[Callable[[], None]] = []  # see _when_resting
        self._search_warmed = False  # whether _warm_search has been started (once a process)
        self._paint_held: ExitStack | None = None  # see _hold_paint
        self._paint_free = asyncio.Event()  # clear while _hold_paint holds the painting back
        self._paint_free.set()
        # Set once the newest search's hits are on screen: its worker then works out the
        # snippets of the hits below them (see _search).
        self._hits_shown = threading.Event()
        self._first_painted = False  # see on_idle
        # The search box (None until first shown) and its mount (see _show_search_box).
        self._box: SearchBox | None = None
        self._box_mounted: AwaitMount | None = None

    def compose(self) -> ComposeResult:
        # Before the panes are mounted, so that each is styled once, for the terminal's width.
        self._classes_before_the_first_layout(self.app.size.width)
        yield ReaderHeader(icon="≡")
        # No search box yet: it is mounted when first shown (_show_search_box).
        with Panes(id="panes"):
            yield Navigator(id="navigator")
            yield HeadlineList(id="headlines")  # empty until the first count comes back
            yield ArticleView(id="article")
            yield RelatedPanel(id="related")
        yield ReaderFooter()

    def on_mount(self) -> None:
        self.article.border_title = "Article"
        self.related.border_title = "Related"
        self.nav.border_title = "Views"
        self._flag_panes = (self.headlines, self.article)
        # Textual hides the notifications' rack when the screen is first shown (ToastRack.show,
        # display False with none to show), after the first layout: a second layout of the
        # whole screen, which the first key waited for. Hidden now, the first layout has it.
        for rack in self.query("#textual-toastrack"):
            rack.display = False
        # The screen's size, known already: Textual lays a screen out at once when it is first
        # shown if its size is not the terminal's (Screen._on_screen_resume, 8.2.8), before
        # the layouts its widgets asked for as they were mounted (those came just after, a
        # second layout of the whole screen). Now one layout, on the next frame, does both.
        self._size = self.app.size
        self._apply_layout()
        self.headlines.focus()
        try:
            # Read here, on the UI thread, so that the first paint shows the headlines instead
            # of an empty list a worker fills a few frames later: the start view (a topic is
            # looked up by its name) and its count along an index (~10 ms at 100,000
            # articles). A store that fails here is read again in a worker, which reports it.
            view = find_view(self.library, self.start_view)
            total = self.library.count(self._filter_of(view or ALL))
        except ReaderError:
            self._update_titles()
            self._find_start_view(self.start_view)
            return
        self._open_start_view(self.start_view, view, total)

    def on_idle(self, event: events.Idle) -> None:
        """The first frame is painted as soon as the screen and its widgets are ready, not at
        the next tick of the screen's update timer (up to 17 ms later, nothing else to do)."""
        if not self._first_painted:
            self._first_painted = paint_now(self)

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def _find_start_view(self, name: str) -> None:
        self.post_message(StartViewFound(name, find_view(self.library, name)))

    def on_start_view_found(self, message: StartViewFound) -> None:
        self._open_start_view(message.name, message.view, None)

    def _open_start_view(self, name: str, view: View | None, total: int | None) -> None:
        if view is None:
            self.notify(
                f"[ui] start_view {one_line(name)!r}: no view or topic has that name; showing All.",
                severity="warning",
                markup=False,
                timeout=8,
            )
        self._start(view or ALL, total)

    def _set_view_quietly(self, view: View) -> None:
        """Another view without reading its list again (the caller lists it, or it did not
        change but for its name)."""
        self.set_reactive(ReaderScreen.view, view)

    def _start(self, view: View, total: int | None = None) -> None:
        """The first screen: the view's newest article is previewed once counted. With the
        view's `total` counted already, its headlines are listed now, and every view is counted
        for the navigator once the cursor rests (see _when_resting)."""
        self._set_view_quietly(view)
        self.nav.show_current(view.key)
        if not total:  # not counted, or empty: the worker also asks whether feeds are followed
            self._update_titles()
            self.refresh_headlines(quiet=True)  # the first count opens the newest article
            return
        self._count_request += 1
        self.on_headlines_counted(HeadlinesCounted(self._count_request, total, None, quiet=True))
        self._when_resting(self.refresh_views)

    # -- panes ---------------------------------------------------------------------------------

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def related(self) -> RelatedPanel:
        return self.query_one(RelatedPanel)

    @property
    def nav(self) -> Navigator:
        return self.query_one(Navigator)

    async def _show_search_box(self) -> SearchBox:
        """The search box, shown; mounted first the first time. Not composed with the screen
        (its CSS, styles and mount were a part of the first screen's cost where it is hidden);
        mounted when first asked for. The caller awaits the mount: `/` is a priority binding,
        run in the app's loop, so the keys typed after it wait for the box to take the focus."""
        box = self._box
        if box is None:
            box = self._box = SearchBox(
                self.history,
                placeholder='Search: words, "a phrase", source:jpnn.com, since:2018-01-01',
                id="search",
                compact=True,
            )
            box.cursor_blink = self.cursor_blink
            self._box_mounted = self.mount(box, after=self.query_one(ReaderHeader))
            await self._box_mounted
            self._box_mounted = None  # awaited again, it would lay the screen out again
            # Its CSS, new to the stylesheet, emptied what the list keeps per style state:
            # keep its styles and its rows' paint as they are now (no rule for the box changes
            # them), so that the search's Enter, the focus back on the list, finds them.
            self.headlines.keep_paint()
        elif self._box_mounted is not None:
            await self._box_mounted  # a second caller while the first one's mount runs
        box.display = True
        return box

    @property
    def mode(self) -> Literal["all", "search"]:
        """What the list shows: the view's headlines ("all") or "search" results."""
        return "all" if self.search is None else "search"

    def _pane_widget(self, pane: Pane) -> Widget:
        widgets: dict[Pane, Widget] = {
            "navigator": self.nav,
            "list": self.headlines,
            "article": self.article,
            "related": self.related,
        }
        return widgets[pane]

    def _pane_of(self, widget: Widget | None) -> Pane | None:
        return next((pane for pane in PANES if self._pane_widget(pane) is widget), None)

    # -- layout --------------------------------------------------------------------------------

    def _single(self) -> bool:
        return single(self.size.width)

    def _sidebar_shown(self) -> bool:
        return sidebar_shown(self.size.width, self.sidebar)

    def shown_panes(self) -> tuple[Pane, ...]:
        """The panes on screen now, in order (see reader.ui.layout)."""
        return shown_panes(self.size.width, self.sidebar, self.pane, self.navigator)

    def _navigator_shown(self) -> bool:
        return navigator_shown(self.size.width, self.navigator)

    @contextmanager
    def _layout_change(self) -> Iterator[None]:
        """Change several of sidebar, navigator and pane, and lay the panes out once after."""
        self._layout_held += 1
        try:
            yield
        finally:
            self._layout_held -= 1
            self._apply_layout()

    def _classes_before_the_first_layout(self, width: int) -> None:
        """The breakpoint and pane classes for the terminal's width, set before the panes are
        mounted. Set after the first layout (by Textual's Screen._on_resize, then _apply_layout
        on the first Resize), they restyled every pane and laid the whole screen out a second
        time before the first screen was complete; set on mount, they restyled every pane
        once more than needed."""
        if not width:
            return
        point = next(name for at, name in sorted(BREAKPOINTS, reverse=True) if width >= at)
        for _, name in BREAKPOINTS:
            self.set_class(name == point, name, update=False)
        shown = shown_panes(width, self.sidebar, self.pane, self.navigator)
        for pane in PANES:
            self.set_class(pane in shown, f"-show-{pane}", update=False)
        self.update_node_styles()

    def _apply_layout(self) -> None:
        """Show the panes `shown_panes` names (app.tcss sizes them for the breakpoint), and
        move the focus off a pane that went away."""
        if not self.size.width or self._layout_held:
            return
        shown = self.shown_panes()
        # A class change restyles every pane; change them all, then restyle once.
        changed = False
        for pane in PANES:
            name = f"-show-{pane}"
            if self.has_class(name) != (pane in shown):
                self.set_class(pane in shown, name, update=False)
                changed = True
        if changed:
            self.update_node_styles()  # the list, resized, fits its title's chart again
        focused = self._pane_of(self.focused)
        if focused is not None and focused not in shown:
            # What had focus went away (r hid it, or the terminal shrank): focus what is shown.
            self._show_pane("article" if "article" in shown else shown[0])

    def watch_sidebar(self) -> None:
        self._apply_layout()

    def watch_pane(self) -> None:
        self._apply_layout()

    def watch_navigator(self) -> None:
        self._apply_layout()

    def _screen_resized(self, size: Size) -> None:
        """Textual's (8.2.8), less the layouts for the size the screen is laid out at already:
        a Resize that tells the terminal's size again (the first screen had three) laid the
        whole screen out each time, besides the frame's own layout of what asked for one."""
        if size == self._compositor.size:
            return  # what waits to be laid out is, at the next frame (Screen._layout_required)
        if not self._compositor.size and self._layout_required:
            # Not laid out yet, and the first layout is to come at the next frame: at this size.
            self._size = size
            return
        super()._screen_resized(size)

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout()

    def _show_pane(self, pane: Pane) -> None:
        self.pane = pane
        self.set_focus(self._pane_widget(pane))

    def _panes(self) -> list[Widget]:
        """The panes Tab cycles through, in order (one at a time on a narrow terminal)."""
        order = tab_order(self.size.width, self.sidebar, self.pane, self.navigator)
        return [self._pane_widget(pane) for pane in order]

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        pane = self._pane_of(event.widget)
        if pane is None:
            return
        with self._layout_change():
            if pane == "related" and "related" not in self.shown_panes():
                self._bring_in("related")
            elif pane == "navigator" and "navigator" not in self.shown_panes():
                self._bring_in("navigator")
            elif pane == "list" and "list" not in self.shown_panes() and not self._single():
                # Back to the list: it takes its place back from the related news or the
                # navigator.
                if self._navigator_shown():
                    self.navigator = None  # hidden here by default
                else:
                    self.sidebar = False
            self.pane = pane

    def _bring_in(self, pane: Literal["navigator", "related"]) -> None:
        """Show the navigator or the related news; where both do not fit, the other goes."""
        apart = not room_for_all(self.size.width)
        with self._layout_change():
            if pane == "navigator":
                self.navigator = True
                if apart and not self._single():
                    self.sidebar = False
            else:
                self.sidebar = True
                if apart and not self._single():
                    self.navigator = False

    # -- titles --------------------------------------------------------------------------------

    def _update_titles(self) -> None:
        state = self.search
        name = one_line(self.view.name)  # a topic's or a source's name: text, never markup
        if self.unread_only and self.view.key != "unread":
            name += ", unread"
        if state is None:
            total = self.headlines.total
            counted = f"{total:,}" if self._known_count is not None else "…"
            title = Content.assemble((name, "bold"), f" · {counted}")
            # The view's weeks after its name, in the room the border leaves (its corners and a
            # space each side): newest week last, never cut; none when fewer than 4 fit.
            room = self.headlines.outer_size.width - 7 - title.cell_length - 2
            chart = sparkline(self._weeks, min(26, room)) if room >= 4 else ""
            self.headlines.border_title = (
                Content.assemble(title, "  ", (chart, "$text-accent")) if chart else title
            )
            self.headlines.border_subtitle = None
            self.sub_title = f"{name} · {counted} articles"  # the header shows it literally
            return
        query = one_line(state.query)
        scope = one_line(state.scope) if state.scope else "all articles"
        order = " · newest first" if state.sort == "newest" else ""
        self.headlines.border_title = Content.assemble(
            "Search “", (query, "bold"), f"” in {scope}{order} · {state.found()}"
        )
        widen = " · w: search all" if state.scope else ""
        self.headlines.border_subtitle = Content(f"Esc: back to {name}{widen}")
        self.sub_title = f"search “{query}” in {scope}{order} · {state.found()}"

    # -- the headline count (first screen, refresh, articles stored from elsewhere) ------------

    def check_store(self) -> None:
        """Called every few seconds: take in articles the command line stored meanwhile.

        Costs one `PRAGMA data_version` when nothing changed.
        """
        if self._watch.changed():
            self.refresh_headlines()

    def action_refresh_headlines(self) -> None:
        self.refresh_headlines(report_none=True)

    def refresh_headlines(self, quiet: bool = False, report_none: bool = False) -> None:
        """Count the view's headlines again (in a worker) and redraw the list, the cursor kept
        on the same article; and every view's counts for the navigator. Search results are
        left alone; the view is re-read when the search is left. `quiet`: say nothing about new
        articles; `report_none`: say when there are none.
        """
        self._count_request += 1
        current = self.headlines.current if self.search is None else None
        keep = current.id if current and self._known_count is not None else None
        self._count(self._count_request, self.listed(), keep, quiet, report_none)
        self.refresh_views()

    def listed(self) -> HeadlineFilter:
        """The filter of the headlines the list shows: the view's, unread only after u, a
        story once when stories are folded."""
        return self._filter_of(self.view)

    def _filter_of(self, view: View) -> HeadlineFilter:
        listed = replace(view.filter, fold_stories=self.fold_stories and folds(view))
        return replace(listed, unread=True) if self.unread_only else listed

    def count_weeks(self) -> None:
        """The view's articles per week for the list's chart, in a worker (a view chosen,
        articles arrived or deleted; never on a cursor key)."""
        self._weeks_request += 1
        self._count_weeks(self._weeks_request, replace(self.listed(), unread=False))

    @work(thread=True, exclusive=True, group="weeks", exit_on_error=False)
    def _count_weeks(self, request: int, view: HeadlineFilter) -> None:
        periods = self.library.per_period(view, period="week")
        if not get_current_worker().is_cancelled:
            self.post_message(WeeksCounted(request, periods))

    def on_weeks_counted(self, message: WeeksCounted) -> None:
        if message.request == self._weeks_request:
            self._weeks = message.periods
            self._update_titles()

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def _count(
        self, request: int, view: HeadlineFilter, keep: int | None, quiet: bool, report_none: bool
    ) -> None:
        total = self.library.count(view)
        position = self.library.position(keep, view) if keep is not None else None
        no_feeds = not total and not self.library.feeds()
        self.post_message(HeadlinesCounted(request, total, position, quiet, report_none, no_feeds))

    def refresh_views(self) -> None:
        """Count every view again for the navigator, in a worker (flags changed, articles
        arrived); never on a cursor key."""
        self._views_request += 1
        self._count_views(self._views_request)

    @work(thread=True, exclusive=True, group="views", exit_on_error=False)
    def _count_views(self, request: int) -> None:
        counts = count_views(self.library, self.fold_stories)
        if not get_current_worker().is_cancelled:
            self.post_message(ViewsCounted(request, counts))

    def on_views_counted(self, message: ViewsCounted) -> None:
        if message.request == self._views_request:
            self.nav.show_counts(message.counts, self.view.key)

    def on_flags_changed(self, message: FlagsChanged) -> None:
        """An article was read, unread, starred or unstarred: the navigator's counts follow."""
        self.refresh_views()

    def on_headlines_counted(self, message: HeadlinesCounted) -> None:
        if message.request != self._count_request:
            return  # stale: a newer count was asked for
        first = self._known_count is None
        added = 0 if self._known_count is None else message.total - self._known_count
        if first:
            self._when_resting(self.count_weeks)  # the chart follows the first paint
            self._when_resting(self._warm_search_once)
        elif added:
            self.count_weeks()
        self._known_count = message.total
        if self.search is None:
            if message.total == self.headlines.total and not first:
                self.headlines.reload()  # same rows, maybe changed: no jump of the cursor
            else:
                source = LibraryHeadlines(self.library, message.total, self.listed())
                self.headlines.set_source(source, cursor=message.position or 0)
            self._update_titles()
            if self._opening is None and self.headlines.current is not None:
                # A preview, not a reading: launching the reader must not mark anything read.
                self._preview_later()
            elif first and self.headlines.current is None:
                self._show_empty_view(message.no_feeds)
        if added > 0 and not message.quiet:
            self.notify(f"{added} new {'article' if added == 1 else 'articles'}", timeout=3)
        elif added <= 0 and message.report_none:
            self.notify("No new articles.", timeout=2)

    # -- views ---------------------------------------------------------------------------------

    def on_navigator_view_chosen(self, message: Navigator.ViewChosen) -> None:
        message.stop()
        self.leave_search()
        self.view = message.view
        with self._layout_change():
            if self._navigator_shown() and not room_for_all(self.size.width):
                # Brought in to choose: it gives its place back (to the list or the related).
                self.navigator = None
                self.sidebar = None
            self._show_pane("list")

    def watch_view(self, view: View) -> None:
        """Another view: its headlines from the top, its newest article previewed."""
        self.nav.show_current(view.key)
        self._list_anew()

    def watch_unread_only(self) -> None:
        self._list_anew()

    def _list_anew(self, keep: int | None = None) -> None:
        """The view's list from nothing; the cursor on `keep` once counted (else the top)."""
        self._known_count = None
        self._all_cursor = 0
        self._opening = None
        self.headlines.set_source(ListedHeadlines([]))  # until the view is counted
        self._update_titles()
        self._count_request += 1
        self._count(self._count_request, self.listed(), keep, True, False)
        self.refresh_views()

    def action_toggle_unread_only(self) -> None:
        self.leave_search()
        self.unread_only = not self.unread_only
        self.headlines.focus()

    def _show_empty_view(self, no_feeds: bool = False) -> None:
        self._opening = None
        if no_feeds:  # a store that follows nothing yet: where the news could come from
            self.article.show_message(
                f"No articles in {one_line(self.view.name)}, and no feeds followed",
                "Ctrl+P “Suggested sources” follows public feeds of Indonesian news sites "
                "(labour, economy, national news) and fetches them; or add your own with "
                "'kemnaker-reader feeds add URL'.",
            )
        else:
            self.article.show_message(
                f"No articles in {one_line(self.view.name)}",
                "Choose another view in the navigator (v), or fetch feeds (Ctrl+P).",
            )
        self.related.show_note("No article open.")

    # -- opening -------------------------------------------------------------------------------

    def on_headline_list_resized(self, message: HeadlineList.Resized) -> None:
        self._update_titles()  # the chart in the list's title fits its width as it is now

    def on_headline_list_cursor_moved(self, message: HeadlineList.CursorMoved) -> None:
        """The cursor moved: its row is previewed once the cursor rests there."""
        self._preview_later()

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def _preview_later(self) -> None:
        # The next cursor move cancels this wait (exclusive) and starts its own. The rest is
        # counted from the frame that shows the move: counted from the key, a frame slower
        # than the rest (the machine busy) let the preview start in the middle of a walk,
        # and its article and related news delayed the keys after it. (A key while a search's
        # start holds the painting back: the rest starts once it is let go, see
        # _after_hits_painted.)
        await self._paint_free.wait()
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        await painted.wait()
        await asyncio.sleep(PREVIEW_DELAY)
        collection.at_rest()  # what the keys left behind, collected before the next key
        waiting, self._after_rest = self._after_rest, []
        for run in waiting:
            run()
        self._preview_cursor()

    def _when_resting(self, work: Callable[[], None]) -> None:
        """Start `work` (workers for what is not on the first screen: the navigator's counts,
        the chart) once the cursor rests, with the preview: the first keys, pressed as soon as
        the list shows, do not share the machine with it."""
        self._after_rest.append(work)
        self._preview_later()

    def _preview_cursor(self) -> None:
        """Preview the row under the cursor (unread: a preview is not a reading), unless it is
        the article open already or no pane that shows it is on screen."""
        current = self.headlines.current
        if current is None or current.id == self._opening:
            return
        shown = self.shown_panes()
        if "article" not in shown and "related" not in shown:
            return  # one pane at a time, the list's: Enter opens the article
        self.open_article(current.id, mark_read=False)
        self._preview_of = current.id

    def _left_behind(self, article_id: int) -> bool:
        """Whether `article_id` is a preview of a row the cursor has left since: its text and
        related news, drawn as they arrive, would take the UI thread from the next keys (and
        be replaced once the cursor rests). Then the row the cursor rests on is previewed,
        even if the cursor comes back to this one."""
        if self._preview_of != article_id:
            return False
        current = self.headlines.current
        if current is not None and current.id == article_id:
            return False
        self._opening = self._preview_of = None
        return True

    def on_open_article(self, message: OpenArticle) -> None:
        """From any pane or the palette: open the article and move to it."""
        message.stop()
        self.open_article(message.article_id)
        self._show_pane("article")  # at once; the text follows from the worker

    def open_article(self, article_id: int, mark_read: bool = True) -> None:
        """Read an article (and mark it read) and look for its related news, in workers."""
        self._opening = article_id
        self._preview_of = None
        self.related.show_loading(article_id)
        self._load_article(article_id, mark_read)
        self._find_related(article_id)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_article(self, article_id: int, mark_read: bool) -> None:
        article = self.library.get(article_id)
        # A read-only store is read without marks (pressing m or s says why it cannot).
        mark_read = mark_read and not self.library.read_only
        if article is not None and mark_read and not article.read:
            with self._flags_lock:
                # Reading one version of a story reads the story: its other versions too.
                read = self.library.mark_story_read(article_id)
                article.read = True
                for headline in self.library.headlines_by_id(read):
                    self._flags_changed(headline.id, True, headline.starred)
        self.post_message(ArticleLoaded(article_id, article))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker failed: say so (reader.ui.failures), and leave no pane waiting for it."""
        if not failures.failed(event):
            return
        failures.report(self.app, event.worker)
        if event.worker.group == "search":
            self.headlines.border_subtitle = None  # no longer "searching…"
            self._release_paint()
        elif event.worker.group == "related":
            self.related.show_note("Related news could not be found.")

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        if message.article_id != self._opening or self._left_behind(message.article_id):
            return  # stale: another article was asked for meanwhile, or the cursor moved on
        if message.article is None:
            self.notify("That article is no longer in the store.", severity="warning")
        else:
            self.article.show(message.article, self._highlights())

    def _highlights(self) -> Spans | None:
        matcher: Matcher | None = self.search.matcher if self.search else None
        return matcher.spans if matcher else None

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find_related(self, article_id: int) -> None:
        items = self.library.related(article_id, RELATED_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(RelatedFound(article_id, items))

    def on_related_found(self, message: RelatedFound) -> None:
        if message.article_id != self._opening or self._left_behind(message.article_id):
            return  # stale: another article was opened meanwhile, or the cursor moved on
        self.related.show_items(message.article_id, message.items)

    # -- search --------------------------------------------------------------------------------

    async def action_search(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # a `/` typed into the box is a character
        search = await self._show_search_box()
        search.history.reset()
        search.keep_styles()  # unfocused, as Enter will leave it: not matched again then
        self.set_focus(search)  # now, not after this key's turn (see BINDINGS)
        # A search opens its own first hit: the row the cursor rests on is not previewed
        # meanwhile (its related news would share the machine with the search).
        self.workers.cancel_group(self, "preview")
        self._warm_search_once()  # while the query is typed, if the first rest has not come

    def _warm_search_once(self) -> None:
        if not self._search_warmed:
            self._search_warmed = True
            self._warm_search()

    @work(thread=True, group="warm", exit_on_error=False)
    def _warm_search(self) -> None:
        """What the first search of a process pays for once (the alias and stemmer tables:
        20-80 ms by the load, ahead of its own 1-10 ms), paid off the first screen and
        before Enter. Work nobody asked for: a store that cannot be read says so when the
        search itself reads it, not in a notice of its own."""
        with contextlib.suppress(ReaderError):
            self.library.warm_search()
        make_waiting()  # the data shapes its results and the related news are made of

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.show_all()
            return
        self.run_search(text)
        # Written to its file once the frame with the hits is painted (_release_paint): a
        # file written here, 0.3-0.5 ms and at times several ms on a busy disk, came before it.
        self.query_one("#search", SearchBox).history.add(text, save=False)
        self.headlines.focus()

    def _save_history(self) -> None:
        """Write the search history's new query to its file (and say so if it cannot be)."""
        history = self.query_one("#search", SearchBox).history
        history.flush()
        if history.problem:
            self.notify(history.problem, severity="warning", markup=False, timeout=6)
            history.problem = None

    async def on_search_for(self, message: SearchFor) -> None:
        """Enter on a linked headline that is not stored: the store searched for its words
        (everywhere: the headline may be in another view)."""
        box = await self._show_search_box()
        box.value = message.text
        self.run_search(message.text, everywhere=True)
        self.headlines.focus()

    def run_search(self, text: str, everywhere: bool = False) -> None:
        """Start a search (within the view's topic, unless `everywhere`); only the newest
        request's results will be shown."""
        self._search_request += 1
        self._hold_paint()
        self.headlines.border_subtitle = Content(f"searching “{one_line(text)}”…")
        # A topic's view searches within it; the others, everything.
        scope = None if everywhere else self.view.topic
        self._hits_shown.set()  # an older search's worker waits no longer
        self._hits_shown = threading.Event()
        first = min(FIRST_SNIPPETS, self.headlines.hit_rows_shown())
        self._search(self._search_request, text, scope, self._sort, self._hits_shown, first)

    def _hold_paint(self) -> None:
        """Paint nothing until the search's results are listed or START_FRAME_HOLD has passed,
        whichever comes first: what changed meanwhile (the focus, the list's subtitle, keys
        pressed) is painted then, with the results when they came in time."""
        if self._paint_held is None:
            self._paint_held = ExitStack()
            self._paint_held.enter_context(self.app.batch_update())
            self._paint_free.clear()
            self.set_timer(START_FRAME_HOLD, self._release_paint)
            collection.hold()  # no garbage collected on the way to that frame either

    def _release_paint(self) -> None:
        held, self._paint_held = self._paint_held, None
        if held is not None:
            held.close()
            self._paint_free.set()
            self.call_after_refresh(self._after_release)

    def _after_release(self) -> None:
        """After the frame let go by _release_paint: the garbage collected, the history saved."""
        collection.release()
        self._save_history()

    def action_widen_search(self) -> None:
        if self.search is not None and self.search.scope is not None:
            self.run_search(self.search.query, everywhere=True)

    def action_toggle_sort(self) -> None:
        """Search results by relevance or newest first; results shown are searched again."""
        self._sort = "newest" if self._sort == "relevance" else "relevance"
        if self.search is not None:
            self.run_search(self.search.query, everywhere=self.search.scope is None)
        else:
            order = "newest first" if self._sort == "newest" else "by relevance"
            self.notify(f"Search results will be listed {order}")

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(
        self,
        request: int,
        text: str,
        scope: str | None,
        sort: str,
        shown: threading.Event,
        first: int,
    ) -> None:
        """Search, and post the results with the snippets of the `first` hits (the rows on
        screen); the others' are worked out once the hits are shown."""
        worker = get_current_worker()
        # One more than shown: whether the limit cut the results off, at no extra cost.
        result = self.library.search(text, SEARCH_LIMIT + 1, topic=scope, sort=sort, snippets=first)
        hits = result.hits[:SEARCH_LIMIT]
        if worker.is_cancelled:
            return
        headlines = self.library.headlines_by_id([hit.id for hit in hits])
        state = SearchState(
            query=text,
            headlines=headlines,
            matcher=result.matcher,
            snippets={hit.id: hit.snippet for hit in hits if hit.snippet},
            more=len(result.hits) > SEARCH_LIMIT,
            relaxed=any(hit.relaxed for hit in hits),
            scope=scope,
            sort=sort,
        )
        if worker.is_cancelled:
            return
        self.post_message(SearchFinished(request, state))
        rest = [hit.id for hit in hits[first:]]
        if rest:
            # Once the hits are painted: worked out meanwhile, these shared the machine with
            # the results' frame (5-7 ms for the 70 later hits of "banjir" at 10,000 items).
            shown.wait(HITS_SHOWN_WAIT)
            if worker.is_cancelled:
                return
            more = self.library.snippets(result, rest)
            if not worker.is_cancelled:
                self.app.call_from_thread(self._add_snippets, state, more)

    def _add_snippets(self, state: SearchState, snippets: dict[int, str]) -> None:
        """The later hits' snippets, into the results they belong to (if still shown)."""
        state.snippets.update((i, text) for i, text in snippets.items() if text)
        if self.search is state:
            self.headlines.redraw()

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.request != self._search_request:
            return  # stale: a newer search was started, or the search was left
        self.search = message.state
        # The results' frame, with whatever came before it, once the widgets the results
        # changed have asked to be painted (each asks from its own task: released here, the
        # frame came before the header's and the list's requests, and a second frame after).
        self.set_timer(RELEASE_AFTER, self._release_paint)

    def watch_search(self, old: SearchState | None, new: SearchState | None) -> None:
        """The list's source, its titles and the article's highlights follow the search."""
        if new is None:
            self._list_all()
        else:
            if old is None:
                self._all_cursor = self.headlines.cursor  # where Esc will return to
            self._list_results(new)
        self._update_titles()

    def _list_results(self, state: SearchState) -> None:
        self.headlines.set_source(ListedHeadlines(state.headlines, state.snippets))
        first = self.headlines.current
        self._after_hits_painted(state, self._hits_shown, None if first is None else first.id)
        if first is not None:
            return
        self._opening = None
        self.article.show_message(
            f"Nothing matches “{one_line(state.query)}”",
            f"Try fewer words, another form of a word, or Esc for {one_line(self.view.name)}.",
        )
        self.related.show_note("No article open.")

    # Described: Textual's @work otherwise describes a worker by the repr of its arguments,
    # the search's whole state (every hit) written out on the way to the hits' frame.
    @work(exclusive=True, group="preview", exit_on_error=False, description="first hit")
    async def _after_hits_painted(
        self, state: SearchState, shown: threading.Event, article_id: int | None
    ) -> None:
        """Once the frame that shows the hits is painted, let the search's worker work out
        the snippets of the hits below them, and open the first hit: started at once,
        its article and related news (in threads) and their results' frames shared the
        machine with that frame and came before it. A cursor move meanwhile cancels this
        (same group) and previews the row it rests on instead; leaving the results (Esc)
        meanwhile opens nothing. (While the painting is held back, Textual runs the callbacks
        that wait for a refresh without painting: the wait starts once it is released.)"""
        try:
            await self._paint_free.wait()
            painted = asyncio.Event()
            self.call_after_refresh(painted.set)
            await painted.wait()
        finally:
            shown.set()  # painted, or this wait cancelled by a cursor move
        if article_id is not None and self.search is state:
            self.open_article(article_id)

    def _list_all(self) -> None:
        source = LibraryHeadlines(self.library, self._known_count or 0, self.listed())
        self.headlines.set_source(source, cursor=self._all_cursor)
        self.refresh_headlines(quiet=True)  # articles stored while the results were shown
        current = self.article.article
        if current is not None:
            self.article.show(current)  # repaint without highlights
        elif self.headlines.current is not None:
            # The search found nothing and the pane was emptied: preview the row under the
            # cursor again (a preview, so it stays unread), with its related news.
            self.open_article(self.headlines.current.id, mark_read=False)
        else:
            self.related.show_note("No article open.")

    def show_all(self) -> None:
        """Leave search results: back to the view's headlines, highlighting off."""
        self.leave_search()
        self.headlines.focus()

    def on_unmount(self) -> None:
        self._hits_shown.set()  # a search's worker waits for no frame of a closing screen
        collection.release()  # a search's hold, if its frame never came
        if self.history is not None:
            self.history.flush()  # a query run just before, not written yet

    def leave_search(self) -> None:
        self._search_request += 1  # any search still running is now stale
        self._hits_shown.set()  # its worker has no hits to wait for
        search = self._box
        if search is not None:
            search.value = ""
            search.display = False
        self.search = None

    # -- navigation ----------------------------------------------------------------------------

    def action_back(self) -> None:
        focused = self.focused
        search = self._box
        if search is not None and focused is search:
            if self.search is not None:
                search.value = self.search.query
                self.headlines.focus()
            else:
                self.show_all()
                self._preview_later()  # the preview `/` put off
        elif focused in (self.article, self.related, self.nav):
            self.headlines.focus()
        elif self.search is not None:
            self.show_all()

    def action_cycle_pane(self, step: int) -> None:
        panes = self._panes()
        if not panes:
            return
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1 if step > 0 else 0
        panes[(index + step) % len(panes)].focus()

    def action_page(self, direction: int) -> None:
        self.article.page(direction)

    def action_match(self, step: int) -> None:
        if not self.article.next_match(step):
            self.notify("No search matches in this article.", timeout=2)

    def action_toggle_sidebar(self) -> None:
        with self._layout_change():
            self._toggle_sidebar()

    def _toggle_sidebar(self) -> None:
        shown = self._sidebar_shown() and (self._single() or "related" in self.shown_panes())
        if shown:
            self.sidebar = False
        else:
            self._bring_in("related")
        if shown and self.focused is self.related:
            self._show_pane("article" if self.article.article else "list")
        elif not shown and self._single():
            self._show_pane("related")  # one pane at a time: show the related news now

    def action_toggle_navigator(self) -> None:
        """To the navigator (brought in where it was hidden), or, from it, away again; where it
        does not fit beside the related news it takes their place, and gives it back."""
        with self._layout_change():
            self._toggle_navigator()

    def _toggle_navigator(self) -> None:
        if self.focused is self.nav:
            if room_for_all(self.size.width):
                self.navigator = False
            else:  # back to how this width shows the panes by default
                self.navigator = self.sidebar = None
            self._show_pane("list")
            return
        if "navigator" not in self.shown_panes():
            self._bring_in("navigator")
        self._show_pane("navigator")

    # -- help ----------------------------------------------------------------------------------

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen  # (loaded when first asked)

        self.app.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> HelpSections:
        """The bindings as they are now (after the user's keymap), grouped by pane."""
        groups: list[tuple[str, list[DOMNode]]] = [
            ("Anywhere", [self.app, self]),
            ("Navigator", [self.nav]),
            ("Headline list", [self.headlines]),
            ("Article", [self.article]),
            ("Related sidebar", [self.related]),
        ]
        return [(title, help_rows(self.app, nodes)) for title, nodes in groups]
