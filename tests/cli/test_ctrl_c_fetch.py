"""Ctrl+C of `fetch` ends it at once (issue 13: 146 s, each slow feed waited to its timeout).

The installed command fetches two feeds that trickle a byte every 0.2 s with a timeout of 60 s,
and gets SIGINT (what Ctrl+C sends) once both requests are under way.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.core.library import open_library
from tests.cli.conftest import Invoke
from tests.core.test_hardening import Trickle

COMMAND = shutil.which("kemnaker-reader", path=str(Path(sys.executable).parent))


def _two_slow_feeds(tmp_path: Path) -> tuple[Trickle, Path]:
    """A store following two feeds of one server that trickles a byte every 0.2 s."""
    server = Trickle(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n", b"<rss>")
    db = tmp_path / "articles.db"
    with open_library(db) as library:
        library.add_feed(server.url)
        library.add_feed(server.url.replace("feed.xml", "other.xml"))
    return server, db


@pytest.mark.skipif(COMMAND is None, reason="the console script is not installed")
def test_ctrl_c_ends_a_fetch_of_slow_feeds_at_once(tmp_path: Path) -> None:
    server, db = _two_slow_feeds(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "KEMNAKER_READER_DB"}
    assert COMMAND is not None
    fetching = subprocess.Popen(
        [COMMAND, "--db", str(db), "fetch", "--timeout", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not server.answering(2, timeout=0.02):  # both requests under way
            assert fetching.poll() is None and time.monotonic() < deadline
        asked = time.monotonic()
        fetching.send_signal(signal.SIGINT)
        _, err = fetching.communicate(timeout=20)
        took = time.monotonic() - asked
    finally:
        fetching.kill()
        server.close()
    assert fetching.returncode == 130
    assert took < 10, f"{took:.1f} s after Ctrl+C"  # the timeouts were 60 s
    assert err == "kemnaker-reader: interrupted; 0 of 2 feeds fetched\n"
    with open_library(db) as library:  # the feeds were left as they were
        assert all(feed.last_fetched_at is None for feed in library.feeds())


def test_ctrl_c_cancels_the_fetch_instead_of_raising_in_its_middle(
    tmp_path: Path, invoke: Invoke
) -> None:
    """In-process: SIGINT, sent once both requests are under way, sets the fetch's cancel
    event; no KeyboardInterrupt is raised wherever the main thread stands (raised while it held
    a pool future's lock, it could leave the exit waiting for ever on a pool thread)."""
    server, db = _two_slow_feeds(tmp_path)

    def interrupt() -> None:
        server.answering(2)  # both requests under way (or 30 s gone)
        os.kill(os.getpid(), signal.SIGINT)

    before = signal.getsignal(signal.SIGINT)
    sender = threading.Thread(target=interrupt, daemon=True)
    sender.start()
    try:
        asked = time.monotonic()
        out = invoke(db, "fetch", "--timeout", "60")
        took = time.monotonic() - asked
    finally:
        sender.join(5)
        server.close()
    assert (out.exit_code, out.stdout) == (130, "")
    assert out.stderr == "kemnaker-reader: interrupted; 0 of 2 feeds fetched\n"
    assert took < 30  # the requests' timeouts were 60 s
    assert signal.getsignal(signal.SIGINT) is before  # given back after the fetch
    with open_library(db) as library:
        assert all(feed.last_fetched_at is None for feed in library.feeds())
