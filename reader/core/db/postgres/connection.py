"""PostgreSQL connections: one per thread, all closed together, statements written with `?`.

The tables' statements are shared with the SQLite store and written with SQLite's `?`
parameters; `translate` turns them into psycopg's `%s` once per distinct statement. A failure of
the server becomes a StorageError that names the store (its URL without the password).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from reader.core.clean import safe_text
from reader.core.db.connection import Cursor
from reader.core.db.lending import Lender
from reader.core.db.postgres.batches import as_unnest
from reader.core.errors import StorageError

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: str) -> bool:
    return target.startswith(SCHEMES)


def display_url(url: str) -> str:
    """The URL to show in messages: its password replaced by `***`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """`?` parameters as `%s`, and a literal `%` doubled, outside quoted strings."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        if char == "%":
            out.append("%%")
            continue
        out.append(char)
    return "".join(out)


# In a statement of more than 50 parameters, `x IN (?, ?, ...)` (a batch of ids, words, band
# keys) as `x = ANY(?)` with the list's values in one array parameter, and NOT IN as `<> ALL(?)`
# (the same answer, NULLs included: PostgreSQL reads an IN list as `= ANY(ARRAY[...])` itself).
# Such a statement had a text of its own for each length of its batch, which psycopg parsed anew
# (its cache skips statements of more than 50 parameters) and the server parsed and planned
# parameter by parameter: for 500 ids or words, ~1.1-1.3 ms of this process's CPU and 0.5-0.9 ms
# of the server's, against 0.5-0.6 and 0.45-0.75 as one array. A shorter list stays a list: its
# statement is cached, and building the array cost psycopg more than it saved (20 ids: 40 us
# -> 100 us). A list is rewritten when its values are all integers of a BIGINT or all strings
# (None allowed), the types of the columns such lists are compared with; any other stays.
_MANY = 50  # psycopg's own limit (MAX_CACHED_STATEMENT_PARAMS)
_IN_LIST = re.compile(r"(\bNOT\s+)?\bIN\s*\(\s*\?(?:\s*,\s*\?)+\s*\)", re.I)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_BIGINT = range(-(2**63), 2**63)


@functools.lru_cache(maxsize=1024)
def _in_lists(sql: str) -> tuple[int, tuple[tuple[int, int, int, int, bool], ...]]:
    """How many parameters `sql` has (its `?` outside quoted strings), and its `IN (?, ...)`
    lists there: (start, end of its text, index of its first parameter, how many, NOT IN)
    each."""
    masked = _QUOTED.sub(lambda quoted: "'" + " " * (len(quoted.group()) - 2) + "'", sql)
    found = []
    for match in _IN_LIST.finditer(masked):
        first = masked.count("?", 0, match.start())
        found.append(
            (match.start(), match.end(), first, match.group().count("?"), bool(match.group(1)))
        )
    return masked.count("?"), tuple(found)


def _array_of(values: Sequence[Any]) -> str | None:
    """The array type that holds `values`, or None (a list left as it is)."""
    kinds = {type(value) for value in values if value is not None}
    if kinds == {int}:
        return "bigint[]" if all(value is None or value in _BIGINT for value in values) else None
    return "text[]" if kinds == {str} else None


@functools.lru_cache(maxsize=1024)
def _with_arrays(
    sql: str, arrays: tuple[str | None, ...], lists: tuple[tuple[int, int, int, int, bool], ...]
) -> str:
    """`sql` with each list that has an array type as `= ANY(?)` or `<> ALL(?)`, translated."""
    out: list[str] = []
    at = 0
    for (start, end, _, _, negated), array in zip(lists, arrays, strict=True):
        if array is not None:
            test = "<> ALL" if negated else "= ANY"
            out += [sql[at:start], f"{test}(CAST(? AS {array}))"]
            at = end
    out.append(sql[at:])
    return translate("".join(out))


def bound(sql: str, parameters: Sequence[Any]) -> tuple[str, Sequence[Any]]:
    """The statement psycopg runs for `sql` (written with `?`) and its parameters: in one of
    more than 50 parameters, its IN lists of integers or strings each as one array parameter."""
    if len(parameters) <= _MANY:
        return translate(sql), parameters
    marks, lists = _in_lists(sql)
    if not lists or len(parameters) != marks:
        return translate(sql), parameters
    arrays = tuple(_array_of(parameters[first : first + n]) for _, _, first, n, _ in lists)
    if not any(arrays):
        return translate(sql), parameters
    values: list[Any] = []
    at = 0
    for (_, _, first, n, _), array in zip(lists, arrays, strict=True):
        if array is not None:
            values += [*parameters[at:first], list(parameters[first : first + n])]
            at = first + n
    values += parameters[at:]
    return _with_arrays(sql, arrays, lists), values


def _bindable(parameters: Sequence[Any]) -> Sequence[Any]:
    """The parameters with any NUL character of a string replaced (U+FFFD): PostgreSQL's text
    cannot hold one, where SQLite's can. Stored text never has one (imports remove control
    characters), so a searched or filtered value that holds one still finds nothing."""
    if not any(isinstance(value, str) and "\x00" in value for value in parameters):
        return parameters
    return [
        value.replace("\x00", "\ufffd") if isinstance(value, str) else value for value in parameters
    ]


def describe(error: Exception) -> str:
    """What a failure of the server means, in one line (the server's words are outside text)."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return safe_text(message)


class PgConn:
    """One thread's psycopg connection, speaking the tables' `?` statements."""

    def __init__(self, raw: psycopg.Connection[Any], name: str) -> None:
        self.raw = raw
        self._name = name

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        import psycopg

        try:
            return self.raw.execute(*bound(sql, _bindable(parameters)))
        except psycopg.Error as error:
            raise StorageError(f"{self._name}: {describe(error)}") from error

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        import psycopg

        rows = [_bindable(row) for row in parameters]
        batch = as_unnest(sql, rows)
        if batch is not None:
            statement, columns = batch
            return self.execute(statement, columns)
        cursor = self.raw.cursor()
        try:
            cursor.executemany(translate(sql), rows)
        except psycopg.Error as error:
            raise StorageError(f"{self._name}: {describe(error)}") from error
        return cursor


class PgTable:
    """Plain row writes and reads of one table, the few that the feeds, topics and meta use
    (what sqlite-utils' Table does for them on SQLite)."""

    def __init__(self, conn: PgConn, name: str) -> None:
        self._conn = conn
        self._name = name
        self.last_pk: Any = None

    def count_where(self, where: str | None = None, where_args: Any = None) -> int:
        clause = f" WHERE {where}" if where else ""
        row = self._conn.execute(f"SELECT count(*) FROM {self._name}{clause}", where_args or ())
        return int(row.fetchone()[0])

    def rows_where(
        self,
        where: str | None = None,
        where_args: Any = None,
        order_by: str | None = None,
        select: str = "*",
    ) -> Iterator[dict[str, Any]]:
        sql = f"SELECT {select} FROM {self._name}"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        cursor = self._conn.execute(sql, where_args or ())
        names = [column.name for column in getattr(cursor, "description", None) or ()]
        for row in cursor.fetchall():
            yield dict(zip(names, row, strict=True))

    def insert(self, record: dict[str, Any], *, ignore: bool = False) -> PgTable:
        columns = ", ".join(record)
        marks = ", ".join("?" * len(record))
        conflict = " ON CONFLICT DO NOTHING" if ignore else ""
        row = self._conn.execute(
            f"INSERT INTO {self._name} ({columns}) VALUES ({marks}){conflict} RETURNING id",
            list(record.values()),
        ).fetchone()
        self.last_pk = row[0] if row else None
        return self

    def update(self, pk_values: Any, updates: dict[str, Any] | None = None) -> PgTable:
        if updates:
            assignments = ", ".join(f"{column} = ?" for column in updates)
            self._conn.execute(
                f"UPDATE {self._name} SET {assignments} WHERE id = ?",
                [*updates.values(), pk_values],
            )
        return self

    def delete(self, pk_values: Any) -> PgTable:
        self._conn.execute(f"DELETE FROM {self._name} WHERE id = ?", (pk_values,))
        return self

    def delete_where(self, where: str | None = None, where_args: Any = None) -> PgTable:
        clause = f" WHERE {where}" if where else ""
        self._conn.execute(f"DELETE FROM {self._name}{clause}", where_args or ())
        return self

    def upsert(self, record: dict[str, Any], *, pk: str) -> PgTable:
        columns = ", ".join(record)
        marks = ", ".join("?" * len(record))
        updates = ", ".join(f"{c} = excluded.{c}" for c in record if c != pk) or f"{pk} = {pk}"
        self._conn.execute(
            f"INSERT INTO {self._name} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT ({pk}) DO UPDATE SET {updates}",
            list(record.values()),
        )
        return self


class PgConnections:
    """This thread's connection to one PostgreSQL database, opened on first use (autocommit:
    every statement is its own transaction unless `transaction()` holds them together)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = display_url(url)
        self.read_only: str | None = None
        self._lock = threading.Lock()
        self._own: list[psycopg.Connection[Any]] = []  # connections of their own (listeners)
        self._lender = Lender(lambda: PgConn(self._raw(), self.path), _close, _ready)

    def connect(self) -> psycopg.Connection[Any]:
        """A new connection of its own (the listener for notifications keeps one), closed with
        the store."""
        raw = self._raw()
        with self._lock:
            self._own.append(raw)
        return raw

    def _raw(self) -> psycopg.Connection[Any]:
        import psycopg

        try:
            raw = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as error:
            raise StorageError(f"{self.path}: cannot connect ({describe(error)})") from None
        # The archive's pages are read from memory or an SSD, not a spinning disk: at the
        # default cost of a random page (4) the planner read the whole full-text table for a
        # word 6% of the articles hold (0.45 s) rather than its GIN index (0.05 s).
        raw.execute("SET random_page_cost = 1.1")
        return raw

    @property
    def conn(self) -> PgConn:
        """This thread's connection, lent while the thread lives (reader.core.db.lending)."""
        conn = self._lender.get()
        if conn.raw.closed:  # the server closed it: the next one is made anew
            self._lender.drop()
            conn = self._lender.get()
        return conn

    def table(self, name: str) -> PgTable:
        return PgTable(self.conn, name)

    def jakarta_day(self, column: str) -> str:
        """SQL for the WIB (UTC+7) day "YYYY-MM-DD" of an ISO timestamp column."""
        return (
            f"to_char(CAST({column} AS timestamptz) AT TIME ZONE 'UTC' + interval '7 hours', "
            "'YYYY-MM-DD')"
        )

    @contextmanager
    def transaction(self) -> Iterator[PgConn]:
        """One transaction: all of it or none of it. A failure of the server becomes a
        StorageError that names the store."""
        import psycopg

        conn = self.conn
        try:
            # Pipeline mode: a statement whose result is not read (most writes) is sent without
            # waiting for the server; reading a result waits for those before it. An import
            # waits twice per article instead of about ten times.
            with conn.raw.pipeline(), conn.raw.transaction():
                yield conn
        except psycopg.Error as error:
            raise StorageError(f"{self.path}: {describe(error)}") from error

    def close(self) -> None:
        """Close every connection, whichever thread has it."""
        with self._lock:
            own, self._own = self._own, []
        for raw in own:
            raw.close()
        self._lender.close()

    def open_count(self) -> tuple[int, int]:
        """(lent connections open, of which idle)."""
        return self._lender.counts()


def _close(conn: PgConn) -> None:
    conn.raw.close()


def _ready(conn: PgConn) -> bool:
    """A connection whose thread ended serves the next one if it is still open; what its
    thread left of a transaction is rolled back."""
    from psycopg.pq import TransactionStatus

    raw = conn.raw
    if raw.closed:
        return False
    if raw.info.transaction_status != TransactionStatus.IDLE:
        raw.rollback()
    return raw.info.transaction_status == TransactionStatus.IDLE
