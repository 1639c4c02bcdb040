"""Connections lent to threads: the reader runs every search in a new worker thread, and the
store must not keep a connection (on PostgreSQL a server connection) for each one."""

from __future__ import annotations

import threading
import time

from reader.core.db.lending import IDLE
from reader.core.models import Article
from tests.conftest import SEED, sql


def _in_threads(work, count: int, at_once: int = 1) -> None:  # type: ignore[no-untyped-def]
    for start in range(0, count, at_once):
        threads = [threading.Thread(target=work) for _ in range(min(at_once, count - start))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _backends(library) -> int:  # type: ignore[no-untyped-def]
    """Server connections to the library's PostgreSQL database (not counting this one)."""
    rows = sql(
        library,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()",
    )
    return int(rows[0][0])


def _settled_backends(library, most: int) -> int:  # type: ignore[no-untyped-def]
    """The server connections once those closed have gone: a server process leaves
    pg_stat_activity a moment after its client closes (the count's own earlier connections,
    a connection the pool let go), so this asks again for up to 5 s while there are more than
    `most`. A connection the library keeps open never goes, and is counted."""
    deadline = time.monotonic() + 5
    count = _backends(library)
    while count > most and time.monotonic() < deadline:
        time.sleep(0.05)
        count = _backends(library)
    return count


def test_threads_that_end_hand_their_connection_on(library) -> None:  # type: ignore[no-untyped-def]
    library.import_inputs([str(SEED)])
    found: list[int] = []

    def search() -> None:
        found.append(len(library.search("pekerja migran", 20).hits))

    connections = library._storage.connections
    _in_threads(search, 40)  # one after another, as the reader's search workers run
    assert found == [found[0]] * 40 and found[0] > 0
    assert connections.open_count()[0] <= 2  # this thread's, and one for the next thread
    _in_threads(search, 24, at_once=8)
    opened, idle = connections.open_count()
    assert idle <= IDLE and opened <= 1 + IDLE
    if isinstance(library.path, str):
        assert _settled_backends(library, 1 + IDLE) <= 1 + IDLE
    library.close()
    assert connections.open_count() == (0, 0)


def test_a_transaction_a_thread_left_open_is_rolled_back_before_the_next_thread(library) -> None:  # type: ignore[no-untyped-def]
    """A thread that ends inside a transaction (a bug, or a thread killed by an exception in
    a place that did not clean up) does not pass its half-done writes or its lock on."""

    def leave_open() -> None:
        conn = library._storage.connections.conn
        conn.execute("BEGIN")
        conn.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')")

    _in_threads(leave_open, 1)
    seen: list[object] = []

    def write() -> None:
        library.import_articles([Article(title="Judul", body="Isi berita pekerja.")])
        seen.append(library.count())

    _in_threads(write, 1)
    assert seen == [1]
    assert sql(library, "SELECT value FROM meta WHERE key = 'half'") == []
