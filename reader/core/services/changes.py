"""Noticing articles that another process (the command line's `import` or `fetch`) stored."""

from __future__ import annotations

from typing import Protocol


class DataVersion(Protocol):
    def data_version(self) -> int: ...


class ChangeWatch:
    """Tells whether another connection changed the store since the last look.

    SQLite's `PRAGMA data_version` changes for a connection only when some *other* connection
    commits, so an idle reader can ask it every few seconds for next to nothing. Use a watch
    from one thread: the version is per connection, and connections are per thread.
    """

    def __init__(self, store: DataVersion) -> None:
        self._store = store
        self._version = store.data_version()

    def changed(self) -> bool:
        """True once after each change made by another connection (or process)."""
        version = self._store.data_version()
        if version == self._version:
            return False
        self._version = version
        return True
