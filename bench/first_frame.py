"""The cost of the reader's first screen, counted so that a loaded machine does not blur it: the
reader (or an empty Textual app, the floor) runs in a private tmux session at 120x40 until its
first frame is written, and then ends at once. Per run it gives the main thread's time running,
waiting for a CPU, and neither (sleeping: idle waits such as a timer's tick, or I/O), from
/proc/thread-self/schedstat; with --callgrind, the instructions the whole process ran (valgrind,
about 60 s a run), which the machine's load does not change.

    python bench/first_frame.py STORE                       # this checkout, 5 runs
    python bench/first_frame.py STORE --tree /tmp/export-a --tree /tmp/export-b   # interleaved
    python bench/first_frame.py STORE --empty --callgrind --runs 1

STORE is a reader's store (copied before each run; make bench-tui's
/tmp/tuibench-data/kr-1000/pristine.db, say). A tree is a folder holding a `reader` package (a
`git archive` export, compiled with compileall as an installed reader is). The reader opens on
All (a config file of its own says so); its first frame is the first write that shows "All · N".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMPTY_APP = "READY empty Textual app"


def inside(out: str, ready: str, empty: bool, args: list[str]) -> None:
    """Run in the tmux session: the app, until the first write that matches `ready`."""

    def sched() -> tuple[float, float]:
        with open("/proc/thread-self/schedstat") as f:
            run, wait, _ = f.read().split()
        return int(run) / 1e6, int(wait) / 1e6

    start_run, start_wait = sched()
    started = time.perf_counter()
    import textual.drivers.linux_driver as linux_driver

    write = linux_driver.LinuxDriver.write
    shown = re.compile(ready)

    def first_write(self: linux_driver.LinuxDriver, data: str) -> None:
        if shown.search(data):
            run, wait = sched()
            wall = (time.perf_counter() - started) * 1e3
            ran, waited = run - start_run, wait - start_wait
            record = {"wall": wall, "run": ran, "runq": waited, "other": wall - ran - waited}
            Path(out).write_text(json.dumps(record))
            os._exit(0)
        write(self, data)

    linux_driver.LinuxDriver.write = first_write  # type: ignore[method-assign]
    if empty:
        from textual.app import App, ComposeResult
        from textual.widgets import Static

        class Empty(App[None]):
            def compose(self) -> ComposeResult:
                yield Static(EMPTY_APP)

        Empty().run()
    else:
        from reader.cli import main

        main(args)


def one_run(
    tree: str | None, store: Path, size: str, callgrind: bool, home: Path
) -> dict[str, float]:
    out = home / "out.json"
    out.unlink(missing_ok=True)
    empty = tree is None
    run_store = home / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run_store}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(store, run_store)
    ready = re.escape(EMPTY_APP) if empty else r"All · [0-9,]+"
    command = [sys.executable, "-P", str(Path(__file__).resolve()), "--inside", str(out), ready]
    command += ["--empty"] if empty else ["--", "--db", str(run_store)]
    log = home / "valgrind.log"
    if callgrind:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            f"--log-file={log}",
            *command,
        ]
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "KEMNAKER_READER_CONFIG": str(home / "config.toml"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": tree or str(ROOT),
    }
    width, height = size.split("x")
    # A server of its own, gone with the temporary folder; a new one each run: the last run's
    # server may still be exiting when a quick run (without callgrind) starts the next.
    server = str(home / f"tmux-{time.monotonic_ns()}.sock")
    shell = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k in WANTED_ENV)
    subprocess.run(
        [
            "tmux",
            "-S",
            server,
            "new-session",
            "-d",
            "-x",
            width,
            "-y",
            height,
            f"env {shell} {' '.join(shlex.quote(c) for c in command)}",
        ],
        check=True,
    )
    try:
        deadline = time.monotonic() + (600 if callgrind else 60)
        while time.monotonic() < deadline and not out.exists():
            time.sleep(0.05)
        while callgrind and time.monotonic() < deadline and "Collected" not in read(log):
            time.sleep(0.2)
    finally:
        subprocess.run(
            ["tmux", "-S", server, "kill-server"], check=False, stderr=subprocess.DEVNULL
        )
    record: dict[str, float] = json.loads(out.read_text())
    if callgrind:
        found = re.search(r"Collected : (\d+)", read(log))
        record["instructions_M"] = int(found.group(1)) / 1e6 if found else float("nan")
    return record


WANTED_ENV = {
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "KEMNAKER_READER_CONFIG",
    "LANG",
    "PYTHONPATH",
    "PATH",
    "TERM",
}


def read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        out, ready, rest = sys.argv[2], sys.argv[3], sys.argv[4:]
        inside(out, ready, rest[:1] == ["--empty"], rest[1:] if rest[:1] == ["--"] else [])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--tree", action="append", help="a folder with a reader package")
    parser.add_argument("--empty", action="store_true", help="an empty Textual app too")
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="120x40")
    options = parser.parse_args()
    subjects: list[str | None] = list(options.tree or [str(ROOT)])
    if options.empty:
        subjects.append(None)
    results: dict[str | None, list[dict[str, float]]] = {subject: [] for subject in subjects}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "config.toml").write_text('[ui]\nstart_view = "all"\n')
        for _ in range(options.runs):
            for subject in subjects:  # interleaved: A B A B ...
                results[subject].append(
                    one_run(subject, options.store, options.size, options.callgrind, home)
                )
    for subject, runs in results.items():
        medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        shown = "  ".join(f"{key} {value:.1f}" for key, value in medians.items())
        print(f"{subject or 'empty Textual app'}: medians of {len(runs)}, ms: {shown}")


if __name__ == "__main__":
    main()
