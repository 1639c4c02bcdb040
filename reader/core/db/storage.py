"""The SQLite storage: one database file and the tables the services work on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.core.db.articles import Articles
from reader.core.db.connection import Connections
from reader.core.db.copying import CopyRows
from reader.core.db.feeds import Feeds
from reader.core.db.fts import TextIndex
from reader.core.db.links import Links
from reader.core.db.schema import migrate
from reader.core.db.stories import StoryBands
from reader.core.db.topics import Topics
from reader.core.errors import StorageError


class SqliteStorage(CopyRows):
    """Every table of one SQLite file, each behind a small object the services are given."""

    def __init__(self, path: str | Path, person: str = "") -> None:
        self.path = Path(path)
        self.connections = Connections(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.connections.conn, self.connections.read_only)
        except StorageError as error:  # a newer schema, an old one that cannot be upgraded
            self.connections.close()
            raise type(error)(f"{self.path}: {error}") from None
        except (sqlite3.DatabaseError, OSError) as error:
            self.connections.close()
            raise StorageError(f"{self.path}: cannot open the database ({error})") from None
        self.articles = Articles(self.connections, person)
        self.index = TextIndex(self.connections)
        self.stories = StoryBands(self.connections)
        self.links = Links(self.connections)
        self.feeds = Feeds(self.connections)
        self.topics = Topics(self.connections, person)

    @property
    def read_only(self) -> str | None:
        """Why the store cannot be written, or None when it can."""
        return self.connections.read_only

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes inside are stored all together or not at all."""
        with self.connections.transaction():
            yield

    def data_version(self) -> int:
        """Changes when another connection commits (PRAGMA data_version); per thread."""
        return int(self.connections.conn.execute("PRAGMA data_version").fetchone()[0])

    def bump_generation(self) -> None:
        """Count a change to the articles (inside the writer's transaction); flags do not count."""
        self.connections.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
            "DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)"
        )

    def generation(self) -> int:
        """How many times articles were added, changed or removed (flags aside)."""
        value = self.get_meta("generation")
        return int(value) if value else 0

    def get_meta(self, key: str) -> str | None:
        row = self.connections.conn.execute(
            "SELECT value FROM meta WHERE key = ?", (key,)
        ).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.connections.table_db.table("meta").upsert({"key": key, "value": value}, pk="key")

    def file_bytes(self) -> int:
        """The database's size on disk, its write-ahead log included."""
        total = 0
        for suffix in ("", "-wal"):
            candidate = Path(str(self.path) + suffix)
            if candidate.exists():
                total += candidate.stat().st_size
        return total

    def claim_marks(self, person: str) -> int:
        """Hand the marks made before marks had a person (schema v10) to `person`; how many."""
        with self.transaction():
            cursor = self.connections.conn.execute(
                "UPDATE marks SET person = ? WHERE person = ''", (person,)
            )
        return int(cursor.rowcount)

    def close(self) -> None:
        self.connections.close()
