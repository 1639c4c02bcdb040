"""Storage: the only package that runs SQL. One module per table or concern."""

from reader.core.db.storage import SqliteStorage

__all__ = ["SqliteStorage"]
