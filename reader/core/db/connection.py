"""SQLite connections: one per thread, all closed together, with WAL and a busy timeout.

sqlite3 connections must not be shared between threads while in use, so each thread (the UI,
a search worker, an import) opens its own on first use. They are registered so that `close()`
closes every one of them, whichever thread opened it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import StorageError

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000
_REASONS = {
    "database or disk is full": "the disk is full",
    "attempt to write a readonly database": "the database is read-only",
    "database is locked": "the database is busy (another program is writing to it)",
}


def describe(error: sqlite3.Error) -> str:
    """What a failure of SQLite means, in words for a person."""
    message = str(error)
    return _REASONS.get(message, message)


CACHE_KIB = 32 * 1024  # the FTS and band B-trees stay warm


class Connections:
    """This thread's connection to one database file, opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[sqlite3.Connection] = []

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self) -> sqlite3.Connection:
        # check_same_thread=False only so close() may close it from another thread; each
        # connection is used by the thread that opened it.
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        with self._lock:
            self._open.append(conn)
        return conn

    @property
    def table_db(self) -> sqlite_utils.Database:
        """sqlite-utils over this thread's connection, for plain row writes (feeds, flags).

        Imported on first use: it costs more import time than the rest of the core.
        """
        db: sqlite_utils.Database | None = getattr(self._local, "table_db", None)
        if db is None:
            import sqlite_utils

            db = sqlite_utils.Database(self.conn, execute_plugins=False)
            self._local.table_db = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE): all of it or none of it.

        A failure of SQLite itself (a full disk, a read-only file) becomes a StorageError that
        names the file and says what happened.
        """
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                # SQLite may have rolled back already (a full disk does): nothing to undo then.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StorageError(f"{self.path}: {describe(error)}") from error

    def close(self) -> None:
        """Close every connection, whichever thread opened it."""
        with self._lock:
            conns, self._open = self._open, []
        for conn in conns:
            conn.close()
        self._local = threading.local()
