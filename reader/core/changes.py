"""Noticing articles that another process (the command line's `import` or `fetch`) stored.

SQLite's `PRAGMA data_version` changes for a connection only when some *other* connection
commits, so an idle reader can ask it every few seconds for next to nothing.
"""

from __future__ import annotations

from reader.core.store import Store


class StoreWatch:
    """Tells whether another connection changed the store since the last look.

    Use it from one thread: `PRAGMA data_version` is per connection, and the store's
    connections are per thread.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._version = self._read()

    def _read(self) -> int:
        return self.store.conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True once after each change made by another connection (or process)."""
        version = self._read()
        if version == self._version:
            return False
        self._version = version
        return True


def headline_position(store: Store, article_id: int) -> int | None:
    """Where an article stands in the headline list (`Store.headlines` order: newest first)."""
    row = store.conn.execute("SELECT sort_key FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    return store.conn.execute(
        "SELECT count(*) FROM articles WHERE sort_key > ?1 OR (sort_key = ?1 AND id > ?2)",
        (row[0], article_id),
    ).fetchone()[0]
