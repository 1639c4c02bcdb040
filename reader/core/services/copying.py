"""Moving an archive from one store to another (SQLite to PostgreSQL and back): every row with
its id, the marks of every person, the feeds and topics; then the target's own full-text index,
rebuilt from the articles with exactly the values the source indexed them with."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from reader.core.errors import StorageError
from reader.core.services.prepare import fts_row_for_delete

TABLES = (
    "articles",
    "related_links",
    "story_bands",
    "term_stats",
    "feeds",
    "topics",
    "topic_articles",
    "bundled_articles",
    "pending_articles",
    "marks",
)
Rows = Iterator[tuple[list[str], list[tuple[Any, ...]]]]


class IndexedTexts(Protocol):
    def indexed_texts(self, ids: list[int]) -> list[tuple[int, str, str, str, bytes]]: ...
    def ids(self) -> list[int]: ...


class IndexWrites(Protocol):
    def add(self, article_id: int, values: Sequence[str]) -> None: ...


class CopySource(Protocol):
    @property
    def articles(self) -> IndexedTexts: ...
    def count_rows(self, table: str) -> int: ...
    def read_rows(self, table: str) -> Rows: ...
    def copied_meta(self) -> dict[str, str]: ...


class CopyTarget(Protocol):
    @property
    def index(self) -> IndexWrites: ...
    def count_rows(self, table: str) -> int: ...
    def write_rows(self, table: str, names: list[str], rows: list[tuple[Any, ...]]) -> None: ...
    def delete_rows(self, table: str) -> None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def restart_ids(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...


BATCH = 500


def copy_store(
    source: CopySource,
    target: CopyTarget,
    target_name: str,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy everything of `source` into the empty `target`, in one transaction of the target
    (all of it or nothing); {table: rows copied}. Refuses a target that holds articles or feeds
    of its own; the topics a new store starts with give way to the source's."""
    held = {table: target.count_rows(table) for table in ("articles", "feeds")}
    if any(held.values()):
        what = ", ".join(
            f"{n:,} {table if n != 1 else table[:-1]}" for table, n in held.items() if n
        )
        raise StorageError(f"{target_name} is not empty ({what}); copy only into a new store")
    copied: dict[str, int] = {}
    with target.transaction():
        target.delete_rows("topics")
        for table in TABLES:
            copied[table] = 0
            for names, rows in source.read_rows(table):
                target.write_rows(table, names, rows)
                copied[table] += len(rows)
                if progress is not None:
                    progress(table, copied[table])
        ids = source.articles.ids()
        for start in range(0, len(ids), BATCH):
            for article_id, title, body, extra, _ in source.articles.indexed_texts(
                ids[start : start + BATCH]
            ):
                target.index.add(article_id, fts_row_for_delete(title, body, extra))
            if progress is not None:
                progress("index", min(start + BATCH, len(ids)))
        for key, value in source.copied_meta().items():
            target.set_meta(key, value)
        target.restart_ids()
    return copied
