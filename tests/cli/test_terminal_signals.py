"""The reader in a real terminal receiving signals (issue 13): SIGTSTP and SIGCONT (Ctrl+Z, then
`fg`) give the terminal back and then draw the screen again without a key; SIGTERM ends the
reader with the terminal restored (main screen, cursor shown, no mouse tracking) and exit 143.

The terminal is tmux's: the reader runs in a detached session of a tmux server of the test's
own, and tmux says what state the program left its terminal in and what is on the screen.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
TMUX = shutil.which("tmux")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


class Terminal:
    """One tmux server (its own socket, no config) with one 100x30 window."""

    def __init__(self, socket: Path) -> None:
        assert TMUX is not None
        self.base = [TMUX, "-S", str(socket), "-f", os.devnull]

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            [*self.base, *args], capture_output=True, text=True, timeout=10, check=True
        )
        return done.stdout

    def state(self) -> str:
        """'alternate screen, cursor shown, mouse tracking', each 0 or 1."""
        return self.tmux(
            "display", "-p", "-t", "r", "#{alternate_on} #{cursor_flag} #{mouse_any_flag}"
        ).strip()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "r")

    def program(self) -> int:
        """The process the session's shell runs (the reader)."""
        shell = self.tmux("display", "-p", "-t", "r", "#{pane_pid}").strip()
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        assert len(children) == 1, children
        return int(children[0])


def _until(what: str, check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.03)


def _process_state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path / "tmux.sock")
    yield term
    subprocess.run([*term.base, "kill-server"], capture_output=True, check=False)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_the_reader_answers_sigtstp_sigcont_and_sigterm(
    terminal: Terminal, demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "articles.db"
    shutil.copy(demo_db, db)
    env = f"PYTHONPATH={shlex.quote(str(ROOT))} KEMNAKER_READER_CONFIG={os.devnull} TERM=xterm-256color"
    reader = f"{shlex.quote(sys.executable)} -m reader --db {shlex.quote(str(db))}"
    # The shell stays after the reader so its exit code can be read on the screen.
    command = f"env {env} {reader}; echo EXITED $?; sleep 60"
    terminal.tmux("new-session", "-d", "-s", "r", "-x", "100", "-y", "30", command)

    def drawn() -> bool:
        return "kemnaker-reader" in terminal.screen() and "Quit" in terminal.screen()

    # tmux reads what the program writes on its own time: each state is waited for (a wrong
    # one fails after 30 s; a right one comes within milliseconds).
    def application() -> bool:  # alternate screen, no cursor, mouse tracking: all drawn
        return terminal.state() == "1 0 1" and drawn()

    def shell() -> bool:  # the terminal as the shell had it
        return terminal.state() == "0 1 0"

    _until("the reader to draw its screen", application)
    pid = terminal.program()

    os.kill(pid, signal.SIGTSTP)
    _until("the reader to stop", lambda: _process_state(pid) == "T")
    _until("the terminal to be given back", shell)

    os.kill(pid, signal.SIGCONT)
    _until("the screen to be drawn again, with no key pressed", application)

    os.kill(pid, signal.SIGTERM)
    _until("the reader to end", lambda: "EXITED" in terminal.screen())
    _until("the terminal to be restored", shell)  # killed where it stood: "1 0 1" for good
    assert "EXITED 143" in terminal.screen()  # 128 + SIGTERM, as a shell reports a kill
    assert "Traceback" not in terminal.screen()


def _ended(pid: int) -> bool:
    try:
        return _process_state(pid) == "Z"  # ended, not yet reaped
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_a_terminal_that_hangs_up_after_ctrl_z_and_fg_ends_the_reader(
    terminal: Terminal, demo_db: Path, tmp_path: Path
) -> None:
    """An ssh connection dropped or a tmux server killed just after `fg`: the SIGHUP's orderly
    end waited for ever on Textual's output thread, dead on the vanished terminal, and the
    reader stayed behind (asleep or spinning) and ignored SIGTERM. It must end by itself."""
    db = tmp_path / "articles.db"
    shutil.copy(demo_db, db)
    env = f"PYTHONPATH={shlex.quote(str(ROOT))} KEMNAKER_READER_CONFIG={os.devnull} TERM=xterm-256color"
    reader = f"{shlex.quote(sys.executable)} -m reader --db {shlex.quote(str(db))}"
    command = f"env {env} {reader}; sleep 60"  # the shell stays: program() finds the reader
    terminal.tmux("new-session", "-d", "-s", "r", "-x", "100", "-y", "30", command)
    _until(
        "the reader to draw its screen",
        lambda: terminal.state() == "1 0 1" and "Quit" in terminal.screen(),
    )
    pid = terminal.program()
    try:
        os.kill(pid, signal.SIGTSTP)
        _until("the reader to stop", lambda: _process_state(pid) == "T")
        os.kill(pid, signal.SIGCONT)
        subprocess.run([*terminal.base, "kill-server"], capture_output=True, check=False)
        _until("the reader to end without its terminal", lambda: _ended(pid))
    finally:
        if not _ended(pid):
            os.kill(pid, signal.SIGKILL)  # never leave a reader behind, even when this fails


def test_the_driver_methods_the_reader_gives_the_event_loop_are_there() -> None:
    """reader.ui.app hands SIGTSTP and SIGCONT to the event loop, which calls Textual's own
    handlers (private in the pinned 8.2.8). They are looked up with getattr, so that a
    renamed one cannot stop the reader from starting; this says when an upgrade renames them,
    and Ctrl+Z would go back to the handler that could wait for ever."""
    from textual.drivers.linux_driver import LinuxDriver

    assert callable(getattr(LinuxDriver, "_sigtstp_application", None))
    assert callable(getattr(LinuxDriver, "_sigcont_application", None))
