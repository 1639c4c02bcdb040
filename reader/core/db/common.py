"""What the SQLite and PostgreSQL storages share: their statements run on both backends, so the
store's figures (meta), the marks' hand-over and copying rows to another store are written once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from reader.core.db.connection import Database

# The meta keys a copy carries over: what the store has done once and must not do again.
META_KEYS = ("generation", "links_resolved", "topics_seeded", "bundled_offered", "marks_claimed")
BATCH = 1000  # rows read at a time when copying

Rows = Iterator[tuple[list[str], list[tuple[Any, ...]]]]


class _Stored(Protocol):
    @property
    def connections(self) -> Database: ...


class CommonStorage:
    """Mixed into both storages, which set `connections` (their own kind of Database)."""

    hears_changes = False  # whether wait_for_change is told of changes at once

    @contextmanager
    def transaction(self: _Stored) -> Iterator[None]:
        """Writes inside are stored all together or not at all."""
        with self.connections.transaction():
            yield

    def wait_for_change(self, timeout: float) -> bool:
        """Without notifications: wait `timeout` seconds and say nothing came."""
        threading.Event().wait(timeout)
        return False

    def bump_generation(self: _Stored) -> None:
        """Count a change to the articles (inside the writer's transaction); flags do not count."""
        self.connections.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)"
        )

    def generation(self) -> int:
        """How many times articles were added, changed or removed (flags aside)."""
        value = self.get_meta("generation")
        return int(value) if value else 0

    def get_meta(self: Any, key: str) -> str | None:
        row = self.connections.conn.execute(
            "SELECT value FROM meta WHERE key = ?", (key,)
        ).fetchone()
        return str(row[0]) if row else None

    def set_meta(self: _Stored, key: str, value: str) -> None:
        # Plain SQL, not sqlite-utils: a new store's first import sets meta rows, and loading
        # sqlite-utils (it loads numpy) cost that import about 165 ms and 28 MB (issue 11).
        self.connections.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def claim_marks(self: Any, person: str) -> int:
        """Hand the marks made before marks had a person (schema v10) to `person`; how many."""
        with self.transaction():
            cursor = self.connections.conn.execute(
                "UPDATE marks SET person = ? WHERE person = ''", (person,)
            )
        return int(cursor.rowcount)

    def close(self: _Stored) -> None:
        self.connections.close()

    # -- copying to another store (reader.core.services.copying) ------------------------------

    def count_rows(self: _Stored, table: str) -> int:
        return int(self.connections.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def read_rows(self: _Stored, table: str) -> Rows:
        """(column names, rows) of `table`, a batch at a time."""
        cursor = self.connections.conn.execute(f"SELECT * FROM {table}")
        names = [column[0] for column in getattr(cursor, "description", None) or ()]
        while rows := cursor.fetchmany(BATCH):
            yield names, [tuple(row) for row in rows]

    def write_rows(
        self: _Stored, table: str, names: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert the rows (inside the caller's transaction)."""
        marks = ", ".join("?" * len(names))
        self.connections.conn.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows
        )

    def delete_rows(self: _Stored, table: str) -> None:
        self.connections.conn.execute(f"DELETE FROM {table}")

    def copied_meta(self: _Stored) -> dict[str, str]:
        marks = ", ".join("?" * len(META_KEYS))
        rows = self.connections.conn.execute(
            f"SELECT key, value FROM meta WHERE key IN ({marks})", META_KEYS
        )
        return {str(key): str(value) for key, value in rows}

    def restart_ids(self) -> None:
        """After rows came with their ids: new rows are numbered after them (PostgreSQL's
        identity columns; SQLite numbers after the largest id by itself)."""
