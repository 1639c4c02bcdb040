"""SQLite connections: one per thread, all closed together, with WAL and a busy timeout.

sqlite3 connections must not be shared between threads while in use, so each thread (the UI,
a search worker, an import) opens its own on first use. They are registered so that `close()`
closes every one of them, whichever thread opened it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from reader.core.db.lending import Lender
from reader.core.db.sqlite import sqlite3
from reader.core.errors import StorageError

if TYPE_CHECKING:
    import sqlite_utils


class Cursor(Protocol):
    """What the tables read from a statement, whichever backend ran it."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int = ..., /) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """One thread's connection: statements are written with `?` parameters for both backends."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class RowTable(Protocol):
    """Plain row writes and reads of one table (sqlite-utils' Table on SQLite)."""

    @property
    def last_pk(self) -> Any: ...
    def count_where(self, where: str | None = None, where_args: Any = None) -> int: ...
    def rows_where(
        self,
        where: str | None = None,
        where_args: Any = None,
        order_by: str | None = None,
        select: str = "*",
    ) -> Iterator[dict[str, Any]]: ...
    def insert(self, record: dict[str, Any], *, ignore: bool = False) -> Any: ...
    def update(self, pk_values: Any, updates: dict[str, Any] | None = None) -> Any: ...
    def delete(self, pk_values: Any) -> Any: ...
    def delete_where(self, where: str | None = None, where_args: Any = None) -> Any: ...
    def upsert(self, record: dict[str, Any], *, pk: str) -> Any: ...


class Database(Protocol):
    """The connections of one store, SQLite or PostgreSQL: what every table object is given.

    `path` names the store in messages (a file, or a PostgreSQL URL without its password).
    """

    @property
    def path(self) -> Path | str: ...
    @property
    def read_only(self) -> str | None: ...
    @property
    def conn(self) -> Conn: ...
    def table(self, name: str) -> RowTable: ...
    def transaction(self) -> AbstractContextManager[Any]: ...
    def jakarta_day(self, column: str) -> str: ...
    def close(self) -> None: ...


BUSY_TIMEOUT_MS = 10_000
# How often a write transaction waiting for another writer tries again. SQLite's own busy
# handler sleeps longer at each try (1, 2, 5, 10 ... 100 ms), so a writer waiting for another's
# transaction of a few hundred milliseconds took the lock 20-60 ms after it was free: an
# import's two writing processes hand it to each other at every chunk.
BEGIN_RETRY_SECONDS = 0.002
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


def why_read_only(path: Path) -> str | None:
    """Why an existing store cannot be written (None when it can, or does not exist yet).

    Asked of the file system (access(2)) for whoever runs the reader, so a 0444 file, a
    read-only mount, a folder where SQLite cannot make its write-ahead log, and a log or
    shared-memory file left behind unwritable all count.
    """
    if not path.exists():
        return None
    if not os.access(path, os.W_OK):
        return "the file cannot be written"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"its folder {os.path.abspath(path.parent)} cannot be written"
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists() and not os.access(side, os.W_OK):
            return f"{side.name} beside it cannot be written"
    return None


def _in_use(path: Path) -> bool:
    """Whether a writer's files are beside the store: a shared-memory file or a non-empty log."""
    wal = Path(f"{path}-wal")
    return Path(f"{path}-shm").exists() or (wal.exists() and wal.stat().st_size > 0)


class Connections:
    """This thread's connection to one database file, opened on first use.

    A store that cannot be written (`read_only` says why) is opened read-only, so reading it
    never tries to write. When no writer's files are beside it, it is read as it is
    (`immutable=1`): SQLite would otherwise make a shared-memory file there, which a read-only
    folder refuses and which, left unwritable, would keep the store read-only after its own
    mode is mended. The reader then takes it that nobody writes the file while it reads.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_only = why_read_only(path)
        self._uri: str | None = None
        if self.read_only is not None:
            self._uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
            if not _in_use(path):
                self._uri += "&immutable=1"
        self._local = threading.local()  # this thread's sqlite-utils wrapper
        self._lender = Lender(self._connect, _close, _ready)

    @property
    def conn(self) -> sqlite3.Connection:
        return self._lender.get()

    def _connect(self) -> sqlite3.Connection:
        # check_same_thread=False: close() may close it from another thread, and a thread
        # that ends hands it on to the next (one thread uses it at a time).
        conn = sqlite3.connect(
            self._uri or self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            uri=self._uri is not None,
        )
        if self.read_only is None:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        return conn

    @property
    def table_db(self) -> sqlite_utils.Database:
        """sqlite-utils over this thread's connection, for plain row writes (feeds, flags).

        Imported on first use: it costs more import time than the rest of the core.
        """
        db: sqlite_utils.Database | None = getattr(self._local, "table_db", None)
        conn = self.conn
        if db is None or db.conn is not conn:
            import sqlite_utils

            db = sqlite_utils.Database(conn, execute_plugins=False)
            self._local.table_db = db
        return db

    def table(self, name: str) -> RowTable:
        table: RowTable = self.table_db.table(name)
        return table

    def jakarta_day(self, column: str) -> str:
        """SQL for the WIB (UTC+7) day "YYYY-MM-DD" of an ISO timestamp column."""
        return f"substr(datetime({column}, '+7 hours'), 1, 10)"

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE): all of it or none of it.

        A failure of SQLite itself (a full disk, a read-only file) becomes a StorageError that
        names the file and says what happened.
        """
        conn = self.conn
        try:
            _begin_immediate(conn)
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
        """Close every connection, whichever thread has it."""
        self._lender.close()
        self._local = threading.local()

    def open_count(self) -> tuple[int, int]:
        """(connections open, of which idle): one per live thread that used the store, and a
        few kept for threads to come."""
        return self._lender.counts()


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS for another writer to finish, trying
    again every BEGIN_RETRY_SECONDS (the connection's busy handler is off meanwhile)."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        deadline: float | None = None
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise
                now = time.monotonic()
                if deadline is None:
                    deadline = now + BUSY_TIMEOUT_MS / 1000
                elif now >= deadline:
                    raise
            time.sleep(BEGIN_RETRY_SECONDS)
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return str(error).startswith("database is locked")


def _close(conn: sqlite3.Connection) -> None:
    conn.close()


def _ready(conn: sqlite3.Connection) -> bool:
    """A connection whose thread ended serves the next one, its transaction (if its thread
    left one open) rolled back."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    return True
