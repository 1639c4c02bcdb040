"""Connections lent to threads: one per thread while it lives, back to a pool when it ends.

The reader runs each search, preview and count in a worker thread of its own, a new thread
each time. A connection opened per thread and kept until the store closed piled up: a SQLite
connection (and its page cache) per search, and on PostgreSQL a server connection per search,
until the server refused more clients. Here a thread's connection goes back to a small pool
when the thread ends, and the next thread takes it, its caches warm.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
IDLE = 4  # connections kept for threads to come; more are closed as their threads end


class _Lease(Generic[T]):
    """Held in a thread's local storage: when the thread ends, it is freed and gives back."""

    def __init__(self, item: T, generation: int) -> None:
        self.item = item
        self.generation = generation


class Lender(Generic[T]):
    """This thread's connection, made by `make` or taken from the pool.

    `ready(item)` says whether a connection given back may serve another thread (it may mend
    it first, e.g. roll back what its thread left open); one that may not is closed.
    """

    def __init__(
        self, make: Callable[[], T], close: Callable[[T], None], ready: Callable[[T], bool]
    ) -> None:
        self._make, self._close, self._ready = make, close, ready
        self._local = threading.local()
        self._lock = threading.Lock()
        self._idle: list[T] = []
        self._open: list[T] = []
        self._generation = 0

    def get(self) -> T:
        lease: _Lease[T] | None = getattr(self._local, "lease", None)
        if lease is not None and lease.generation == self._generation:
            return lease.item
        with self._lock:
            item = self._idle.pop() if self._idle else None
            generation = self._generation
        if item is None:
            item = self._make()
            with self._lock:
                self._open.append(item)
        lease = _Lease(item, generation)
        weakref.finalize(lease, self._give_back, item, generation).atexit = False
        self._local.lease = lease
        return item

    def drop(self) -> None:
        """Forget this thread's connection (closed under it): the next get() makes another."""
        lease: _Lease[T] | None = getattr(self._local, "lease", None)
        if lease is not None:
            del self._local.lease

    def _give_back(self, item: T, generation: int) -> None:
        with self._lock:
            if generation != self._generation or item not in self._open:
                return  # closed since
            if len(self._idle) < IDLE:
                try:
                    keep = self._ready(item)
                except Exception:  # a broken connection is closed, not lent again
                    keep = False
                if keep:
                    self._idle.append(item)
                    return
            self._open.remove(item)
        self._close(item)

    def counts(self) -> tuple[int, int]:
        """(connections open, of which idle in the pool)."""
        with self._lock:
            return len(self._open), len(self._idle)

    def close(self) -> None:
        """Close every connection, whichever thread has it."""
        with self._lock:
            items, self._open, self._idle = self._open, [], []
            self._generation += 1
        for item in items:
            self._close(item)
        self._local = threading.local()
