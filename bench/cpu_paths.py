"""The UI thread's CPU time for a search and for a Down, measured inside the reader (headless,
Textual's Pilot at 120x40): from Enter until the frame that shows the hits is composed, and from
Down until its frame is composed. CPU time, not wall time: on a loaded machine it moves far less
than what tuibench measures from outside, so two trees compared in turn show what the code
changed. It includes Pilot's own work for each key (the same in both trees).

    python bench/cpu_paths.py STORE [--query banjir] [--searches 12] [--label new]
    PYTHONPATH=/path/to/other/tree python bench/cpu_paths.py STORE --label old
    python bench/cpu_paths.py STORE --profile /tmp/search.prof   # cProfile of those spans

--profile FILE: cProfile of the UI thread over the measured spans (the searches' into FILE,
the Downs' into FILE.down; pstats files), for finding where their CPU goes.
--reframe N: also the CPU of the list's lines framed again from the lines it keeps (what a
Down that scrolls the list costs the list), N times over, after the searches (median and min of
7 rounds, in ms).

STORE is a reader's store (for instance make bench-tui's /tmp/tuibench-data/kr-1000/pristine.db;
searching marks the first hit read, so give it a copy). Prints one line per run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import statistics
import time
from pathlib import Path
from typing import Any

from textual.geometry import Region
from textual.screen import Screen

from reader.core.library import open_library
from reader.ui.app import make_app
from reader.ui.config import UIConfig
from reader.ui.screens.reader import ReaderScreen
from reader.ui.widgets.headline_list import HeadlineList


class FrameClock:
    """Notes the UI thread's CPU time and the wall time when a frame is composed after `arm`
    (for a search: once its results have reached the screen)."""

    def __init__(self, profile: bool = False) -> None:
        self.profiles = (cProfile.Profile(), cProfile.Profile()) if profile else None
        self.running: cProfile.Profile | None = None
        self.armed = False
        self.after_results = False
        self.cpu: float | None = None
        self.wall: float | None = None
        self.frame_cpu = 0.0  # the CPU of that frame alone
        finished = ReaderScreen.on_search_finished
        composed = Screen._compositor_refresh
        clock = self

        def on_search_finished(screen: ReaderScreen, message: Any) -> None:
            clock.after_results = True
            finished(screen, message)

        def compositor_refresh(screen: Screen[Any]) -> None:
            start = time.thread_time()
            composed(screen)
            if clock.armed and clock.after_results and clock.cpu is None:
                clock.cpu, clock.wall = time.thread_time(), time.perf_counter()
                clock.frame_cpu = clock.cpu - start
                if clock.running is not None:
                    clock.running.disable()
                    clock.running = None

        ReaderScreen.on_search_finished = on_search_finished  # type: ignore[method-assign]
        Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]

    def arm(self, search: bool, record: bool = True) -> tuple[float, float]:
        self.armed, self.after_results = True, not search
        self.cpu = self.wall = None
        if self.profiles is not None and record:
            self.running = self.profiles[0 if search else 1]
            self.running.enable()
        return time.thread_time(), time.perf_counter()

    async def wait(self) -> tuple[float, float]:
        while self.cpu is None or self.wall is None:
            await asyncio.sleep(0.001)
        self.armed = False
        return self.cpu, self.wall


async def measure(
    store: Path, query: str, searches: int, profile: Path | None = None, reframe: int = 0
) -> dict[str, list[float]]:
    clock = FrameClock(profile is not None)
    found: dict[str, list[float]] = {
        "search_cpu": [],
        "search_wall": [],
        "search_frame_cpu": [],
        "down_cpu": [],
        "down_frame_cpu": [],
        "reframe_cpu": [],
    }
    app = make_app(open_library(store), UIConfig(start_view="all", cursor_blink=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        for n in range(searches + 2):  # the first two warm up
            await pilot.press("slash")
            app.screen.query_one("#search").value = query  # type: ignore[attr-defined]
            await pilot.pause(0.15)
            cpu, wall = clock.arm(search=True, record=n >= 2)
            await pilot.press("enter")
            cpu_end, wall_end = await clock.wait()
            if n >= 2:
                found["search_cpu"].append((cpu_end - cpu) * 1e3)
                found["search_wall"].append((wall_end - wall) * 1e3)
                found["search_frame_cpu"].append(clock.frame_cpu * 1e3)
            await app.workers.wait_for_complete()
            await pilot.pause(0.25)
            for _ in range(6):
                cpu, _ = clock.arm(search=False)
                await pilot.press("down")
                cpu_end, _ = await clock.wait()
                found["down_cpu"].append((cpu_end - cpu) * 1e3)
                found["down_frame_cpu"].append(clock.frame_cpu * 1e3)
                await pilot.pause(0.05)
            await pilot.press("escape")
            await pilot.pause(0.3)
        if reframe:
            found["reframe_cpu"] = _reframe_cpu(app.screen.query_one(HeadlineList), reframe)
    if clock.profiles is not None and profile is not None:
        clock.profiles[0].dump_stats(profile)
        clock.profiles[1].dump_stats(f"{profile}.down")
    return found


def _reframe_cpu(headlines: HeadlineList, times: int) -> list[float]:
    """The CPU (ms) of the list's whole height framed again from its kept lines, per time."""
    crop = Region(0, 0, headlines.outer_size.width, headlines.outer_size.height)
    headlines.render_lines(crop)  # every line kept once
    rounds = []
    for _ in range(7):
        start = time.thread_time()
        for _ in range(times):
            headlines._styles_cache.clear()  # as a scroll leaves it: every line to frame
            headlines.render_lines(crop)
        rounds.append((time.thread_time() - start) / times * 1e3)
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--query", default="banjir")
    parser.add_argument("--searches", type=int, default=12)
    parser.add_argument("--label", default="")
    parser.add_argument("--profile", type=Path, help="cProfile files of the spans measured")
    parser.add_argument("--reframe", type=int, default=0, help="list reframes to time")
    args = parser.parse_args()
    found = asyncio.run(measure(args.store, args.query, args.searches, args.profile, args.reframe))
    downs = sorted(found["down_cpu"])
    print(
        f"{args.label or args.store.name}: Enter -> hits frame, UI-thread CPU median "
        f"{statistics.median(found['search_cpu']):.2f} ms (wall "
        f"{statistics.median(found['search_wall']):.1f} ms; the frame alone "
        f"{statistics.median(found['search_frame_cpu']):.2f}); Down -> frame CPU median "
        f"{statistics.median(downs):.2f} ms, p90 {downs[int(len(downs) * 0.9)]:.2f} ms (the frame "
        f"alone {statistics.median(found['down_frame_cpu']):.2f})"
    )
    if found["reframe_cpu"]:
        rounds = found["reframe_cpu"]
        print(
            f"  the list framed again from its kept lines: median {statistics.median(rounds):.3f}"
            f" ms, min {min(rounds):.3f} ms"
        )


if __name__ == "__main__":
    main()
