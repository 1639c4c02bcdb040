"""An article's own related headlines (`related_links`), and which stored article each names."""

from __future__ import annotations

from reader.core.db.connection import Database
from reader.core.db.fts import render
from reader.core.models import RelatedHeadline
from reader.core.terms import AnyOf, Phrase

# (article_id, position, title, url) of a headline not yet matched to a stored article.
PendingLink = tuple[int, int, str, str | None]


class Links:
    """Raw sqlite3: written and matched for every arriving article (the import hot path)."""

    def __init__(self, connections: Database) -> None:
        self._db = connections

    def replace(self, article_id: int, headlines: list[tuple[str, str, str | None]]) -> None:
        """Store the article's headlines as (title, title_key, url), in order, unresolved."""
        conn = self._db.conn
        conn.execute("DELETE FROM related_links WHERE article_id = ?", (article_id,))
        conn.executemany(
            "INSERT INTO related_links (article_id, position, title, title_key, url) "
            "VALUES (?, ?, ?, ?, ?)",
            [(article_id, n, title, key, url) for n, (title, key, url) in enumerate(headlines)],
        )

    def of(self, article_id: int) -> list[RelatedHeadline]:
        """The article's headlines in their order, each with its stored article when known."""
        rows = self._db.conn.execute(
            "SELECT title, url, target_id FROM related_links "
            "WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return [RelatedHeadline(title, url, target) for title, url, target in rows]

    def pending_of(self, article_ids: list[int]) -> list[PendingLink]:
        """The unresolved headlines of these articles."""
        found: list[PendingLink] = []
        for start in range(0, len(article_ids), 500):
            batch = article_ids[start : start + 500]
            found += self._db.conn.execute(
                "SELECT article_id, position, title, url FROM related_links "
                f"WHERE target_id IS NULL AND article_id IN ({','.join('?' * len(batch))})",
                batch,
            ).fetchall()
        return found

    def any_pending(self) -> bool:
        """Whether any headline waits for the article it names."""
        row = self._db.conn.execute(
            "SELECT 1 FROM related_links WHERE target_id IS NULL LIMIT 1"
        ).fetchone()
        return row is not None

    def pending_naming(self, url: str | None, prefix: str) -> list[tuple[int, int, str]]:
        """Unresolved headlines that may name an article: the same URL, or a title that starts
        with `prefix` (its first words), as (article_id, position, title_key)."""
        conn = self._db.conn
        rows: list[tuple[int, int, str]] = []
        if url:
            rows += conn.execute(
                "SELECT article_id, position, '' FROM related_links "
                "WHERE target_id IS NULL AND url = ?",
                (url,),
            ).fetchall()
        rows += conn.execute(
            "SELECT article_id, position, title_key FROM related_links "
            "WHERE target_id IS NULL AND title_key >= ? AND title_key < ?",
            (prefix, prefix + "\U0010ffff"),
        ).fetchall()
        return rows

    def all_pending_articles(self) -> list[int]:
        rows = self._db.conn.execute(
            "SELECT DISTINCT article_id FROM related_links WHERE target_id IS NULL"
        )
        return [row[0] for row in rows]

    def resolve(self, targets: list[tuple[int, int, int]]) -> None:
        """Record (article_id, position, target_id) matches."""
        self._db.conn.executemany(
            "UPDATE related_links SET target_id = ? WHERE article_id = ? AND position = ?",
            [(target, article_id, position) for article_id, position, target in targets],
        )

    def unlink_targets(self, removed: list[int]) -> list[int]:
        """Headlines that named a removed article wait again (as headlines not stored); the ids
        of the articles that hold them."""
        holders: set[int] = set()
        for start in range(0, len(removed), 500):
            batch = removed[start : start + 500]
            holders.update(
                row[0]
                for row in self._db.conn.execute(
                    "UPDATE related_links SET target_id = NULL "
                    f"WHERE target_id IN ({','.join('?' * len(batch))}) RETURNING article_id",
                    batch,
                )
            )
        return sorted(holders)

    def title_candidates(self, words: list[str], limit: int) -> list[tuple[int, str]]:
        """(id, title_key) of the articles whose titles best match any of `words` (BM25)."""
        expression = AnyOf(tuple(Phrase((word,), "title") for word in words))
        rows = self._db.conn.execute(
            "SELECT a.id, a.title_key FROM articles_fts f JOIN articles a ON a.id = f.rowid "
            "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 1, 0, 0, 0, 0, 0) LIMIT ?",
            (render(expression), limit),
        )
        return rows.fetchall()

    def counts(self) -> tuple[int, int]:
        """(headlines, headlines resolved to a stored article)."""
        row = self._db.conn.execute(
            "SELECT count(*), count(target_id) FROM related_links"
        ).fetchone()
        return int(row[0]), int(row[1])
