"""The cost of a search from Enter until its hits are written, counted so that a loaded machine
blurs it little: the reader runs in a private tmux session at 120x40 on a copy of STORE; once its
first screen is up and has rested, `/`, the query and Enter are sent as tuibench sends them, and
the reader itself records, from the Enter key read by its driver, the CPU time of its UI thread
(thread_time) and of the whole process (process_time: the search worker's too) and the wall
time at the first write that holds the results' title (the hits' frame), and at the last write
within a second after it (the first hit's article, its related news, the later snippets).

    python bench/search_frame.py STORE                                  # this checkout, 7 runs
    python bench/search_frame.py STORE --tree /tmp/export-a --tree /tmp/export-b  # interleaved
    python bench/search_frame.py STORE --tree A --tree B --runs 2 --callgrind    # ~95 s a run

With --callgrind the reader runs under valgrind's callgrind, and what is counted is the
instructions of every thread from the Enter key read to the hits' frame written (callgrind's
client requests, from a small library built with gcc, zero the counts at the key and dump them
at the frame): the machine's load does not change them. Under valgrind every search is slower
than START_FRAME_HOLD, so that hold is made long there (its "searching…" frame is not counted).
Time-based timers still fire by the clock, so a count varies by a few per cent from run to run.

STORE: a reader's store (make bench-tui's /tmp/tuibench-data/kr-1000/pristine.db, say). A tree
is a folder holding a `reader` package (a `git archive` export, compiled with compileall).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AFTER_MS = 1000  # how long writes are watched after the hits' frame
HITS_TEXT = "results"  # in the header's sub-title once the hits are listed


def inside(out: str, stop: str, args: list[str]) -> None:
    """Run in the tmux session: the reader, recording what a search's Enter cost. With `stop`
    a path, under callgrind: the counts are zeroed as the Enter key is read and dumped as the
    hits' frame is written (through the client requests of the library built at `stop`), and
    the reader ends there."""
    requests = None if stop == "none" else ctypes.CDLL(stop)
    if requests is not None:
        # A slow search paints "searching…" first once START_FRAME_HOLD has passed: under
        # callgrind every search is slow, and that frame is not what is counted here.
        import reader.ui.screens.reader as reader_screen

        reader_screen.START_FRAME_HOLD = 60.0
    from textual import events
    from textual.driver import Driver
    from textual.drivers.linux_driver import LinuxDriver

    marks: dict[str, float] = {}
    writes: list[dict[str, float]] = []
    main = threading.main_thread()

    def now() -> dict[str, float]:
        return {
            "wall": time.perf_counter() * 1e3,
            "ui": time.thread_time() * 1e3 if threading.current_thread() is main else -1.0,
            "process": time.process_time() * 1e3,
        }

    process = Driver.process_message

    def process_message(self: Driver, message: object) -> None:
        if isinstance(message, events.Key) and message.key == "enter" and not marks:
            marks["key_wall"] = time.perf_counter() * 1e3
            marks["key_process"] = time.process_time() * 1e3
            if requests is not None:
                requests.zero()
        process(self, message)

    # When the frame reaches the terminal: Textual hands each write to its writer thread,
    # which writes and flushes it once it holds the GIL.
    from textual.drivers import _writer_thread

    class Flushed:
        """The terminal file, noting when the hits' frame was flushed to it."""

        def __init__(self, file: Any) -> None:
            self.file = file
            self.pending = False

        def write(self, text: str) -> int:
            if "key_wall" in marks and "flushed" not in marks and HITS_TEXT in text:
                self.pending = True
            return int(self.file.write(text))

        def flush(self) -> None:
            self.file.flush()
            if self.pending and "flushed" not in marks:
                marks["flushed"] = time.perf_counter() * 1e3

        def __getattr__(self, name: str) -> Any:
            return getattr(self.file, name)

    writer_init = _writer_thread.WriterThread.__init__

    def flushed_writer(self: Any, file: Any) -> None:
        writer_init(self, Flushed(file))  # type: ignore[arg-type]

    _writer_thread.WriterThread.__init__ = flushed_writer  # type: ignore[method-assign]
    write = LinuxDriver.write

    def recorded_write(self: LinuxDriver, data: str) -> None:
        write(self, data)
        if not marks:
            return
        if not writes and HITS_TEXT not in data:
            return
        writes.append(now())
        if requests is not None:
            requests.dump()
            Path(out).write_text("{}")
            os._exit(0)
        if len(writes) == 1:
            threading.Timer(AFTER_MS / 1e3, finish).start()

    def finish() -> None:
        if "done" in marks:
            return
        marks["done"] = 1.0
        first, last = writes[0], writes[-1]
        record = {
            "hits_wall": first["wall"] - marks["key_wall"],
            "hits_flushed": marks.get("flushed", float("nan")) - marks["key_wall"],
            "hits_ui_cpu": first["ui"] - marks["ui_at_key"],
            "hits_cpu": first["process"] - marks["key_process"],
            "last_wall": last["wall"] - marks["key_wall"],
            "last_cpu": last["process"] - marks["key_process"],
            "writes": len(writes),
        }
        Path(out).write_text(json.dumps(record))
        os._exit(0)

    # The UI thread's CPU at the key: read as the key's event reaches the app (the driver
    # reads keys on a thread of its own).
    from textual.app import App

    on_event = App.on_event

    async def app_on_event(self: App[object], event: events.Event) -> None:
        if isinstance(event, events.Key) and event.key == "enter" and "ui_at_key" not in marks:
            marks["ui_at_key"] = time.thread_time() * 1e3
        await on_event(self, event)

    App.on_event = app_on_event  # type: ignore[method-assign,assignment]
    # The first rest's work done (the preview of the first row, its related news and the
    # search's warm-up): said in files, so that `/` comes after it however slowly the reader
    # runs (a warm-up still running after Enter was counted with the search: +60M).
    from reader.core.library import Library
    from reader.ui.screens.reader import ReaderScreen

    found = ReaderScreen.on_related_found
    warm = Library.warm_search

    def related_found(self: ReaderScreen, message: Any) -> None:
        found(self, message)
        Path(f"{out}.related").touch()

    def warm_search(self: Library) -> None:
        warm(self)
        Path(f"{out}.warm").touch()

    ReaderScreen.on_related_found = related_found  # type: ignore[method-assign]
    Library.warm_search = warm_search  # type: ignore[method-assign]
    Driver.process_message = process_message  # type: ignore[method-assign]
    LinuxDriver.write = recorded_write  # type: ignore[method-assign]
    from reader.cli import main as reader_main

    reader_main(args)


def tmux(server: str, *args: str) -> str:
    done = subprocess.run(
        ["tmux", "-S", server, *args], check=False, capture_output=True, text=True
    )
    return done.stdout


def one_run(tree: str, store: Path, query: str, home: Path, stop: str = "none") -> dict[str, float]:
    out = home / "out.json"
    out.unlink(missing_ok=True)
    for suffix in (".related", ".warm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    run_store = home / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run_store}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(store, run_store)
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "KEMNAKER_READER_CONFIG": str(home / "config.toml"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": tree,
        "PATH": os.environ.get("PATH", ""),
    }
    command = [sys.executable, "-P", str(Path(__file__).resolve()), "--inside", str(out), stop]
    command += ["--", "--db", str(run_store)]
    log = home / "valgrind.log"
    log.unlink(missing_ok=True)
    slow = 1.0
    if stop != "none":  # under callgrind, which runs Python some 50 times slower
        slow = 12.0
        for dumped in home.glob("callgrind.out*"):
            dumped.unlink()
        valgrind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={home}/callgrind.out"]
        command = [*valgrind, f"--log-file={log}", *command]
    shell = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    server = str(home / "tmux.sock")
    session = ["new-session", "-d", "-s", "s", "-x", "120", "-y", "40"]
    started = f"env {shell} {' '.join(shlex.quote(c) for c in command)}"
    subprocess.run(["tmux", "-S", server, "-f", "/dev/null", *session, started], check=True)
    try:
        deadline = time.monotonic() + 60 * slow
        while time.monotonic() < deadline and "All · " not in tmux(server, "capture-pane", "-p"):
            time.sleep(0.02)
        rested = [Path(f"{out}.related"), Path(f"{out}.warm")]
        while time.monotonic() < deadline and not all(path.exists() for path in rested):
            time.sleep(0.05)
        time.sleep(0.3 * slow)  # the frames of the first rest
        tmux(server, "send-keys", "-t", "s", "/")
        time.sleep(0.3 * slow)
        tmux(server, "send-keys", "-t", "s", "-l", query)
        time.sleep(0.3 * slow)
        tmux(server, "send-keys", "-t", "s", "Enter")
        while time.monotonic() < deadline and not out.exists():
            time.sleep(0.05)
        while stop != "none" and time.monotonic() < deadline and "Collected" not in read(log):
            time.sleep(0.2)
    finally:
        subprocess.run(
            ["tmux", "-S", server, "kill-server"], check=False, stderr=subprocess.DEVNULL
        )
    record: dict[str, float] = json.loads(out.read_text())
    if stop != "none":  # the dump asked for at the hits' frame: callgrind.out.1
        found = re.search(r"^totals: (\d+)", read(home / "callgrind.out.1"), re.M)
        record["instructions_M"] = int(found.group(1)) / 1e6 if found else float("nan")
    return record


CLIENT_REQUESTS = """
#include <valgrind/callgrind.h>
void zero(void) { CALLGRIND_ZERO_STATS; }
void dump(void) { CALLGRIND_DUMP_STATS; }
"""


def client_requests(home: Path) -> Path:
    """A library whose zero() and dump() are callgrind's client requests (needs gcc and
    valgrind's headers); outside valgrind they do nothing."""
    source, built = home / "requests.c", home / "requests.so"
    source.write_text(CLIENT_REQUESTS)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", built, source], check=True)
    return built


def read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        inside(sys.argv[2], sys.argv[3], sys.argv[5:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--tree", action="append", help="a folder with a reader package")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--query", default="banjir")
    parser.add_argument("--verbose", action="store_true", help="each run's figures too")
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="instead: the instructions from Enter to the hits' frame (valgrind's callgrind)",
    )
    options = parser.parse_args()
    subjects: list[str] = list(options.tree or [str(ROOT)])
    results: dict[str, list[dict[str, float]]] = {subject: [] for subject in subjects}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        blink = "cursor_blink = false\n" if options.callgrind else ""  # no idle frames
        (home / "config.toml").write_text(f'[ui]\nstart_view = "all"\n{blink}')
        stop = str(client_requests(home)) if options.callgrind else "none"
        for _ in range(options.runs):
            for subject in subjects:  # interleaved: A B A B ...
                record = one_run(subject, options.store, options.query, home, stop)
                results[subject].append(record)
                if options.verbose:
                    print(subject, record, flush=True)
    for subject, runs in results.items():
        medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        shown = "  ".join(f"{key} {value:.1f}" for key, value in medians.items())
        print(f"{subject}: medians of {len(runs)} (ms, or millions): {shown}")


if __name__ == "__main__":
    main()
