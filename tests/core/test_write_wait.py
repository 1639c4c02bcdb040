"""A write transaction that finds another writer's transaction open waits for it and then runs
(db/connection.py tries BEGIN IMMEDIATE again every few milliseconds, with SQLite's own busy
handler off meanwhile), and the connection's busy timeout is back afterwards."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reader.core.db import connection
from reader.core.db.connection import BUSY_TIMEOUT_MS, Connections
from reader.core.errors import StorageError


def _holding(connections: Connections, opened: threading.Event, seconds: float) -> None:
    """In a thread of its own: a write transaction held open for `seconds`, then committed."""
    with connections.transaction() as conn:
        conn.execute("INSERT INTO notes (text) VALUES ('first')")
        opened.set()
        time.sleep(seconds)


def _another_writer_holding(connections: Connections, seconds: float) -> threading.Thread:
    """A table of notes, and another thread's write transaction open on it for `seconds`
    (started, and holding the lock, when this returns)."""
    with connections.transaction() as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    opened = threading.Event()
    other = threading.Thread(target=_holding, args=(connections, opened, seconds))
    other.start()
    assert opened.wait(10)
    return other


def test_a_writer_waits_for_the_other_and_then_writes(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    connections = Connections(path)
    try:
        other = _another_writer_holding(connections, 0.3)
        began = time.monotonic()
        with connections.transaction() as conn:
            waited = time.monotonic() - began
            conn.execute("INSERT INTO notes (text) VALUES ('second')")
        other.join()
        assert waited > 0.1  # it did wait for the other's transaction
        rows = connections.conn.execute("SELECT text FROM notes ORDER BY id").fetchall()
        assert rows == [("first",), ("second",)]
        timeout = connections.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        assert timeout == BUSY_TIMEOUT_MS
    finally:
        connections.close()


def test_a_writer_gives_up_after_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "store.db"
    connections = Connections(path)
    try:
        other = _another_writer_holding(connections, 1.0)
        began = time.monotonic()
        with (
            pytest.raises(StorageError, match="the database is busy"),
            connections.transaction() as conn,
        ):
            conn.execute("INSERT INTO notes (text) VALUES ('second')")
        assert time.monotonic() - began >= 0.2
        other.join()
        rows = connections.conn.execute("SELECT text FROM notes").fetchall()
        assert rows == [("first",)]
        assert connections.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 200
    finally:
        connections.close()
