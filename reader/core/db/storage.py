"""The SQLite storage: one database file and the tables the services work on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reader.core.db.articles import Articles
from reader.core.db.common import CommonStorage
from reader.core.db.connection import Connections
from reader.core.db.feeds import Feeds
from reader.core.db.fts import TextIndex, upgrade_index
from reader.core.db.links import Links
from reader.core.db.schema import migrate
from reader.core.db.sqlite import sqlite3
from reader.core.db.stories import StoryBands
from reader.core.db.topics import Topics
from reader.core.errors import StorageError


class SqliteStorage(CommonStorage):
    """Every table of one SQLite file, each behind a small object the services are given."""

    def __init__(
        self, path: str | Path, person: str = "", notice: Callable[[str], None] | None = None
    ) -> None:
        self.path = Path(path)
        self.connections = Connections(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.connections.conn, self.connections.read_only)
            layout = upgrade_index(self.connections.conn, self.connections.read_only, notice)
        except StorageError as error:  # a newer schema, an old one that cannot be upgraded
            self.connections.close()
            raise type(error)(f"{self.path}: {error}") from None
        except (sqlite3.DatabaseError, OSError) as error:
            self.connections.close()
            raise StorageError(f"{self.path}: cannot open the database ({error})") from None
        self.articles = Articles(self.connections, person)
        self.index = TextIndex(self.connections, layout)
        self.stories = StoryBands(self.connections)
        self.links = Links(self.connections)
        self.feeds = Feeds(self.connections)
        self.topics = Topics(self.connections, person)

    @property
    def read_only(self) -> str | None:
        """Why the store cannot be written, or None when it can."""
        return self.connections.read_only

    def data_version(self) -> int:
        """Changes when another connection commits (PRAGMA data_version); per thread."""
        return int(self.connections.conn.execute("PRAGMA data_version").fetchone()[0])

    def file_bytes(self) -> int:
        """The database's size on disk, its write-ahead log included."""
        total = 0
        for suffix in ("", "-wal"):
            candidate = Path(str(self.path) + suffix)
            if candidate.exists():
                total += candidate.stat().st_size
        return total
