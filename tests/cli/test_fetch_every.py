"""`fetch --every MINUTES` (issue 14, item 6): rounds until stopped, one line per round, against a
local HTTP server whose feed grows between rounds; the loop itself is the core's
(`Library.fetch_every`), run here with a sleep that stands in for the minutes."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import reader.core.services.feeds as feed_service
from reader.core.db.sqlite import sqlite3
from reader.core.errors import StorageError
from reader.core.library import Library, open_library
from reader.core.models import FeedResult
from reader.core.services.feeds import FetchRound, fetch_rounds
from tests.cli.conftest import Invoke, lines
from tests.localserver import LocalServer, Route

COMMAND = shutil.which("kemnaker-reader", path=str(Path(sys.executable).parent))


def rss(count: int, version: str = "") -> Route:
    """A feed of `count` items (the first `count` of one growing list), with an ETag."""
    items = "".join(
        f"<item><title>Kabar upah minimum nomor {n}</title>"
        f"<link>https://tumbuh.example.id/{n}</link>"
        f"<description>Serikat pekerja membahas upah minimum, kabar ke-{n}.</description></item>"
        for n in range(count)
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tumbuh</title>'
        f"<link>https://tumbuh.example.id/</link>{items}</channel></rss>"
    ).encode()
    return Route(body, etag=f'"{count}{version}"')


class Rounds:
    """A sleep that grows the feed between rounds and stops the loop after `stop_after`."""

    def __init__(self, server: LocalServer, sizes: list[int], stop: threading.Event) -> None:
        self.server, self.sizes, self.stop = server, sizes, stop
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if len(self.slept) < len(self.sizes):
            self.server.serve("/feed.xml", rss(self.sizes[len(self.slept)]))
        else:
            self.stop.set()


def test_rounds_fetch_a_growing_feed_until_stopped(library: Library, server: LocalServer) -> None:
    feed = server.serve("/feed.xml", rss(2))
    gone = server.url("/gone.xml")
    library.add_feed(feed)
    library.add_feed(gone)
    stop = threading.Event()
    rounds = Rounds(server, [2, 5, 5], stop)
    seen: list[FetchRound] = []
    ran = library.fetch_every(0.5, seen.append, stop=stop, sleep=rounds.sleep)
    assert ran == 3 and [r.number for r in seen] == [1, 2, 3]
    assert [(r.feeds, r.added, r.error) for r in seen] == [(2, 2, None), (2, 3, None), (2, 0, None)]
    assert [r.status for r in seen[2].results] == ["unchanged", "failed"]  # a 304 the 3rd time
    for done in seen:  # the missing feed fails every round, and the rounds go on
        assert [(f.url, f.error) for f in done.failures] == [(gone, "HTTP 404 Not Found")]
    assert all(0 < s <= 30 for s in rounds.slept)  # the rest of the half minute
    assert library.count() == 5


def test_a_round_that_raises_a_reader_error_is_reported_and_the_next_runs() -> None:
    # The loop on its own, with a round that fails the way a store can (see the next test).
    calls: list[int] = []

    def one_round() -> list[FeedResult]:
        calls.append(1)
        if len(calls) == 2:
            raise StorageError("the database is busy (another program is writing to it)")
        return [FeedResult("https://a.example.id/rss", status="fetched", added=1)]

    stop = threading.Event()
    seen: list[FetchRound] = []
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            stop.set()

    ticks = iter(range(100))
    assert (
        fetch_rounds(
            one_round, 1, seen.append, stop=stop, sleep=sleep, monotonic=lambda: 10.0 * next(ticks)
        )
        == 3
    )
    assert [(r.added, r.error) for r in seen] == [
        (1, None),
        (0, "the database is busy (another program is writing to it)"),
        (1, None),
    ]
    assert slept == [50.0, 50.0, 50.0]  # a minute from each round's start: 10 s went in it


def test_a_store_busy_for_a_whole_round_is_one_failed_round(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.core.db.connection as connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    db = tmp_path / "articles.db"
    server.serve("/feed.xml", rss(2))
    stop = threading.Event()
    seen: list[FetchRound] = []
    blocker = sqlite3.connect(db, isolation_level=None)

    def sleep(seconds: float) -> None:
        if len(seen) == 1:
            server.serve("/feed.xml", rss(4))
            blocker.execute("BEGIN IMMEDIATE")  # another writer holds the store all round 2
        elif len(seen) == 2:
            blocker.execute("ROLLBACK")
        else:
            stop.set()

    with open_library(db) as library:
        library.add_feed(server.url("/feed.xml"))
        library.fetch_every(1, seen.append, stop=stop, sleep=sleep)
        assert [r.added for r in seen] == [2, 0, 2]
        assert seen[1].results == []  # said on round 2's line: the round failed, and why
        assert (seen[1].error or "").startswith(f"{db}: the database is busy")
        assert library.count() == 4
    blocker.close()


def test_the_command_prints_a_line_per_round_and_ends_on_ctrl_c(
    invoke: Invoke, library: Library, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.add_feed(server.serve("/feed.xml", rss(2)))
    library.add_feed(server.url("/gone.xml"))
    slept: list[float] = []

    def rest(stop: threading.Event, seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:
            server.serve("/feed.xml", rss(3))
        else:
            signal.raise_signal(signal.SIGINT)  # Ctrl+C while waiting for round 3
            assert stop.is_set()  # the handler's answer: the loop ends, nothing raised

    monkeypatch.setattr(feed_service, "rest", rest)
    out = invoke(library.path, "fetch", "--every", "2")
    assert (out.exit_code, out.stderr) == (0, "")
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
    gone = re.escape(server.url("/gone.xml"))
    shown = lines(out.stdout)
    assert re.fullmatch(
        stamp
        + rf"  round 1: 2 feeds fetched, 2 new articles, 1 failed \({gone}: HTTP 404 Not Found\)",
        shown[0],
    )
    assert re.fullmatch(
        stamp + r"  round 2: 2 feeds fetched, 1 new article, 1 failed \(.*\)", shown[1]
    )
    assert shown[2:] == ["stopped after 2 rounds"]
    assert 0 < slept[0] <= 120

    slept.clear()
    out = invoke(library.path, "fetch", "--every", "2", "--json")
    records = [json.loads(line) for line in lines(out.stdout)]
    assert out.exit_code == 0 and [r["round"] for r in records] == [1, 2]
    assert records[0]["added"] == 0 and records[0]["failed"][0]["error"] == "HTTP 404 Not Found"


@pytest.mark.parametrize("value", ["0", "-1", "-0.5", "soon", "nan"])
def test_a_bad_number_of_minutes_is_a_usage_error(
    invoke: Invoke, library: Library, value: str
) -> None:
    out = invoke(library.path, "fetch", "--every", value)
    assert out.exit_code == 2
    assert len(lines(out.stderr)) == 1 and "'--every'" in out.stderr and value in out.stderr


@pytest.mark.skipif(COMMAND is None, reason="the console script is not installed")
def test_sigterm_after_the_first_round_ends_the_installed_command_cleanly(
    tmp_path: Path, server: LocalServer
) -> None:
    db = tmp_path / "articles.db"
    with open_library(db) as library:
        library.add_feed(server.serve("/feed.xml", rss(3)))
    env = {k: v for k, v in os.environ.items() if k != "KEMNAKER_READER_DB"}
    env["KEMNAKER_READER_CONFIG"] = os.devnull
    assert COMMAND is not None
    fetcher = subprocess.Popen(
        [COMMAND, "--db", str(db), "fetch", "--every", "10"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert fetcher.stdout is not None
        first = fetcher.stdout.readline()  # the first round's line (the test's timeout bounds it)
        assert "round 1: 1 feed fetched, 3 new articles, 0 failed" in first
        asked = time.monotonic()
        fetcher.send_signal(signal.SIGTERM)
        rest, err = fetcher.communicate(timeout=20)
        took = time.monotonic() - asked
    finally:
        fetcher.kill()
    assert (fetcher.returncode, err) == (0, "")
    assert rest == "stopped after 1 round\n"
    assert took < 5  # not the ten minutes to the next round
    with open_library(db) as library:
        assert library.count() == 3


def test_stop_during_a_round_cancels_its_requests_and_the_round_is_not_reported(
    library: Library,
) -> None:
    from tests.core.test_hardening import Trickle

    server = Trickle(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n", b"<rss>")
    library.add_feed(server.url)
    stop = threading.Event()

    def stop_once_under_way() -> None:
        if server.answering(1):
            stop.set()

    threading.Thread(target=stop_once_under_way, daemon=True).start()
    seen: list[FetchRound] = []
    began = time.monotonic()
    try:
        ran = library.fetch_every(1, seen.append, stop=stop, timeout=60)
    finally:
        server.close()
    assert (ran, seen) == (0, [])  # the cut round says nothing, not "1 feed fetched"
    assert time.monotonic() - began < 30  # not the request's 60 s
    assert library.feeds()[0].last_fetched_at is None
