"""Fixtures for the UI tests: the bundled articles imported once, a copy per test, the app
factory and `settle`, which waits for the reader's workers instead of sleeping (and paints
the screen: frames are not painted as they come, see `_paint_when_settled`)."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, closing
from pathlib import Path
from typing import Any

import pytest
import textual._wait
from textual._styles_cache import StylesCache
from textual.app import App
from textual.command import CommandInput, CommandList
from textual.css.stylesheet import Stylesheet
from textual.geometry import Size
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerCancelled

from reader.core.db.sqlite import sqlite3
from reader.core.library import Library, open_library
from reader.ui.app import ReaderApp, make_app
from reader.ui.config import UIConfig
from reader.ui.screens import reader as reader_screen
from reader.ui.views import ALL
from tests.conftest import built_once


@pytest.fixture(scope="session", autouse=True)
def _quick_idle_checks() -> Iterator[None]:
    """Pilot waits after every key until the app looks idle: a 20 ms sleep with next to no CPU
    spent. A 5 ms step tells the same thing sooner (the idle threshold stays 1 ms of CPU), and
    it is most of the time a key costs in these tests (63 ms -> 25 ms)."""
    saved = textual._wait.SLEEP_GRANULARITY
    textual._wait.SLEEP_GRANULARITY = 0.005
    yield
    textual._wait.SLEEP_GRANULARITY = saved


_parse_rules = Stylesheet._parse_rules
_parsed: dict[tuple[Any, ...], Any] = {}


def _parse_rules_once(
    stylesheet: Stylesheet,
    css: str,
    read_from: Any,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> Any:
    """Textual's own parse of a CSS source, kept for the run instead of for one app: every
    test's app parsed the same nineteen sources again (~25 ms of a start's ~165). The key is
    Textual's own cache key and the stylesheet's variables (the theme), so a new theme or CSS
    is parsed; a source that fails to parse raises each time, as it is never kept."""
    key = (css, read_from, is_default_rules, tie_breaker, scope, *stylesheet._variables.items())
    rules = _parsed.get(key)
    if rules is None:
        rules = _parsed[key] = _parse_rules(
            stylesheet, css, read_from, is_default_rules, tie_breaker, scope
        )
    return rules


@pytest.fixture(scope="session", autouse=True)
def _css_parsed_once_per_run() -> Iterator[None]:
    """Textual keeps the rules it parsed per stylesheet, that is per app (RuleSets are never
    changed once parsed: Textual hands the same ones to every parse of its stylesheet)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "_parse_rules", _parse_rules_once)
        yield


_tests_run = [0]


@pytest.fixture(autouse=True)
def _collect_once_after_the_test() -> Iterator[None]:
    """No garbage collection while a test's app starts, one after the test. (After its first
    frame the app turns the collector on again, as after the command line's start:
    reader.ui.collection.start freezes what exists then, and the reader collects at each
    rest. Kept off for the whole test instead, that start patched out, tests/ui cost more CPU:
    -n 0, 47-49 -> 48-56 s in three A/B pairs.) The app's objects are
    alive until the test ends, so each collection during the test walked them and moved them
    to an older generation, where the next older collections walked them again (~15% of the
    CPU of these tests, ~250 ms a young-and-middle-aged collection). After the test they are
    garbage: a young collection frees them (a few ms), and a full one every 20 tests frees
    what older garbage held."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        _tests_run[0] += 1
        gc.collect(2 if _tests_run[0] % 20 == 0 else 0)


@pytest.fixture(autouse=True)
def _no_rest_before_the_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader previews the cursor's row once the cursor has rested 0.15 s (so a burst of
    keys reads nothing until it ends). Pilot waits until the app is idle after each key, so
    every key is a burst's end here: the rest only made each `settle` after a move, and the
    first screen, wait 0.15 s for nothing. The tests of the rest itself set it back."""
    monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 0.0)


@pytest.fixture(autouse=True)
def _forget_the_apps_styles_caches() -> Iterator[None]:
    """Textual keeps the last 1,024 calls of StylesCache.get_inner_outer in an lru_cache whose
    key holds the widget's StylesCache, and with it every line that widget last drew: after a
    few dozen apps, some 450,000 objects that each full garbage collection walks (over a third
    of the CPU of these tests). The cache is emptied after each test, as the app is gone."""
    yield
    StylesCache.get_inner_outer.cache_clear()


_refresh = Screen._compositor_refresh
_run_test = App.run_test


def _refresh_without_painting(screen: Screen) -> None:
    """The headless app's frame, less the painting: the regions to paint stay marked dirty
    until `paint` (or a screenshot) draws them."""
    app = screen.app
    if app.is_headless and not app.is_inline and screen is app.screen:
        screen._dirty_widgets.clear()
        app._update_mouse_over(screen)
        return
    _refresh(screen)


@pytest.fixture(autouse=True)
def _paint_when_settled(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A headless app paints every frame into a driver that throws it away: over half the CPU
    of these tests. Here the regions to paint pile up and `settle` paints them in one go, so
    a widget that fails to draw still fails the test, and what a test reads off the screen
    (render_line, render, screenshots) is drawn when it asks. A test whose subject is the
    painting itself (what a frame fetches) is marked `paints_every_frame`."""
    if request.node.get_closest_marker("paints_every_frame") is None:
        monkeypatch.setattr(Screen, "_compositor_refresh", _refresh_without_painting)
        monkeypatch.setattr(App, "run_test", _run_test_painting_last)


def _run_test_painting_last(
    app: App[Any], *args: Any, **kwargs: Any
) -> AbstractAsyncContextManager[Pilot[Any]]:
    return _painting_last(app, _run_test(app, *args, **kwargs))


@asynccontextmanager
async def _painting_last(
    app: App[Any], running: AbstractAsyncContextManager[Pilot[Any]]
) -> AsyncIterator[Pilot[Any]]:
    """The test's app, whose last screen is painted before it closes."""
    async with running as pilot:
        yield pilot
        if app._screen_stack:
            paint(app)


def paint(app: Any) -> None:
    """Paint what changed on the screen since it was last painted (an error drawing a widget
    raises here)."""
    app.screen._compositor.render_update(screen_stack=app._background_screens)


# What a new process has made once it imported the reader's UI: whether Textual's Header came
# with it (test_header), which of the UI's classes are dataclasses made already (their methods
# compiled) and whether Counted waits to be made (test_ui_shapes). One process for both.
UI_IMPORT_PROBE = """
import json, sys
import reader.ui.app
textual_header = "textual.widgets._header" in sys.modules
from reader.core import shapes
from reader.ui.views import Counted
made = sorted(
    f"{name}.{cls.__qualname__}"
    for name, module in list(sys.modules.items())
    if name.startswith("reader.ui")
    for cls in vars(module).values()
    if isinstance(cls, type) and cls.__module__ == name
    and isinstance(cls.__dict__.get("__dataclass_fields__"), dict)
)
print(json.dumps(
    {"textual_header": textual_header, "made": made, "counted_waits": Counted in shapes._waiting}
))
"""
# The tests that read it, on one xdist worker (where each would run the process again).
ui_import_probe_group = pytest.mark.xdist_group("ui_import_probe")


@pytest.fixture(scope="session")
def ui_imported() -> dict[str, Any]:
    """UI_IMPORT_PROBE's answer, from a process of its own run once per test process (each
    of the two tests that ask ran its own: ~0.3 s of CPU each)."""
    shown = subprocess.run(
        [sys.executable, "-c", UI_IMPORT_PROBE], check=True, capture_output=True, text=True
    )
    answer: dict[str, Any] = json.loads(shown.stdout)
    return answer


STORED_AT = "2026-11-01T03:00:00Z"


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled articles, imported once for the run (tests/conftest.py: built_once);
    tests get copies."""
    return Path(built_once(tmp_path_factory, "bundled", _import_bundled))


def _import_bundled(folder: Path) -> str:
    path = folder / "articles.db"
    with open_library(path) as library:
        library.import_bundled()
    # Pictures must not change with the day the tests run: the undated seed shows when it was
    # stored, so the store says it was stored at one fixed moment.
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE articles SET imported_at = ?", (STORED_AT,))
        conn.execute("UPDATE articles SET sort_key = ? WHERE published_at IS NULL", (STORED_AT,))
        conn.execute(
            "UPDATE topic_articles SET sort_key = "
            "(SELECT a.sort_key FROM articles a WHERE a.id = topic_articles.article_id)"
        )
    # Closing the last connection folds the write-ahead log into the file: one file to copy.
    assert not Path(f"{path}-wal").exists()
    return str(path)


@pytest.fixture
def library(bundled_db: Path, tmp_path: Path) -> Iterator[Library]:
    """A copy of the bundled articles (here it replaces tests/conftest.py's empty store)."""
    path = tmp_path / "articles.db"
    shutil.copy(bundled_db, path)
    with open_library(path) as library:
        yield library


def test_app(library: Library, **config: Any) -> ReaderApp:
    """The app as the CLI builds it, with the input cursor's blink off for stable pictures.

    It opens on All unless a test says otherwise (the reader's default is a topic)."""
    config.setdefault("start_view", "all")
    return make_app(library, UIConfig(cursor_blink=False, **config))


test_app.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


async def settled_with_the_first_preview(pilot: Pilot[Any]) -> None:
    """`settle`, then the layout the first preview's related scrollbar asked for, when it came
    (a whole frame: the Layout message it posts, then the layout itself), done and painted."""
    await settle(pilot)
    for _ in range(3):
        await pilot.pause()
        while pilot.app.screen._layout_required:
            await pilot.pause()
    paint(pilot.app)


def recording_lines(monkeypatch: pytest.MonkeyPatch, widgets: list[Any]) -> list[Any]:
    """The widgets asked for their lines from now on, in order, once per ask (each widget's
    render_lines patched to note it, then draw as before)."""
    asked: list[Any] = []

    def recording(widget: Any) -> Any:
        render_lines = widget.render_lines

        def render(crop: Any) -> Any:
            asked.append(widget)
            return render_lines(crop)

        return render

    for widget in widgets:
        monkeypatch.setattr(widget, "render_lines", recording(widget))
    return asked


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages be handled (never a sleep)."""
    while True:
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue  # an exclusive worker was replaced: wait for its successor
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            paint(pilot.app)
            return


Check = Callable[[Pilot[Any]], Awaitable[None]]


class CheckFailed(AssertionError):
    """One of the named checks sharing an app run failed; its own error is the cause (pytest
    shows its traceback first, then this, whose message names the check)."""


async def run_checks(pilot: Pilot[Any], checks: list[Check], between: Check | None = None) -> None:
    """`checks` one after another in one app run, instead of an app started for each (a start
    costs ~140 ms of CPU, most of these tests' time). A failure names its check and stops the
    run. `between`, run between two checks, brings the app back to where the next one starts
    and asserts that it did; what a check leaves in the store (read and starred marks) stays,
    and a check that depends on it, or on its place in the order, says so."""
    for done, check in enumerate(checks):
        if done and between is not None:
            await _named(f"{between.__name__} (before {check.__name__})", between(pilot))
        await _named(check.__name__, check(pilot))


def checks_in_one_app(
    library: Library,
    size: tuple[int, int],
    checks: list[Check],
    between: Check | None = None,
    **config: Any,
) -> None:
    """`run_checks` in one app on `library` (`config` as test_app's) at `size`, settled
    first; `between` defaults to `back_to_all_at_the_top`."""

    async def scenario() -> None:
        app = test_app(library, **config)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await run_checks(pilot, checks, between or back_to_all_at_the_top)

    asyncio.run(scenario())


async def back_to_all_at_the_top(pilot: Pilot[Any]) -> None:
    """Esc until the reader screen shows every headline with the list focused (no other screen
    over it, no search), then the cursor onto the first row and its preview; asserts it got
    there: where a freshly started app opened on All stands."""
    app = pilot.app
    reader = app.reader
    for _ in range(6):
        if app.screen is reader and reader.search is None and app.focused is reader.headlines:
            break
        await pilot.press("escape")
        await settle(pilot)
    headlines = reader.headlines
    if headlines.cursor != 0:
        await pilot.press("home")
        await settle(pilot)
    article = reader.article.article
    if article is None or article.id != headlines.current.id:
        # Esc out of a search keeps its article open, and home on the first row is no move
        await pilot.press("j", "home")
        await settle(pilot)
    assert app.screen is reader and app.focused is headlines
    assert reader.search is None and reader.view == ALL and headlines.cursor == 0
    article = reader.article.article
    assert article is not None and article.id == headlines.current.id


async def _named(name: str, step: Awaitable[None]) -> None:
    try:
        await step
    except Exception as error:
        raise CheckFailed(f"check {name}: {error}") from error


async def resize(pilot: Pilot[Any], width: int, height: int) -> None:
    """Resize the terminal and wait until the screen has been laid out at the new size.

    Pilot's own wait is an idle check (5 ms with little CPU spent), shorter than the timer after
    which the app passes a resize on to the screen; on a loaded machine it returned with the
    old layout still on screen."""
    await pilot.resize_terminal(width, height)
    size = Size(width, height)
    # The app's size changes at once; the screen's layout (its compositor's size) only once
    # the screen has handled the resize, and with it the breakpoints and the pane classes.
    for _ in range(200):  # a second at most; the assertions after it tell what went wrong
        if pilot.app.screen._compositor.size == size:
            break
        await pilot.pause(0.005)
    await pilot.pause()


async def search(pilot: Pilot[Any], text: str) -> None:
    """`/`, the query, Enter, and wait for the results.

    The query is put in the box at once rather than typed key by key: typing is the Input's
    business (tests that care about it type), and each simulated key costs the test ~90 ms.
    """
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = text
    await pilot.press("enter")
    await settle(pilot)


async def palette(pilot: Pilot[Any], text: str) -> None:
    """Ctrl+P and `text` in the command palette (put there at once, as in `search`), and wait
    for its matches: until the first command listed names `text`.

    One settle was not always enough: the input's Changed message reaches the palette, which
    starts the search for `text`, only after the input has handled it, and a settle that came
    first saw no search running and the list of every command still shown (Enter then ran
    another command, or none)."""
    await pilot.press("ctrl+p")
    screen = pilot.app.screen
    screen.query_one(CommandInput).value = text
    commands = screen.query_one(CommandList)
    for _ in range(100):
        await settle(pilot)
        if commands.option_count and text.lower() in _prompt(commands.get_option_at_index(0)):
            return
    raise AssertionError(f"the command palette never listed {text!r} first")


def _prompt(option: Any) -> str:
    """An option's prompt as plain lower-case text."""
    prompt = option.prompt
    return str(getattr(prompt, "plain", prompt)).lower()
