"""The reader with a timeline of what it does, for finding where a key's or a search's time goes.

    KR_TRACE=/tmp/kr.trace python bench/trace_tui.py --db STORE   # the reader, traced
    python bench/trace_tui.py --report /tmp/kr.trace               # what each key cost

Runs `kemnaker-reader` as the console script does, with wrappers (installed here, nothing in
the reader changes) that write one line per event to $KR_TRACE: the wall clock
(time.perf_counter, the clock tuibench reads), the thread, its CPU time (thread_time) and what
happened: a key read by the driver, the list's cursor moving, a search started, its worker's
calls to the library, its results reaching the screen, every frame (Textual's screen update:
layout, compositor, the write to the terminal), every message handled on the UI thread that
took long, and every garbage collection. `--report` reads such a file and prints, for each key
(Enter on a search, each Down), the time and the UI thread's CPU from the key to each frame
that followed it, and the worker's calls, so that "where is the time" is read, not guessed.

More, by environment variable: KR_TRACE_MSG_MS (messages logged from this much CPU, default
0.5), KR_TRACE_FRAME=1 (each widget's drawing in a frame, the compositor's dirty regions),
KR_TRACE_REFRESH=1 (who asks a widget other than the list to repaint, with the stack),
KR_TRACE_DRAW_STACK=1 (who asks each widget to draw), KR_PROFILE=FILE (cProfile of the UI
thread from a search's start to the end of its hits' frame, FILE.PID), KR_SWITCH=SECONDS
(another GIL switch interval; 1 ms against the default 5 made no difference found here).
To trace inside tuibench, put this script in a scenario's command (see compare_tui.sh).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_lock = threading.Lock()
_files: list[Any] = []  # the trace file, once install() has opened it


def log(what: str) -> None:
    line = (
        f"{time.perf_counter() * 1e3:.3f} {threading.current_thread().name.replace(' ', '_')} "
        f"{time.thread_time() * 1e3:.3f} {what}\n"
    )
    with _lock:
        _files[0].write(line)


def _wrap(
    owner: Any, name: str, label: str | None = None, detail: Callable[..., str] | None = None
) -> None:
    original = getattr(owner, name)
    tag = label or f"{owner.__name__}.{name}"

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        log(f"> {tag} {detail(*args, **kwargs) if detail else ''}".rstrip())
        try:
            return original(*args, **kwargs)
        finally:
            log(f"< {tag}")

    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(owner, name, wrapper)


def _log_collections(phase: str, info: dict[str, int]) -> None:
    """Each garbage collection, its generation and what it freed (gc.callbacks)."""
    if phase == "start":
        log(f"> gc {info['generation']}")
    else:
        log(f"< gc {info['generation']} collected {info['collected']}")


def install() -> None:
    _files.append(open(os.environ["KR_TRACE"], "a", buffering=1))  # noqa: SIM115 (the run's)
    import gc

    gc.callbacks.append(_log_collections)
    from textual import events
    from textual.app import App
    from textual.driver import Driver
    from textual.message_pump import MessagePump
    from textual.screen import Screen

    from reader.core.library import Library
    from reader.ui.screens.reader import ReaderScreen
    from reader.ui.widgets.headline_list import HeadlineList

    process = Driver.process_message

    def process_message(self: Driver, message: Any) -> None:
        if isinstance(message, events.Key):
            log(f"key {message.key}")
        process(self, message)

    Driver.process_message = process_message  # type: ignore[method-assign]
    _trace_terminal_writes()
    _trace_update_timer()
    _wrap(Screen, "_on_timer_update", "frame")
    _wrap(Screen, "_refresh_layout", "layout")
    _wrap(App, "_display", "display")
    for name in ("search", "headlines_by_id", "snippets", "get", "related", "headlines"):
        _wrap(Library, name, f"lib.{name}")
    for name in (
        "run_search",
        "on_search_finished",
        "_release_paint",
        "_add_snippets",
        "open_article",
    ):
        _wrap(ReaderScreen, name, f"screen.{name}")
    if os.environ.get("KR_TRACE_FRAME"):
        from textual._compositor import Compositor
        from textual._styles_cache import StylesCache

        def drawn(self: Any, widget: Any, crop: Any) -> str:
            text = f"{type(widget).__name__} {crop.height}"
            if os.environ.get("KR_TRACE_DRAW_STACK"):
                import traceback

                text += " <- " + " | ".join(
                    f"{f.name}:{f.lineno}" for f in traceback.extract_stack(limit=9)[:-2]
                )
            return text

        _wrap(StylesCache, "render_widget", "draw", drawn)
        _wrap(Compositor, "render_update", "compositor.render_update")
        _wrap(Compositor, "update_widgets", "compositor.update_widgets")
        _wrap(
            Compositor,
            "render_partial_update",
            "compositor.partial",
            lambda self: " ".join(
                f"{r.x},{r.y}+{r.width}x{r.height}" for r in sorted(self._dirty_regions)
            ),
        )
    if os.environ.get("KR_TRACE_REFRESH"):
        import traceback

        from textual.widget import Widget

        refresh = Widget.refresh

        def logged_refresh(self: Any, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(self, HeadlineList):
                stack = " | ".join(
                    f"{f.name}:{f.lineno}" for f in traceback.extract_stack(limit=8)[:-1]
                )
                log(f"refresh {type(self).__name__} {args} {kwargs} <- {stack}")
            return refresh(self, *args, **kwargs)

        Widget.refresh = logged_refresh  # type: ignore[method-assign]
    _wrap(HeadlineList, "render_lines", "list.render_lines")
    _wrap(HeadlineList, "watch_cursor", "list.cursor")
    _wrap(HeadlineList, "set_source", "list.set_source")

    dispatch = MessagePump._dispatch_message

    async def _dispatch_message(self: MessagePump, message: Any) -> Any:
        start = time.perf_counter()
        cpu = time.thread_time()
        try:
            return await dispatch(self, message)
        finally:
            spent = (time.thread_time() - cpu) * 1e3
            if spent > float(os.environ.get("KR_TRACE_MSG_MS", "0.5")):
                wall = (time.perf_counter() - start) * 1e3
                name = f"{type(self).__name__}:{type(message).__name__}"
                log(f"msg {name} {spent:.2f}cpu {wall:.2f}wall")

    MessagePump._dispatch_message = _dispatch_message  # type: ignore[method-assign]
    if os.environ.get("KR_PROFILE"):
        _profile_search(ReaderScreen, Screen)


def _trace_terminal_writes() -> None:
    """When Textual's writer thread, which holds the GIL only between the UI thread's turns,
    writes a frame out and flushes it to the terminal ("flushed N": its characters)."""
    from textual.drivers import _writer_thread

    class Logged:
        def __init__(self, file: Any) -> None:
            self.file = file
            self.size = 0

        def write(self, text: str) -> int:
            self.size += len(text)
            return int(self.file.write(text))

        def flush(self) -> None:
            self.file.flush()
            if self.size:
                log(f"flushed {self.size}")
                self.size = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self.file, name)

    start = _writer_thread.WriterThread.__init__

    def logged(self: Any, file: Any) -> None:
        start(self, Logged(file))  # type: ignore[arg-type]

    _writer_thread.WriterThread.__init__ = logged  # type: ignore[method-assign]


def _trace_update_timer() -> None:
    """When the screen's update timer is resumed ("resume", the screen has something to
    paint) while paused: its frame ("> frame") comes at its next tick, which Textual keeps on
    a grid of 1/MAX_FPS from the timer's start."""
    from textual.timer import Timer

    resume = Timer.resume

    def logged(self: Timer) -> None:
        if self.name == "screen_update" and not self._active.is_set():
            log("resume")
        resume(self)

    Timer.resume = logged  # type: ignore[method-assign]


def _profile_search(screen_class: Any, base: Any) -> None:
    """cProfile of the UI thread from a search's start to the end of the frame that shows its
    hits, written to $KR_PROFILE.PID (pstats; one file per process, every search added)."""
    import cProfile

    profile = cProfile.Profile()
    state = {"on": False, "finished": False}
    run_search = screen_class.run_search
    finished = screen_class.on_search_finished
    frame = base._on_timer_update

    def start(self: Any, *args: Any, **kwargs: Any) -> Any:
        state["on"], state["finished"] = True, False
        profile.enable()
        return run_search(self, *args, **kwargs)

    def done(self: Any, *args: Any, **kwargs: Any) -> Any:
        state["finished"] = True
        return finished(self, *args, **kwargs)

    def on_frame(self: Any) -> Any:
        try:
            return frame(self)
        finally:
            if state["on"] and state["finished"] and not self.app._batch_count:
                profile.disable()
                state["on"] = False
                profile.dump_stats(f"{os.environ['KR_PROFILE']}.{os.getpid()}")

    screen_class.run_search = start
    screen_class.on_search_finished = done
    base._on_timer_update = on_frame


# -- the report ------------------------------------------------------------------------------


def report(path: Path) -> None:
    """Each search's timeline (from the Enter key read by the driver), then a summary of the
    searches and the Down keys: wall time from the key to the end of the first frame written
    after it, and the UI thread's CPU over that time and in that frame."""
    events = []
    for line in path.read_text().splitlines():
        wall, thread, cpu, what = line.split(" ", 3)
        events.append((float(wall), thread, float(cpu), what))
    keys = [i for i, e in enumerate(events) if e[3].startswith("key ")]
    main = "MainThread"
    searches: list[tuple[float, float, float, float]] = []
    downs: list[tuple[float, float, float, float]] = []
    for n, i in enumerate(keys):
        key_wall, name = events[i][0], events[i][3].split()[1]
        end = keys[n + 1] if n + 1 < len(keys) else len(events)
        before = [e for e in events[:i] if e[1] == main]
        if not before:
            continue
        cpu0 = before[-1][2]
        window = events[i:end]
        is_search = any("run_search" in e[3] for e in window)
        if is_search:
            print(f"\nEnter (search) at {key_wall:.1f}:")
            for e in window:
                cpu = e[2] - cpu0 if e[1] == main else e[2]
                print(f"  {e[0] - key_wall:8.2f} ms  {e[1][:14]:14} cpu {cpu:8.2f}  {e[3]}")
        # The frame that shows the key: for a search, the first after its results arrived.
        after = 0
        if is_search:
            after = next((k for k, e in enumerate(window) if "on_search_finished" in e[3]), None)
            if after is None:
                continue
        starts = [k for k, e in enumerate(window) if k >= after and e[3] == "> frame"]
        shown = None
        for k in starts:
            stop = next((m for m in range(k, len(window)) if window[m][3] == "< frame"), None)
            if stop is not None and any(e[3] == "< display" for e in window[k:stop]):
                shown = (k, stop)
                break
        if shown is None:
            continue
        k, stop = shown
        row = (
            window[stop][0] - key_wall,
            window[stop][2] - cpu0,
            window[stop][2] - window[k][2],
            window[stop][0] - window[k][0],
        )
        if is_search:
            searches.append(row)
        elif name == "down":
            downs.append(row)
    for label, rows in (("search (Enter -> the hits' frame)", searches), ("Down", downs)):
        if not rows:
            continue
        print(f"\n{label}, {len(rows)} keys, median / max:")
        for column, title in enumerate(
            (
                "wall, key -> frame written",
                "UI CPU, key -> frame written",
                "UI CPU of the frame",
                "wall of the frame",
            )
        ):
            values = [r[column] for r in rows]
            print(f"  {title:30} {statistics.median(values):7.2f} / {max(values):7.2f} ms")
    _report_collections(events)


def _report_collections(events: list[tuple[float, str, float, str]]) -> None:
    """The garbage collections on the UI thread by generation: how many, their CPU, and those
    that began while a key waited for its frame (from the key read by the driver to the end of
    the UI thread's next frame)."""
    waiting = False
    began: dict[str, tuple[float, bool]] = {}
    found: dict[str, list[tuple[float, bool]]] = {}
    for _wall, thread, cpu, what in events:
        if what.startswith("key "):
            waiting = True
        elif thread == "MainThread" and what == "< frame":
            waiting = False
        elif thread == "MainThread" and what.startswith(("> gc", "< gc")):
            generation = what.split()[2]
            if what.startswith(">"):
                began[generation] = (cpu, waiting)
            elif generation in began:
                start, in_key = began.pop(generation)
                found.setdefault(generation, []).append((cpu - start, in_key))
    if found:
        print("\ngarbage collections on the UI thread: count, CPU total / max (while a key waited)")
    for generation, rows in sorted(found.items()):
        spent = [row[0] for row in rows]
        keyed = [row[0] for row in rows if row[1]]
        print(
            f"  generation {generation}: {len(rows)}, {sum(spent):.1f} / {max(spent):.2f} ms"
            f" ({len(keyed)}, {sum(keyed):.1f} / {max(keyed, default=0):.2f} ms)"
        )


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--report":
        report(Path(sys.argv[2]))
        return 0
    install()
    if os.environ.get("KR_SWITCH"):  # try another GIL switch interval (the default is 5 ms)
        sys.setswitchinterval(float(os.environ["KR_SWITCH"]))
    from reader.cli import main as reader_main

    return reader_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
