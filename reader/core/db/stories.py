"""MinHash bands of every article, to find near-duplicates (the same story) cheaply."""

from __future__ import annotations

from reader.core.db.connection import Database

PER_BAND = (
    30  # rows read per band: a band shared through one very common shingle can hold thousands
)


class StoryBands:
    """Raw sqlite3: every imported article reads and writes its bands (the import hot path)."""

    def __init__(self, connections: Database) -> None:
        self._db = connections

    def add(self, article_id: int, bands: list[int]) -> None:
        self._db.conn.executemany(
            "INSERT INTO story_bands (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(key, article_id) for key in bands],
        )

    def remove(self, article_id: int) -> None:
        self._db.conn.execute("DELETE FROM story_bands WHERE article_id = ?", (article_id,))

    def remove_bands(self, article_id: int, bands: list[int]) -> None:
        """Take an article out of the bands it was added to (by key: no scan of the table)."""
        self._db.conn.executemany(
            "DELETE FROM story_bands WHERE key = ? AND article_id = ?",
            [(key, article_id) for key in bands],
        )

    def sharing_each(self, bands: list[int], exclude: int | None) -> list[int]:
        """For each band, a few articles in it: an id once per band it shares (for counting)."""
        if not bands:
            return []
        per_band = " UNION ALL ".join(
            [f"SELECT * FROM (SELECT article_id FROM story_bands WHERE key = ? LIMIT {PER_BAND}) b"]
            * len(bands)
        )
        return [row[0] for row in self._db.conn.execute(per_band, bands) if row[0] != exclude]

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
