"""MinHash bands of every article, to find near-duplicates (the same story) cheaply."""

from __future__ import annotations

from itertools import chain
from operator import itemgetter

from reader.core.db.connection import Database

BATCH = 500  # band keys per statement
# (key, article id) rows an INSERT statement writes: one statement of many rows costs about
# two thirds of as many single-row statements (an import's second step writes 21 rows an
# article), the same rows in the same order.
ROWS_PER_INSERT = 250
_INSERT = "INSERT INTO story_bands (key, article_id) VALUES {} ON CONFLICT DO NOTHING"
_INSERT_ONE = _INSERT.format("(?, ?)")
_INSERT_MANY = _INSERT.format(", ".join(["(?, ?)"] * ROWS_PER_INSERT))


class StoryBands:
    """Raw sqlite3: every imported article reads and writes its bands (the import hot path)."""

    def __init__(self, connections: Database) -> None:
        self._db = connections

    def add_each(self, rows: list[tuple[int, int]]) -> None:
        """Many (key, article id) rows in one statement, in key order (each page of the
        B-tree is written once, in order). Sorted by the key alone (half the time of
        comparing tuples): rows of one key keep the caller's order."""
        rows.sort(key=itemgetter(0))
        whole = len(rows) - len(rows) % ROWS_PER_INSERT
        values = list(chain.from_iterable(rows[:whole]))
        step = 2 * ROWS_PER_INSERT
        conn = self._db.conn
        conn.executemany(
            _INSERT_MANY, [values[at : at + step] for at in range(0, len(values), step)]
        )
        conn.executemany(_INSERT_ONE, rows[whole:])

    def first_in_each(self, keys: list[int], limit: int) -> dict[int, list[int]]:
        """{key: the first `limit` article ids in its band, lowest first} of those of `keys`
        that hold any (a band shared through one very common shingle can hold thousands)."""
        found: dict[int, list[int]] = {}
        if limit < 1:
            return found
        # In key order, each batch a run of the table's own order: its pages are read in turn.
        # Every row of a key is read either way; those past `limit` are skipped here, which
        # costs less than numbering them in SQL (most keys hold one article or none).
        ordered = sorted(set(keys))
        for start in range(0, len(ordered), BATCH):
            batch = ordered[start : start + BATCH]
            rows = self._db.conn.execute(
                "SELECT key, article_id FROM story_bands "
                f"WHERE key IN ({','.join('?' * len(batch))}) ORDER BY key, article_id",
                batch,
            )
            for key, article_id in rows:
                ids = found.get(key)
                if ids is None:
                    found[key] = [article_id]
                elif len(ids) < limit:
                    ids.append(article_id)
        return found

    def set_groupings(self, rows: list[tuple[int | None, bytes, int]]) -> None:
        """(story id, MinHash signature, article id) of each article of a chunk (in id order),
        found by the second step of an import."""
        self._db.conn.executemany(
            "UPDATE articles SET story_id = ?, minhash = ? WHERE id = ?", rows
        )

    def remove(self, article_id: int) -> None:
        self._db.conn.execute("DELETE FROM story_bands WHERE article_id = ?", (article_id,))

    def remove_bands(self, article_id: int, bands: list[int]) -> None:
        """Take an article out of the bands it was added to (by key: no scan of the table)."""
        self._db.conn.executemany(
            "DELETE FROM story_bands WHERE key = ? AND article_id = ?",
            [(key, article_id) for key in bands],
        )

    def sharing_any(self, bands: list[int], exclude: int, limit: int) -> list[int]:
        """Articles that share at least one band, each once."""
        if not bands:
            return []
        rows = self._db.conn.execute(
            "SELECT DISTINCT article_id FROM story_bands "
            f"WHERE key IN ({','.join('?' * len(bands))}) AND article_id != ? LIMIT ?",
            (*bands, exclude, limit),
        )
        return [row[0] for row in rows]
