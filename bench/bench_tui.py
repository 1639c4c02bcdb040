"""Terminal UI benchmark: time to first screen and key-press latency in a real terminal (tmux).

Usage: python bench/bench_tui.py [--sizes 10,100000] [--runs 7] [--presses 30] [--interval-ms 1]

The reader runs in a detached tmux session (120x40) on a private tmux server
(-S bench/out/tmux-PID.sock), started as a user starts it: `kemnaker-reader --db DB`. The
screen is read with `capture-pane -p -e` (text and colours) through one tmux control-mode
client (`tmux -C`), so a poll is a pipe round trip to the tmux server, not a process spawn;
both round trips are measured and printed.

Stores are built with the project's own tools (bench/generate.py, then `kemnaker-reader import`)
and cached as bench/out/tui-N.db; a cached store is reused when it holds N articles.

- First screen: from just before tmux is asked to start the command to the first capture that
  shows the "All · N" title (N stories: the versions of one story are one row) and every
  headline row the pane holds painted (title line and source · date line each, down to the
  pane's bottom border). The reader opens on All (a config file with `start_view = "all"`,
  bench/out/tui-config.toml, named by $KEMNAKER_READER_CONFIG), as Newsboat opens on every
  article; by default it opens on a topic.
  One discarded warm-up launch per size, then --runs launches per size, sizes interleaved.
  "settled" is when the screen last changed (the related sidebar fills in from a worker).
- Key press: on the headline list, `j` and `k` alternate (cursor row 0 <-> 1). Both screens are
  learnt first; a press is timed from just before send-keys to the first capture equal to the
  full expected screen (the selection moved and everything around it repainted, the article
  preview and related news included: they follow the cursor once it rests 0.15 s, so this
  time includes that rest; "first changed capture" is the key's own latency). Then a walk:
  `j` pressed repeatedly from the top (the list scrolls once the cursor leaves the screen),
  timed to the first changed capture and to the last change before the screen is still.

The reader previews the first article without marking it read, so the cached store stays as built.
Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = ROOT / ".venv" / "bin"
WIDTH, HEIGHT = 120, 40
SOCKET = OUT / f"tmux-{os.getpid()}.sock"  # a private tmux server, removed at the end
ANSI = re.compile(r"\x1b\[[0-9;:?]*[A-Za-z]")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def reader_command() -> list[str]:
    exe = BIN / "kemnaker-reader"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "reader"]


# -- stores ---------------------------------------------------------------------------------


def store_count(db: Path) -> int | None:
    if not db.exists():
        return None
    result = subprocess.run(
        [*reader_command(), "--db", str(db), "stats", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    return json.loads(result.stdout).get("articles")


def ensure_store(n: int) -> Path:
    """bench/out/tui-N.db holding N generated articles, built once with the project's tools."""
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"tui-{n}.db"
    if store_count(db) == n:
        return db
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    source = OUT / f"tui-articles-{n}.jsonl"
    if not source.exists() or sum(1 for _ in source.open(encoding="utf-8")) != n:
        print(f"generating {n:,} articles -> {source}", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), str(n), str(source)], check=True
        )
    print(f"importing {source.name} -> {db}", file=sys.stderr)
    started = time.perf_counter()
    subprocess.run([*reader_command(), "--db", str(db), "import", str(source)], check=True)
    print(f"  imported in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    count = store_count(db)
    if count != n:
        raise SystemExit(f"{db} holds {count} articles after import, expected {n}")
    return db


# -- tmux -----------------------------------------------------------------------------------


class Tmux:
    """One control-mode client on a private tmux server; commands are pipe round trips."""

    def __init__(self) -> None:
        self.base = ["tmux", "-S", str(SOCKET), "-f", "/dev/null"]
        self.proc = subprocess.Popen(
            [*self.base, "-C", "new-session", "-s", "tuibench-ctl", "-x", "80", "-y", "24"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )  # buffered: an unbuffered readline reads byte by byte
        assert self.proc.stdin and self.proc.stdout
        self._in, self._out = self.proc.stdin, self.proc.stdout
        self._block()  # the reply to the new-session that started the client

    def _block(self) -> tuple[bool, list[str]]:
        lines: list[str] = []
        inside = False
        while True:
            raw = self._out.readline()
            if not raw:
                raise RuntimeError("tmux control client ended")
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not inside:
                inside = line.startswith("%begin")
                continue
            if line.startswith(("%end", "%error")):
                return line.startswith("%end"), lines
            lines.append(line)

    def cmd(self, command: str, check: bool = True) -> list[str]:
        self._in.write(command.encode() + b"\n")
        self._in.flush()
        ok, lines = self._block()
        if check and not ok:
            raise RuntimeError(f"tmux: {command}: {' '.join(lines)}")
        return lines if ok else []

    def capture(self, target: str) -> str:
        return "\n".join(self.cmd(f"capture-pane -p -e -t {target}", check=False))

    def alive(self, session: str) -> bool:
        self._in.write(f"has-session -t {session}\n".encode())
        self._in.flush()
        ok, _ = self._block()
        return ok

    def close(self) -> None:
        # The private server holds only this benchmark's sessions.
        with contextlib.suppress(RuntimeError, BrokenPipeError):
            self.cmd("kill-server", check=False)
        with contextlib.suppress(BrokenPipeError):
            self._in.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        SOCKET.unlink(missing_ok=True)


def plain(screen: str) -> list[str]:
    return [ANSI.sub("", line) for line in screen.split("\n")]


def first_screen_shown(screen: str, n: int) -> bool:
    """The "All · N" title and every headline row the pane can show, down to its border.

    A row is a title line and a "source · date" line; a capture can land in the middle of the
    app's write, so the whole headline pane is required, not just its first row.
    """
    lines = plain(screen)
    # The count is of stories: versions of one story are one row (986 rows for 1,000 here).
    if len(lines) < HEIGHT - 1 or not re.search(r"All · [\d,]+\b", lines[1]):
        return False
    pane = [line.split("│")[1] if line.count("│") >= 2 else "" for line in lines[2 : HEIGHT - 2]]
    if not lines[HEIGHT - 2].startswith("╰"):
        return False
    dated = sum(1 for line in pane if re.search(r"· \d{1,2} \S+ \d{4}", line))
    titled = sum(1 for line in pane[0::2] if line.strip())
    rows = min(n, len(pane) // 2)
    return dated >= rows and titled >= rows


class Session:
    def __init__(self, tmux: Tmux, name: str, db: Path) -> None:
        self.tmux, self.name, self.db = tmux, name, db

    def launch(self) -> float:
        """Start the reader; the perf_counter just before tmux was asked to start it."""
        config = OUT / "tui-config.toml"
        config.write_text('[ui]\nstart_view = "all"\n', encoding="utf-8")
        command = "KEMNAKER_READER_CONFIG=" + shlex.quote(str(config)) + " "
        command += shlex.join(["exec", *reader_command(), "--db", str(self.db)])
        tmux_cmd = (
            f"new-session -d -s {self.name} -x {WIDTH} -y {HEIGHT} "
            f"-c {shlex.quote(str(ROOT))} {shlex.quote(command)}"
        )
        started = time.perf_counter()
        self.tmux.cmd(tmux_cmd)
        return started

    def capture(self) -> str:
        return self.tmux.capture(self.name)

    def wait_for(self, predicate, timeout: float, interval: float) -> tuple[float, str]:
        deadline = time.perf_counter() + timeout
        while True:
            screen = self.capture()
            now = time.perf_counter()
            if predicate(screen):
                return now, screen
            if now > deadline:
                last = "\n".join(plain(screen))
                raise TimeoutError(f"{self.name}: screen not reached; last:\n{last}")
            time.sleep(interval)

    def settle(self, quiet: float, timeout: float, interval: float) -> tuple[float, str]:
        """Poll until the screen has not changed for `quiet` s; (time of last change, screen)."""
        screen = self.capture()
        changed = time.perf_counter()
        deadline = changed + timeout
        while True:
            time.sleep(interval)
            now_screen = self.capture()
            now = time.perf_counter()
            if now_screen != screen:
                screen, changed = now_screen, now
            elif now - changed >= quiet or now > deadline:
                return changed, screen

    def quit(self) -> None:
        try:
            self.tmux.cmd(f"send-keys -t {self.name} q", check=False)
            deadline = time.perf_counter() + 5
            while self.tmux.alive(self.name) and time.perf_counter() < deadline:
                time.sleep(0.02)
        finally:
            if self.tmux.alive(self.name):
                self.tmux.cmd(f"kill-session -t {self.name}", check=False)


# -- measurements ---------------------------------------------------------------------------


def first_screen(tmux: Tmux, db: Path, n: int, run: int, interval: float) -> dict:
    session = Session(tmux, f"tuibench-{n}-{run}", db)
    started = session.launch()
    try:
        shown, _ = session.wait_for(lambda s: first_screen_shown(s, n), 30, interval)
        settled, _ = session.settle(quiet=1.0, timeout=20, interval=0.01)
    finally:
        session.quit()
    return {
        "first_ms": (shown - started) * 1000,
        "settled_ms": (max(settled, shown) - started) * 1000,
    }


def key_presses(tmux: Tmux, db: Path, n: int, presses: int, interval: float) -> dict:
    session = Session(tmux, f"tuibench-{n}-keys", db)
    session.launch()
    rng = random.Random(n)
    try:
        session.wait_for(lambda s: first_screen_shown(s, n), 30, interval)
        _, at_top = session.settle(quiet=1.0, timeout=20, interval=0.01)
        tmux.cmd(f"send-keys -t {session.name} j")
        _, below = session.settle(quiet=0.5, timeout=10, interval=0.01)
        tmux.cmd(f"send-keys -t {session.name} k")
        _, back = session.settle(quiet=0.5, timeout=10, interval=0.01)
        if below == at_top or back != at_top:
            raise RuntimeError("j/k did not move the selection and back to the same screen")
        expected = {"j": below, "k": at_top}
        times: dict[str, list[float]] = {"j": [], "k": []}
        first_change: list[float] = []
        for i in range(presses):
            key = "j" if i % 2 == 0 else "k"
            before = at_top if key == "j" else below
            time.sleep(0.15 + rng.random() * 0.1)  # idle between presses, no phase locking
            if session.capture() != before:
                raise RuntimeError("screen changed on its own between presses")
            changed_at = None
            started = time.perf_counter()
            tmux.cmd(f"send-keys -t {session.name} {key}")
            while True:
                screen = session.capture()
                now = time.perf_counter()
                if changed_at is None and screen != before:
                    changed_at = now
                if screen == expected[key]:
                    break
                if now - started > 5:
                    raise TimeoutError(f"{key} press {i}: expected screen not reached")
                time.sleep(interval)
            times[key].append((now - started) * 1000)
            first_change.append(((changed_at or now) - started) * 1000)

        # Walk down from the top with j: the list scrolls once the cursor leaves the screen.
        walk_first: list[float] = []
        walk_last: list[float] = []
        screen = at_top
        for _ in range(min(presses, n - 1)):
            time.sleep(0.15 + rng.random() * 0.1)
            before = screen
            started = time.perf_counter()
            tmux.cmd(f"send-keys -t {session.name} j")
            changed, screen = session.wait_for(lambda s, before=before: s != before, 5, interval)
            last = changed
            quiet_until = changed + 0.1  # any further repaint of the same press
            while (now := time.perf_counter()) < quiet_until:
                again = session.capture()
                if again != screen:
                    screen, last, quiet_until = again, now, now + 0.1
                time.sleep(interval)
            walk_first.append((changed - started) * 1000)
            walk_last.append((last - started) * 1000)
    finally:
        session.quit()
    both = times["j"] + times["k"]
    return {
        "jk_ms": both,
        "j_ms": times["j"],
        "k_ms": times["k"],
        "jk_first_change_ms": first_change,
        "walk_first_ms": walk_first,
        "walk_last_ms": walk_last,
    }


def round_trips(tmux: Tmux, db: Path, n: int) -> dict:
    """An empty poll: capture-pane of the reader's screen, via control mode and as a process."""
    session = Session(tmux, f"tuibench-{n}-rt", db)
    session.launch()
    try:
        session.wait_for(lambda s: first_screen_shown(s, n), 30, 0.005)
        session.settle(quiet=0.5, timeout=20, interval=0.01)
        control = []
        for _ in range(200):
            t = time.perf_counter()
            session.capture()
            control.append((time.perf_counter() - t) * 1000)
        spawned = []
        for _ in range(30):
            t = time.perf_counter()
            subprocess.run(
                [*tmux.base, "capture-pane", "-p", "-e", "-t", session.name],
                capture_output=True,
                check=True,
            )
            spawned.append((time.perf_counter() - t) * 1000)
    finally:
        session.quit()
    return {
        "control_ms": statistics.median(control),
        "control_p95_ms": percentile(control, 0.95),
        "subprocess_ms": statistics.median(spawned),
    }


# -- report ---------------------------------------------------------------------------------


def summary(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "n": len(values),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100000", help="store sizes, comma separated")
    parser.add_argument("--runs", type=int, default=7, help="first-screen launches per size")
    parser.add_argument("--presses", type=int, default=30, help="key presses per size")
    parser.add_argument("--interval-ms", type=float, default=1.0, help="pause between polls")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    sizes = [int(s) for s in args.sizes.split(",")]
    interval = args.interval_ms / 1000
    dbs = {n: ensure_store(n) for n in sizes}

    OUT.mkdir(parents=True, exist_ok=True)
    tmux = Tmux()
    try:
        rt = round_trips(tmux, dbs[sizes[0]], sizes[0])
        first: dict[int, list[dict]] = {n: [] for n in sizes}
        for n in sizes:  # warm-up launch, discarded (page cache, bytecode)
            first_screen(tmux, dbs[n], n, 0, interval)
        for run in range(1, args.runs + 1):
            for n in sizes:  # interleaved, so drift in machine load hits every size alike
                first[n].append(first_screen(tmux, dbs[n], n, run, interval))
        keys = {n: key_presses(tmux, dbs[n], n, args.presses, interval) for n in sizes}
    finally:
        tmux.close()

    load = os.getloadavg()
    result = {
        "bench": "tui",
        "terminal": f"tmux {WIDTH}x{HEIGHT}",
        "runs": args.runs,
        "presses": args.presses,
        "poll_interval_ms": args.interval_ms,
        "poll_round_trip_ms": {k: round(v, 3) for k, v in rt.items()},
        "sizes": {},
        "loadavg": [round(x, 2) for x in load],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    for n in sizes:
        result["sizes"][str(n)] = {
            "first_screen_ms": summary([r["first_ms"] for r in first[n]]),
            "first_screen_runs_ms": [round(r["first_ms"], 1) for r in first[n]],
            "settled_ms": summary([r["settled_ms"] for r in first[n]]),
            **{f"key_{name}": summary(values) for name, values in keys[n].items() if values},
        }
    lo, hi = str(min(sizes)), str(max(sizes))
    ratio = (
        result["sizes"][hi]["first_screen_ms"]["median"]
        / result["sizes"][lo]["first_screen_ms"]["median"]
    )
    result["first_screen_ratio"] = round(ratio, 3)
    fastest = (
        result["sizes"][hi]["first_screen_ms"]["min"]
        / result["sizes"][lo]["first_screen_ms"]["min"]
    )
    result["first_screen_ratio_of_fastest"] = round(fastest, 3)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    result["commit"] = commit
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "reader"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    result["reader_uncommitted"] = [line[3:] for line in dirty if line.strip()]
    # The key's own latency (the selection moved): the full screen waits for the preview's rest.
    own = [result["sizes"][str(n)]["key_jk_first_change_ms"] for n in sizes]
    worst_key = max(s["median"] for s in own)
    worst_p95 = max(s["p95"] for s in own)
    worst_max = max(s["max"] for s in own)
    keys_met = worst_key <= 16 and worst_p95 <= 16 and worst_max <= 50
    result["targets"] = {
        "first_screen_ratio_le_1.25": ratio <= 1.25,
        "key_median_and_p95_le_16ms_max_le_50ms": keys_met,
    }

    print(
        f"kemnaker-reader TUI in tmux {WIDTH}x{HEIGHT}; poll every {args.interval_ms:g} ms; "
        f"empty capture-pane round trip {rt['control_ms']:.3f} ms (control mode, p95 "
        f"{rt['control_p95_ms']:.3f}), {rt['subprocess_ms']:.1f} ms as a process"
    )
    header = f"{'ms':34}" + "".join(f"{int(n):>22,}" for n in sizes)
    print(header)
    rows = [
        ("first screen (median / p95)", "first_screen_ms"),
        ("settled, related filled", "settled_ms"),
        ("j/k repaint, full screen", "key_jk_ms"),
        ("  j only", "key_j_ms"),
        ("  k only", "key_k_ms"),
        ("j/k first changed capture", "key_jk_first_change_ms"),
        ("j walk down, first change", "key_walk_first_ms"),
        ("j walk down, last change", "key_walk_last_ms"),
    ]
    for label, key in rows:
        cells = []
        for n in sizes:
            s = result["sizes"][str(n)].get(key)
            cell = f"{s['median']:>8.1f} / {s['p95']:>6.1f} (n={s['n']})" if s else "-"
            cells.append(cell)
        print(f"{label:34}" + "".join(f"{c:>22}" for c in cells))
    print(
        f"first screen ratio {int(hi):,} / {int(lo):,}: {ratio:.3f} (target <= 1.25: "
        f"{'met' if ratio <= 1.25 else 'MISSED'}; fastest runs "
        f"{fastest:.3f}); j/k first change, worst median / p95 / max {worst_key:.1f} / "
        f"{worst_p95:.1f} / {worst_max:.1f} ms (target 16 / 16 / 50: "
        f"{'met' if keys_met else 'MISSED'}); load {load[0]:.2f} "
        f"{load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
