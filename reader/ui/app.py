"""The Textual app. Thin: it holds the store and the config and shows the reader screen."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import Notification, Notify
from textual.screen import Screen

from reader.core.store import Store
from reader.ui.providers import HeadlineCommands
from reader.ui.screens.reader import ReaderScreen


@dataclass
class UIConfig:
    """What the user (or a test) can change about the reader's screen."""

    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, "j,down"
    theme: str | None = None
    cursor_blink: bool = True  # off in tests and screenshots, for stable pictures
    watch_interval: float = 2.0  # seconds between looks for articles stored from elsewhere; 0: off
    fetch_timeout: float = 20.0  # seconds per feed for "Fetch feeds" in the palette
    problem: str | None = None  # why the config file was ignored, shown once on start
    key_problems: list[str] = field(default_factory=list)  # `[keys]` entries that were ignored
    path: Path | None = None  # the config file read, named in warnings about it


def load_config(path: Path) -> UIConfig:
    """The `[keys]` and `[ui]` tables of the config file; defaults when it is missing."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return UIConfig()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return UIConfig(problem=f"{path}: ignored ({error}); fix it or delete it")
    keys = data.get("keys", {})
    ui = data.get("ui", {})
    keymap: dict[str, str] = {}
    problems: list[str] = []
    if isinstance(keys, dict):
        for binding_id, value in keys.items():
            if isinstance(value, str) and value.strip():
                keymap[str(binding_id)] = value
            else:
                problems.append(f'[keys] "{binding_id}" = {value!r} ignored: not a key string')
    else:
        problems.append("[keys] ignored: it must be a table")
    theme = ui.get("theme") if isinstance(ui, dict) else None
    return UIConfig(
        keymap=keymap,
        theme=theme if isinstance(theme, str) else None,
        key_problems=problems,
        path=path,
    )


def known_binding_ids() -> set[str]:
    """Every binding id the reader has: the names a `[keys]` table may remap."""
    from reader.ui.screens.help import HelpScreen
    from reader.ui.widgets.article_view import ArticleView
    from reader.ui.widgets.headline_list import HeadlineList
    from reader.ui.widgets.related_panel import RelatedPanel

    ids: set[str] = set()
    for owner in (ReaderApp, ReaderScreen, HeadlineList, ArticleView, RelatedPanel, HelpScreen):
        for bindings in owner._merge_bindings().key_to_bindings.values():
            ids.update(binding.id for binding in bindings if binding.id)
    return ids


FETCH_NOTICE_SECONDS = 3600  # "Fetching feeds…" stays until the fetch ends (it is removed then)


class ReaderApp(App[int], inherit_bindings=False):
    """kemnaker-reader: read, search and connect stored labour news offline."""

    CSS_PATH = "app.tcss"
    TITLE = "kemnaker-reader"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    COMMANDS = App.COMMANDS | {HeadlineCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit the reader", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_anywhere"),
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

    def __init__(self, store: Store, config: UIConfig | None = None) -> None:
        super().__init__()
        self.store = store
        self.config = config or UIConfig()
        self._fetch_notice: Notification | None = None  # on screen while a fetch runs
        if self.config.theme:
            self.theme = self.config.theme

    def on_mount(self) -> None:
        if self.config.watch_interval > 0:
            self.store_timer = self.set_interval(self.config.watch_interval, self._check_store)
        problems = list(self.config.key_problems)
        keymap = dict(self.config.keymap)
        known = known_binding_ids()
        for binding_id in sorted(set(keymap) - known):
            problems.append(f'[keys] "{binding_id}" ignored: no such binding id')
            del keymap[binding_id]
        if keymap:
            self.set_keymap(keymap)
        if self.config.problem:
            problems.insert(0, self.config.problem)
        if problems:
            self.notify(
                "\n".join(problems),
                title=f"Config {self.config.path or ''}".strip(),
                severity="warning",
                markup=False,
                timeout=10,
            )

    def _check_store(self) -> None:
        if self.screen_stack:
            self.reader.check_store()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # Textual's key panel; the reader's own "Keys" is below
                yield command
        if isinstance(screen, ReaderScreen):
            yield SystemCommand("Search", "Search the stored articles", screen.action_search)
            if screen.mode == "search":
                yield SystemCommand("All headlines", "Leave search results", screen.show_all)
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

    def fetch_feeds(self) -> None:
        """Fetch the followed feeds in a worker; the new articles appear when it is done."""
        if self._fetch_notice is not None:
            self.notify("Feeds are being fetched already.", timeout=3)
            return
        # Shown until the fetch ends (it can take fetch_timeout per feed), then the result.
        self._fetch_notice = Notification(
            "Fetching feeds… the result shows here when done.", timeout=FETCH_NOTICE_SECONDS
        )
        self.post_message(Notify(self._fetch_notice))
        self._fetch_feeds()

    def _fetch_done(self) -> None:
        if self._fetch_notice is not None:
            self._unnotify(self._fetch_notice)
            self._fetch_notice = None

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch_feeds(self) -> None:
        from reader.core.feeds import fetch_feeds

        try:
            results = fetch_feeds(self.store, timeout=self.config.fetch_timeout)
        except Exception as error:  # a core failure must not take the reader down
            self.call_from_thread(self._fetch_failed, error)
            return
        self.call_from_thread(self._fetched, results)

    def _fetch_failed(self, error: Exception) -> None:
        self._fetch_done()
        self.notify(f"Fetching failed: {error}", severity="error", markup=False)

    def _fetched(self, results: list) -> None:
        self._fetch_done()
        if not results:
            self.notify(
                "No feeds are followed: add one with 'kemnaker-reader feeds add URL'.",
                severity="warning",
                markup=False,
            )
            return
        self.reader.refresh_headlines(quiet=True)
        added = sum(r.added for r in results)
        failed = [r for r in results if r.failed]
        feeds = f"{len(results)} {'feed' if len(results) == 1 else 'feeds'}"
        summary = f"{feeds}: {added} new {'article' if added == 1 else 'articles'}"
        if failed:
            summary += f", {len(failed)} failed ({failed[0].url}: {failed[0].error})"
        self.notify(summary, severity="warning" if failed else "information", markup=False)

    def open_url(self, url: str, *, new_tab: bool = True) -> bool | None:
        """Open `url` in a web browser: False when none could be started, None when unknown.

        Textual's own open_url drops what `webbrowser.open` says; the reader wants to tell the
        user when no browser exists (a server without one, a bare terminal).
        """
        driver = self._driver
        if driver is None:
            return False
        if type(driver).open_url is not Driver.open_url:
            driver.open_url(url, new_tab)  # a driver of its own (textual serve): it opens there
            return None
        import webbrowser

        try:
            return webbrowser.open(url, new=2 if new_tab else 0)
        except webbrowser.Error:
            return False

    def get_default_screen(self) -> ReaderScreen:
        return ReaderScreen(self.store, cursor_blink=self.config.cursor_blink)

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (even while the help screen is on top)."""
        return self.screen_stack[0]  # type: ignore[return-value]


def make_app(store: Store, config: UIConfig | None = None) -> ReaderApp:
    """The one way to build the app: used by the CLI, the tests and the screenshot script."""
    return ReaderApp(store, config)


def run(store: Store) -> int:
    """Run the reader on `store` until the user quits; the exit code for the CLI."""
    from reader.core.paths import config_path

    app = make_app(store, load_config(config_path()))
    app.run()
    return app.return_code or 0
