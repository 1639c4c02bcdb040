"""Noticing articles that another process (the command line's `import` or `fetch`) stored."""

from __future__ import annotations

from typing import Protocol


class Versions(Protocol):
    def data_version(self) -> int: ...
    def generation(self) -> int: ...


class ChangeWatch:
    """Tells whether articles were added, changed or removed since the last look.

    SQLite's `PRAGMA data_version` changes for a connection only when some *other* connection
    commits, so an idle reader can ask it every few seconds for next to nothing. A commit can be
    a read or star mark (the reader's own, from a worker thread's connection): the store's
    article generation, which only imports change, tells those apart. Use a watch from one
    thread: the version is per connection, and connections are per thread.
    """

    def __init__(self, store: Versions) -> None:
        self._store = store
        self._version = store.data_version()
        self._generation = store.generation()

    def changed(self) -> bool:
        """True once after each change to the articles made by another connection."""
        version = self._store.data_version()
        if version == self._version:
            return False
        self._version = version
        generation = self._store.generation()
        if generation == self._generation:
            return False
        self._generation = generation
        return True
