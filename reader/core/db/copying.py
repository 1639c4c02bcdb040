"""Copying a store's rows to another store, SQLite or PostgreSQL, table by table.

Both backends have the same tables with the same columns (one schema description), so a row
is copied as it is, ids included. The full-text index is not among them: each backend keeps its
own, rebuilt by the copying service from the articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from reader.core.db.connection import Database

# In the order their references need (articles before what points at them).
TABLES = (
    "articles",
    "related_links",
    "story_bands",
    "term_stats",
    "feeds",
    "topics",
    "topic_articles",
    "bundled_articles",
    "pending_articles",
    "marks",
)
META_KEYS = ("generation", "links_resolved", "topics_seeded", "bundled_offered", "marks_claimed")
BATCH = 1000


def count(db: Database, table: str) -> int:
    return int(db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def read(db: Database, table: str) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
    """(column names, rows) of `table`, a batch at a time."""
    cursor = db.conn.execute(f"SELECT * FROM {table}")
    names = [column[0] for column in getattr(cursor, "description", None) or ()]
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return
        yield names, [tuple(row) for row in rows]


def write(db: Database, table: str, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert the rows (inside the caller's transaction)."""
    marks = ", ".join("?" * len(names))
    db.conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)


def meta(db: Database) -> dict[str, str]:
    marks = ", ".join("?" * len(META_KEYS))
    rows = db.conn.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})", META_KEYS)
    return {str(key): str(value) for key, value in rows}


class _Stored(Protocol):
    @property
    def connections(self) -> Database: ...


class CopyRows:
    """What a store offers for copying (mixed into both storages, which set `connections`)."""

    def count_rows(self: _Stored, table: str) -> int:
        return count(self.connections, table)

    def read_rows(self: _Stored, table: str) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
        return read(self.connections, table)

    def write_rows(
        self: _Stored, table: str, names: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        write(self.connections, table, names, rows)

    def delete_rows(self: _Stored, table: str) -> None:
        self.connections.conn.execute(f"DELETE FROM {table}")

    def copied_meta(self: _Stored) -> dict[str, str]:
        return meta(self.connections)

    def restart_ids(self) -> None:
        """After rows came with their ids: new rows are numbered after them (PostgreSQL's
        identity columns; SQLite numbers after the largest id by itself)."""
