"""Enter on a search, frame by frame (issue 11): the hits and their title come in the first
frame after Enter, the first hit's article and related news are read only once that frame is
painted, and what the first search of a process pays for once is paid off the first screen.
Counted and ordered, never timed."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

import reader.ui.screens.reader as reader_screen
from reader.core.errors import StorageError
from reader.core.library import Library
from reader.ui.state import SearchState
from reader.ui.widgets.search_box import SearchBox
from tests.ui.conftest import checks_in_one_app, settle, test_app

_ESCAPE = re.compile(r"\x1b\[[0-9;:?]*[ -/]*[@-~]")


@contextmanager
def frames_recorded(app: App[Any], events: list[str]) -> Iterator[None]:
    """Each frame the app paints, as the plain text it writes ("frame: ..."), into `events`."""
    display = App._display

    def recording(self: App[Any], screen: Screen[Any], renderable: Any) -> None:
        if self is app and renderable is not None and not self._batch_count:
            events.append("frame: " + _ESCAPE.sub("", renderable.render_segments(self.console)))
        display(self, screen, renderable)

    App._display = recording  # type: ignore[method-assign]
    try:
        yield
    finally:
        App._display = display  # type: ignore[method-assign]


def _search_answering_when(answer: threading.Event) -> Any:
    """Library.search, answering once `answer` is set (10 s at most): to stand in for it."""
    search = Library.search

    def slow_search(self: Library, *args: Any, **kwargs: Any) -> Any:
        answer.wait(10)
        return search(self, *args, **kwargs)

    return slow_search


def _listed_hits_frame(frames: list[str], title: str) -> int:
    """The index of the first frame whose list shows the search's hits (its border titled
    for the search, the first hit's title in it). On a loaded machine the header's count can
    come a frame after them: what is read after the hits waits for the hits, not the count."""
    for i, frame in enumerate(frames):
        if "Search “" in frame and title[:30] in frame:
            return i
    raise AssertionError(f"no frame lists the hits and {title!r}: {frames}")


def _frames(events: list[str]) -> list[str]:
    return [event for event in events if event.startswith("frame: ")]


def _hits_frame(frames: list[str], title: str) -> int:
    """The index of the first frame that shows the results' title and the first hit."""
    for i, frame in enumerate(frames):
        if "results" in frame and title[:30] in frame:
            return i
    raise AssertionError(f"no frame shows the results and {title!r}: {frames}")


async def _type_query(pilot: Any, text: str) -> None:
    """`/` and `text` in the box, and every frame they asked for painted (the box's showing
    moves the scrollbars, whose frame could otherwise come after the next key)."""
    await pilot.press("slash")
    pilot.app.screen.query_one(SearchBox).value = text
    await settle(pilot)
    await _until(pilot, lambda: not pilot.app.screen._dirty_widgets, "the frames of the box")
    await pilot.pause()


@pytest.mark.paints_every_frame  # the subject is what each frame shows
def test_a_search_frame_by_frame(library: Library) -> None:
    """Five checks of Enter on a search, each its own search of "pekerja" from All (one start
    instead of five; `back_to_all_at_the_top` between). The first opens the first hit, which
    no check has read before it."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            the_first_hit_is_read_after_the_frame_that_shows_the_hits,
            the_first_frame_after_enter_shows_the_hits_and_their_title,
            a_slow_search_shows_searching_after_the_hold,
            the_later_hits_snippets_are_worked_out_after_the_hits_frame,
            no_search_state_is_written_out_on_the_way_to_the_hits_frame,
        ],
    )


async def the_first_frame_after_enter_shows_the_hits_and_their_title(pilot: Pilot[Any]) -> None:
    """A search that answers within START_FRAME_HOLD is painted in one frame: the list of hits,
    the list's title and the header's "· N results". Before: Enter's own frame ("searching…",
    the list focused) came first, and the header's title a frame after the hits (its watcher
    ran a turn late); each frame put the next off by one or two frame periods."""
    app = pilot.app
    library = app.library
    first_hit = library.search("pekerja", 1).hits[0]
    title = library.get(first_hit.id).title
    answer = threading.Event()
    # answers once Enter's turn has had every chance to paint
    slow_search = _search_answering_when(answer)
    with pytest.MonkeyPatch.context() as monkeypatch:
        # The search decides, not time (raising=False: the test also runs on the code before).
        monkeypatch.setattr(reader_screen, "START_FRAME_HOLD", 30.0, raising=False)
        await _type_query(pilot, "pekerja")
        events: list[str] = []
        with frames_recorded(app, events):
            monkeypatch.setattr(Library, "search", slow_search)
            await pilot.press("enter")
            for _ in range(4):
                await pilot.pause(0.05)  # a frame period is 1/60 s
            answer.set()
            await settle(pilot)
    frames = _frames(events)
    hits = _hits_frame(frames, title)
    assert hits == 0, frames[:hits]
    assert "search “pekerja” in all articles ·" in frames[0]
    assert "searching" not in "".join(frames)


async def a_slow_search_shows_searching_after_the_hold(pilot: Pilot[Any]) -> None:
    """The hold is bounded: a search slower than START_FRAME_HOLD shows Enter's frame
    ("searching…") once it has passed, and its hits in a frame of their own."""
    app = pilot.app
    answer = threading.Event()
    slow_search = _search_answering_when(answer)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(reader_screen, "START_FRAME_HOLD", 0.01)
        await _type_query(pilot, "pekerja")
        events: list[str] = []
        with frames_recorded(app, events):
            monkeypatch.setattr(Library, "search", slow_search)
            await pilot.press("enter")
            for _ in range(200):  # until the hold is over and Enter's frame painted
                if any("searching" in frame for frame in _frames(events)):
                    break
                await pilot.pause(0.01)
            answer.set()
            await settle(pilot)
    frames = _frames(events)
    assert "searching “pekerja”" in frames[0]
    assert any("results" in frame for frame in frames[1:])
    assert app.screen.search is not None


async def the_first_hit_is_read_after_the_frame_that_shows_the_hits(pilot: Pilot[Any]) -> None:
    """The first hit's article and related news are read once the hits are on screen: started
    with the hits, their threads and the frames of their results shared the machine with the
    hits' frame, and came before it. The hit is still opened (and read) as before."""
    app = pilot.app
    library = app.library
    first_hit = library.search("pekerja", 1).hits[0]
    title = library.get(first_hit.id).title
    assert not library.headline(first_hit.id).read  # no check before this one read it
    await _type_query(pilot, "pekerja")
    events: list[str] = []
    get, related = Library.get, Library.related

    def recording_get(self: Library, article_id: int) -> Any:
        events.append(f"get {article_id}")
        return get(self, article_id)

    def recording_related(self: Library, article_id: int, limit: int = 10) -> Any:
        events.append(f"related {article_id}")
        return related(self, article_id, limit)

    refresh_layout = Screen._refresh_layout

    def recording_layout(screen: Screen[Any], size: Any = None, scroll: bool = False) -> None:
        if not scroll or screen._layout_widgets:
            events.append("layout")
        refresh_layout(screen, size, scroll)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(Library, "get", recording_get)
        monkeypatch.setattr(Library, "related", recording_related)
        monkeypatch.setattr(Screen, "_refresh_layout", recording_layout)
        with frames_recorded(app, events):
            await pilot.press("enter")
            await settle(pilot)
    hits = events.index(_frames(events)[_listed_hits_frame(_frames(events), title)])
    # Nothing is laid out on the way to the hits (the related news' scrollbar may come
    # or go after them: a layout, the hit's own).
    assert "layout" not in events[:hits]
    assert events.index(f"get {first_hit.id}") > hits
    assert events.index(f"related {first_hit.id}") > hits
    article = app.screen.article
    assert article.article is not None and article.article.id == first_hit.id
    assert article.article.read


async def the_later_hits_snippets_are_worked_out_after_the_hits_frame(pilot: Pilot[Any]) -> None:
    """The hits below the first FIRST_SNIPPETS get their snippets once the hits are on
    screen (worked out before, they shared the machine with that frame), and every hit has
    its snippet in the end, as before."""
    app = pilot.app
    library = app.library
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(reader_screen, "FIRST_SNIPPETS", 5)  # the store has 17 hits
        result = library.search("pekerja", reader_screen.SEARCH_LIMIT)
        assert len(result.hits) > reader_screen.FIRST_SNIPPETS
        title = library.get(result.hits[0].id).title
        await _type_query(pilot, "pekerja")
        events: list[str] = []
        snippets = Library.snippets

        def recording(self: Library, *args: Any) -> Any:
            events.append("snippets")
            return snippets(self, *args)

        monkeypatch.setattr(Library, "snippets", recording)
        with frames_recorded(app, events):
            await pilot.press("enter")
            await settle(pilot)
    hits = events.index(_frames(events)[_listed_hits_frame(_frames(events), title)])
    assert events.index("snippets") > hits
    state = app.screen.search
    assert set(state.snippets) == {hit.id for hit in result.hits if hit.snippet}


def test_the_results_come_with_the_snippets_of_the_rows_on_screen_only(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search works out before the results only the snippets of the rows the list shows
    at once (each a CPU cost between Enter and the hits' frame); the others follow, and in
    the end every hit has its snippet, as before."""
    asked: list[int | None] = []
    search = Library.search

    def recording(self: Library, *args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("snippets"))
        return search(self, *args, **kwargs)

    result = library.search("pekerja", reader_screen.SEARCH_LIMIT)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            monkeypatch.setattr(Library, "search", recording)
            await pilot.press("slash")
            app.screen.query_one("#search", SearchBox).value = "pekerja"
            await pilot.press("enter")
            await settle(pilot)
            headlines = app.screen.headlines  # type: ignore[attr-defined]
            lines = headlines.scrollable_content_region.height
            # Rows of title lines, a snippet and the source (at this width two title lines:
            # rows of four lines, eight of them in part on 31 lines).
            assert headlines.row_height == headlines.title_lines + 2
            assert asked == [-(-lines // headlines.row_height)]
            assert asked[0] < len(result.hits) and asked[0] < reader_screen.FIRST_SNIPPETS
            state = app.screen.search  # type: ignore[attr-defined]
            assert set(state.snippets) == {hit.id for hit in result.hits if hit.snippet}

    asyncio.run(scenario())


def test_the_search_warm_up_comes_after_the_first_frame_and_once(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the first search of a process pays for once (Library.warm_search) is paid once the
    cursor rests after the first screen, never before its frame; `/` starts it when no rest
    has come yet; it runs once a process whatever comes after."""
    events: list[str] = []
    monkeypatch.setattr(Library, "warm_search", lambda self: events.append("warm"), raising=False)
    refresh = Screen._compositor_refresh

    def recording(screen: Screen[Any]) -> None:
        events.append("frame")
        refresh(screen)

    monkeypatch.setattr(Screen, "_compositor_refresh", recording)

    async def rests() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert events.count("warm") == 1
            assert events.index("frame") < events.index("warm")
            await _type_query(pilot, "pekerja")
            await pilot.press("enter")
            await settle(pilot)
            await _type_query(pilot, "upah")
            await settle(pilot)
            assert events.count("warm") == 1

    asyncio.run(rests())
    events.clear()
    # No rest before `/` (the keys come faster than PREVIEW_DELAY): `/` starts it.
    monkeypatch.setattr(reader_screen, "PREVIEW_DELAY", 30.0)

    async def types_at_once() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            # No settle here: it would wait for the rest (a worker) to end.
            await _until(pilot, lambda: "frame" in events, "the first frame")
            assert "warm" not in events
            await pilot.press("slash")
            await _until(pilot, lambda: "warm" in events, "the warm-up after /")
            await pilot.press("escape", "slash")
            await pilot.pause()
            assert events.count("warm") == 1

    asyncio.run(types_at_once())


async def _until(pilot: Any, done: Any, what: str = "the app to get there") -> None:
    """Let the app run until `done()`; 10 s at most (a loaded machine), then fail saying so."""
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline, f"waited 10 s for {what}"
        await pilot.pause(0.005)


def test_a_warm_up_that_fails_says_nothing(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up is work nobody asked for: a store it cannot read is reported by the search
    that reads it, not by a notice of the warm-up's own."""
    tried: list[str] = []

    def failing(self: Library) -> None:
        tried.append("warm")
        raise StorageError("articles.db: the database is busy")

    monkeypatch.setattr(Library, "warm_search", failing)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await _until(pilot, lambda: tried == ["warm"], "the warm-up")
            await settle(pilot)
            assert [n.message for n in app._notifications] == []

    asyncio.run(scenario())


async def no_search_state_is_written_out_on_the_way_to_the_hits_frame(pilot: Pilot[Any]) -> None:
    """Textual's @work describes a worker by the repr of its arguments unless told: the worker
    that opens the first hit once the hits are painted is started with the search's state,
    whose repr is every hit (0.1 ms for 10 hits, 0.65 ms for 100, before the hits' frame).
    Nothing writes the state out from Enter to the frame that shows it."""
    app = pilot.app
    library = app.library
    written: list[str] = []
    state_repr = SearchState.__repr__

    def counting(state: SearchState) -> str:
        written.append(state.query)
        return state_repr(state)

    first_hit = library.search("pekerja", 1).hits[0]
    title = library.get(first_hit.id).title
    await _type_query(pilot, "pekerja")
    events: list[str] = []
    with pytest.MonkeyPatch.context() as monkeypatch, frames_recorded(app, events):
        monkeypatch.setattr(SearchState, "__repr__", counting)
        await pilot.press("enter")
        await settle(pilot)
    _hits_frame(_frames(events), title)  # the hits were shown
    assert not written
