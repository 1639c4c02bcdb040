"""The store and sqlite-utils run on one SQLite library.

Two copies of SQLite in one process do not see each other's POSIX locks, and closing a file in
one drops the other's locks on it: a writer through one and a reader through the other could
each think it alone holds the file. So every connection of the store comes from the library
sqlite-utils itself picked.
"""

from __future__ import annotations

import sqlite_utils.utils

from reader.core.db.connection import Connections
from reader.core.db.sqlite import sqlite3


def test_the_store_uses_the_sqlite_library_sqlite_utils_uses(tmp_path) -> None:
    connections = Connections(tmp_path / "store.db")
    try:
        conn = connections.conn
        picked = sqlite_utils.utils.sqlite3
        assert isinstance(conn, picked.Connection)
        assert conn.execute("SELECT sqlite_version()").fetchone()[0] == picked.sqlite_version
        assert sqlite3.sqlite_version == picked.sqlite_version
        # sqlite-utils' own Table writes on the store's connection, the same library again.
        connections.table("feeds_probe").insert({"id": 1, "url": "https://example.id/"})
        assert conn.execute("SELECT url FROM feeds_probe").fetchall() == [("https://example.id/",)]
    finally:
        connections.close()


def test_full_text_search_is_built_in() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    conn.execute("INSERT INTO t (body) VALUES ('upah minimum provinsi')")
    assert conn.execute("SELECT bm25(t) < 0 FROM t WHERE t MATCH 'upah'").fetchone() == (1,)
    conn.close()
