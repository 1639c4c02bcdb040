"""The SQLite library the store runs on.

pysqlite3 (the `pysqlite3-binary` wheel, a dependency on Linux x86-64) brings a newer SQLite
than most Pythons are built with: its FTS5 ranks the many matches of common words faster
(bench/bench_core.py: search p95 at 100,000 articles about a fifth lower than with SQLite
3.40). Elsewhere the standard library's sqlite3 serves, unchanged. sqlite-utils makes the same
choice, so the rows it writes and the statements here go through one library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
else:
    try:
        from pysqlite3 import dbapi2 as sqlite3
    except ImportError:  # no wheel for this platform
        import sqlite3

__all__ = ["sqlite3"]
