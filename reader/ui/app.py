"""The Textual app. Thin: it holds the library and the config and shows the reader screen."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar, cast

from rich.console import RenderableType
from rich.terminal_theme import TerminalTheme
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.constants import DEFAULT_THEME
from textual.content import Content
from textual.driver import Driver
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, get_current_worker

from reader.core.library import Library
from reader.core.models import FeedResult, SuggestedFeed
from reader.ui import collection, failures
from reader.ui.config import UIConfig, load_config, save_ui_value
from reader.ui.history import SearchHistory
from reader.ui.keymap import binding_ids
from reader.ui.screens.reader import ReaderScreen
from reader.ui.text import one_line, visible
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.navigator import Navigator
from reader.ui.widgets.related_panel import RelatedPanel
from reader.ui.widgets.search_box import SearchBox

__all__ = ["ReaderApp", "UIConfig", "make_app", "run"]

FETCH_NOTICE_SECONDS = 3600  # "Fetching feeds…" stays until the fetch ends (it is removed then)


_T = TypeVar("_T")

# Seconds a signal's orderly end may take before the process ends without it (_end_on_signal).
END_GRACE = 3.0


def _headline_commands() -> type[Provider]:
    """The palette's headline search, loaded when the palette first opens."""
    from reader.ui.providers import HeadlineCommands

    return HeadlineCommands


class ReaderApp(App[int], inherit_bindings=False):
    """kemnaker-reader: read, search and connect stored labour news offline."""

    CSS_PATH = "app.tcss"
    TITLE = "kemnaker-reader"
    COMMANDS = App.COMMANDS | {_headline_commands}
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit the reader", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_anywhere"),
        # In the reader's raw mode Ctrl+Z is a key, not the terminal's stop: it stops the
        # process as a shell expects (`fg` brings it back, redrawn; see _answer_signals).
        Binding(
            "ctrl+z",
            "suspend_process",
            "Suspend",
            show=False,
            tooltip="Stop the reader; fg in the shell brings it back",
            id="app.suspend",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            show=False,
            priority=True,
            tooltip="Commands, and any headline by its title",
            id="app.command_palette",
        ),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
    ]

    # Textual's ansi_theme and native_ansi_color (8.2.8) look the current theme up by name in a
    # fresh copy of the registered themes, and Textual asks for the first for every line of
    # every widget it paints (each line's post-processing, _styles_cache), the second for each
    # widget: 3-8 µs a line, some 300 lines for the first screen's frame, as many as the list
    # shows for a Down's. Kept here until the theme, the ANSI themes, ansi_color or the
    # registered themes change (each reaches one of the methods below).
    _kept_ansi: tuple[TerminalTheme, bool] | None = None

    def _ansi(self) -> tuple[TerminalTheme, bool]:
        kept = self._kept_ansi
        if kept is None:
            kept = self._kept_ansi = (super().ansi_theme, super().native_ansi_color)
        return kept

    @property
    def ansi_theme(self) -> TerminalTheme:
        return self._ansi()[0]

    @property
    def native_ansi_color(self) -> bool:
        return self._ansi()[1]

    def _forget_ansi(self, value: _T) -> _T:
        self._kept_ansi = None
        return value

    # Reactive validators run before the new value is set and its watchers (Textual's own,
    # which read ansi_theme) run.
    validate_theme = _forget_ansi
    validate_ansi_theme_dark = _forget_ansi
    validate_ansi_theme_light = _forget_ansi
    validate_ansi_color = _forget_ansi

    def register_theme(self, theme: Theme) -> None:
        super().register_theme(theme)
        self._kept_ansi = None

    def unregister_theme(self, theme_name: str) -> None:
        super().unregister_theme(theme_name)
        self._kept_ansi = None

    def __init__(self, library: Library, config: UIConfig | None = None) -> None:
        super().__init__()
        self.library = library
        self.config = config or UIConfig()
        self._fetch_notice: Notification | None = None  # on screen while a fetch runs
        self._fetching = False
        self.last_fetch: list[FeedResult] = []  # every feed of the last fetch (the fetch log)
        self.last_fetch_at = ""
        # Set when the reader quits: a fetch under way ends at once instead of at its timeouts
        # (Python waits for the worker's thread before the process can end).
        self._stop_fetching = threading.Event()
        theme = self.config.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            known = ", ".join(sorted(self.available_themes))
            self.config.key_problems.append(
                f"[ui] theme = {theme!r} ignored: no such theme (themes: {known})"
            )
            self.config.theme = None  # (the file keeps it until a theme is chosen)
        self.history = SearchHistory(
            self.config.state_dir / "search-history" if self.config.state_dir else None,
            self.config.search_history,
        ).load()
        if self.history.problem:
            self.config.key_problems.append(self.history.problem)

    def on_mount(self) -> None:
        if not gc.isenabled():  # the command line paused it to start (reader.cli.root.main)
            self.call_after_refresh(collection.start)
        self.theme_changed_signal.subscribe(self, self._save_theme)
        if self.config.fetch_every > 0:
            # The open reader keeps up by itself (a store that follows no feed: nothing to do).
            self.set_interval(self.config.fetch_every * 60, self.fetch_on_schedule)
        if self.library.hears_changes:
            # A shared archive (PostgreSQL) says when its fetcher stores articles: listen.
            self.run_worker(self._listen, thread=True, exclusive=True, group="listen")
        elif self.config.watch_interval > 0:
            self.store_timer = self.set_interval(self.config.watch_interval, self._check_store)
        self._use_config_keymap()
        self._answer_signals()

    def _answer_signals(self) -> None:
        """In a terminal: SIGTERM, SIGHUP and SIGQUIT end the reader as `q` does, so the
        terminal gets its screen, cursor and mouse back (exit code 128 + the signal's number);
        after SIGTSTP and SIGCONT (Ctrl+Z, then `fg`) the screen is drawn again at once instead
        of staying blank until a key.

        Textual's driver stops and restarts application mode on SIGTSTP/SIGCONT itself but
        draws nothing on its return, and ends on SIGINT itself; the others it leaves to Python,
        which ends the process where it stands. Headless (tests), signals are left alone.
        """
        if self.is_headless:
            return
        self.app_resume_signal.subscribe(self, lambda _: self.refresh(layout=True))
        loop = asyncio.get_running_loop()
        # Textual answers SIGTSTP and SIGCONT inside a Python signal handler, which runs in the
        # main thread wherever it stands: stopped there while it held the lock of the output
        # queue, the handler's own write to that queue waited for ever, and Ctrl+Z was
        # ignored for good (1 run in 30 under load). From the event loop they run between
        # callbacks, holding nothing.
        driver = self._driver
        suspend = getattr(driver, "_sigtstp_application", None)
        resume = getattr(driver, "_sigcont_application", None)
        if suspend is not None and resume is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signal.SIGTSTP, suspend)
                loop.add_signal_handler(signal.SIGCONT, resume)
        for name in ("SIGTERM", "SIGHUP", "SIGQUIT"):
            number = getattr(signal, name, None)
            # Not on Windows, nor outside the main thread: there the default stays.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                if number is not None:
                    loop.add_signal_handler(number, self._end_on_signal, number)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification of the reader (screens and widgets notify through the app), its
        message and title passed through the one function that makes text safe to show."""
        super().notify(
            visible(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def _save_theme(self, theme: Theme) -> None:
        """A theme chosen in the reader (the palette's "Change theme") is the next run's too:
        it is written to the config file's [ui] table, the rest of the file left as it was."""
        if theme.name == (self.config.theme or DEFAULT_THEME) or self.config.path is None:
            return
        self.config.theme = theme.name
        try:
            save_ui_value(self.config.path, "theme", theme.name)
        except (OSError, ValueError) as error:
            self.notify(
                f"The theme is not saved: {error}", severity="warning", markup=False, timeout=6
            )

    def _end_on_signal(self, number: int) -> None:
        """End as `q` does; and end anyway if that has not happened within END_GRACE seconds.

        A terminal that hangs up just after Ctrl+Z and `fg` (an ssh connection dropped, a tmux
        server killed) leaves Textual's output thread dead with its queue full: the orderly end
        waits on that queue for ever, and the reader stayed behind, spinning or asleep, deaf
        to SIGTERM. The store needs no closing to stay whole (SQLite and PostgreSQL keep what
        was committed and drop what was not)."""
        watchdog = threading.Timer(END_GRACE, os._exit, (128 + number,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=128 + number)

    def _use_config_keymap(self) -> None:
        """The user's `[keys]`; what was ignored in it (or in the file) is said once."""
        problems = list(self.config.key_problems)
        keymap = dict(self.config.keymap)
        known = known_binding_ids() if keymap else set()
        for binding_id in sorted(set(keymap) - known):
            problems.append(f'[keys] "{binding_id}" ignored: no such binding id')
            del keymap[binding_id]
        if keymap:
            self.set_keymap(keymap)
        if self.config.problem:
            problems.insert(0, self.config.problem)
        if problems:
            self.notify(
                "\n".join(visible(problem) for problem in problems),
                title=f"Config {self.config.path or ''}".strip(),
                severity="warning",
                markup=False,
                timeout=10,
            )

    def _listen(self) -> None:
        """Wait for news of changes to the store (a worker thread) and refresh the headlines
        as soon as one comes."""
        worker = get_current_worker()
        while not worker.is_cancelled:  # a failure ends it and is told (reader.ui.failures)
            if self.library.wait_for_change(1.0) and not worker.is_cancelled:
                self.call_from_thread(self._refresh_store)

    def _refresh_store(self) -> None:
        if self.screen_stack:
            self.reader.refresh_headlines()

    def _check_store(self) -> None:
        if self.screen_stack:
            self.reader.check_store()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # Textual's key panel; the reader's own "Keys" is below
                yield command
        if isinstance(screen, ReaderScreen):
            yield SystemCommand("Search", "Search the stored articles", screen.action_search)
            if screen.search is not None:
                yield SystemCommand("All headlines", "Leave search results", screen.show_all)
            yield SystemCommand(
                "Views", "All, Unread, Starred, topics and sources", screen.action_toggle_navigator
            )
            yield SystemCommand(
                "Unread only",
                "The view's unread articles, or all again",
                screen.action_toggle_unread_only,
            )
            yield SystemCommand(
                "Mark all read",
                "Every article of the view (asks first)",
                screen.action_mark_all_read,
            )
            yield SystemCommand(
                "Related sidebar", "Show or hide the related news", screen.action_toggle_sidebar
            )
            yield SystemCommand("Keys", "Every key binding", screen.action_help)
            yield SystemCommand(
                "Refresh headlines",
                "Show articles stored since the list was drawn",
                screen.action_refresh_headlines,
            )
            yield SystemCommand(
                "Fetch feeds",
                "Fetch every followed feed now (as `kemnaker-reader fetch`)",
                self.fetch_feeds,
            )
            yield SystemCommand(
                "Suggested sources",
                "Follow public feeds of Indonesian news sites (labour, economy, national news)",
                self.suggest_sources,
            )
            yield SystemCommand(
                "Fetch log",
                "Every feed of the last fetch, the failed ones first with the reason",
                self.show_fetch_log,
            )

    # -- fetching feeds ------------------------------------------------------------------------

    def exit(
        self,
        result: int | None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        self._stop_fetching.set()
        super().exit(result, return_code, message)

    def fetch_feeds(self) -> None:
        """Fetch the followed feeds in a worker; the new articles appear when it is done."""
        if self._fetching:
            self.notify("Feeds are being fetched already.", timeout=3)
            return
        # Shown until the fetch ends (it can take fetch_timeout per feed), then the result.
        self._fetch_notice = Notification(
            "Fetching feeds… the result shows here when done.", timeout=FETCH_NOTICE_SECONDS
        )
        self.post_message(Notify(self._fetch_notice))
        self._fetching = True
        self._fetch_feeds(scheduled=False)

    def fetch_on_schedule(self) -> None:
        """The timer's fetch: quiet unless it brings articles or a feed fails."""
        if not self._fetching:
            self._fetching = True
            self._fetch_feeds(scheduled=True)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch_feeds(self, scheduled: bool) -> None:
        def progress(done: int, total: int, result: FeedResult) -> None:
            self.call_from_thread(self._show_progress, done, total)

        results = self.library.fetch(
            timeout=self.config.fetch_timeout,
            max_bytes=int(self.config.fetch_max_size * 1024 * 1024),
            cancel=self._stop_fetching,
            progress=progress,
        )
        self.call_from_thread(self._fetched, results, scheduled)

    def _show_progress(self, done: int, total: int) -> None:
        if self._fetching:
            self.title = f"{self.TITLE} · fetching {done} of {total} feeds"

    def _fetch_done(self) -> None:
        self._fetching = False
        self.title = self.TITLE
        if self._fetch_notice is not None:
            # Textual has no public way to take back one notification before its timeout.
            self._unnotify(self._fetch_notice)
            self._fetch_notice = None

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def suggest_sources(self) -> None:
        """The bundled suggestions not followed yet, offered in one question."""
        new = [feed for feed in self.library.suggested_feeds() if not feed.followed]
        self.call_from_thread(self._offer_sources, new)

    def _offer_sources(self, new: list[SuggestedFeed]) -> None:
        if not new:
            self.notify("Every suggested source is followed already.", timeout=3)
            return
        names = ", ".join(one_line(feed.title or feed.url) for feed in new)
        question = Content.assemble(
            f"Follow {len(new)} suggested {'feed' if len(new) == 1 else 'feeds'} and fetch "
            "them now?\n",
            (names, "dim"),
            "\n(Not checked from here: a feed that fails is named in the fetch log.)",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._follow_suggested()

        from reader.ui.screens.dialogs import ConfirmScreen  # (loaded when first asked)

        self.push_screen(ConfirmScreen("Suggested sources", question), answered)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _follow_suggested(self) -> None:
        result = self.library.follow_suggested()
        self.call_from_thread(self._followed, result.added)

    def _followed(self, added: int) -> None:
        self.notify(f"Following {added} more {'feed' if added == 1 else 'feeds'}.", timeout=3)
        self.fetch_feeds()

    def show_fetch_log(self) -> None:
        from reader.ui.screens.fetch_log import FetchLogScreen

        self.push_screen(FetchLogScreen(self.last_fetch, self.last_fetch_at))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The fetch failed as a whole: the notice goes, the reason is told (once)."""
        if failures.failed(event):
            self._fetch_done()
            failures.report(self, event.worker)

    def _fetched(self, results: list[FeedResult], scheduled: bool = False) -> None:
        self._fetch_done()
        if not results:
            if not scheduled:
                self.notify(
                    "No feeds are followed: Ctrl+P “Suggested sources” offers Indonesian news "
                    "feeds, or add one with 'kemnaker-reader feeds add URL'.",
                    severity="warning",
                    markup=False,
                )
            return
        self.last_fetch = results
        self.last_fetch_at = datetime.now().astimezone().strftime("%H:%M")
        self.reader.refresh_headlines(quiet=True)
        failed = any(result.failed for result in results)
        if scheduled and not failed and not any(result.added for result in results):
            return  # nothing new, nothing wrong: the reader says nothing
        from reader.ui.screens.fetch_log import summary

        self.notify(summary(results), severity="warning" if failed else "information", markup=False)

    # -- the rest ------------------------------------------------------------------------------

    def open_in_browser(self, url: str, *, new_tab: bool = True) -> bool | None:
        """Open `url` in a web browser: False when none could be started, None when unknown.

        Textual's open_url drops what `webbrowser.open` says; the reader wants to tell the user
        when no browser exists (a server without one, a bare terminal).
        """
        driver = self._driver
        if driver is None:
            return False
        if type(driver).open_url is not Driver.open_url:
            driver.open_url(url, new_tab)  # a driver of its own (textual serve): it opens there
            return None
        import webbrowser  # (with shlex: loaded when a URL is first opened)

        try:
            return webbrowser.open(url, new=2 if new_tab else 0)
        except webbrowser.Error:
            return False

    def get_default_screen(self) -> ReaderScreen:
        return ReaderScreen(
            self.library,
            cursor_blink=self.config.cursor_blink,
            start_view=self.config.start_view,
            fold_stories=self.config.fold_stories,
            history=self.history,
        )

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (even while the help screen is on top)."""
        return cast(ReaderScreen, self.screen_stack[0])


def known_binding_ids() -> set[str]:
    """Every binding id the reader has: the names a `[keys]` table may remap."""
    from reader.ui.screens.dialogs import ConfirmScreen, NameScreen
    from reader.ui.screens.fetch_log import FetchLogScreen
    from reader.ui.screens.help import HelpScreen

    return binding_ids(
        [
            ReaderApp,
            ReaderScreen,
            Navigator,
            HeadlineList,
            ArticleView,
            RelatedPanel,
            HelpScreen,
            ConfirmScreen,
            FetchLogScreen,
            NameScreen,
            SearchBox,
        ]
    )


def make_app(library: Library, config: UIConfig | None = None) -> ReaderApp:
    """The one way to build the app: used by the CLI, the tests and the screenshot script."""
    return ReaderApp(library, config)


def run(library: Library) -> int:
    """Run the reader on `library` until the user quits; the exit code for the CLI."""
    from reader.core.paths import config_path, state_dir

    config = load_config(config_path())
    config.state_dir = state_dir()
    app = make_app(library, config)
    app.run()
    return app.return_code or 0
