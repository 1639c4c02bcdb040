"""Topics (saved searches) and the articles each one holds."""

from __future__ import annotations

from reader.core.db.connection import Database, RowTable
from reader.core.db.marks import marked
from reader.core.models import Topic

BATCH = 500


class Topics:
    """The topic rows through sqlite-utils; membership with raw sqlite3 (bulk inserts at import,
    counts on every refresh of the navigator)."""

    def __init__(self, connections: Database, person: str = "") -> None:
        self._db = connections
        self.person = person  # whose unread counts these are

    def _table(self) -> RowTable:
        return self._db.table("topics")

    def all(self, fold: bool = False) -> list[Topic]:
        """Every topic, in its place, with its unread and total counts (`fold`: a story's
        versions count once, as in a list that folds stories)."""
        return self._with_counts("", [], fold)

    def find(self, name: str) -> Topic | None:
        """The topic called `name` (case ignored, as the column's collation), counts included."""
        found = self._with_counts("WHERE lower(t.name) = lower(?)", [" ".join(name.split())])
        return found[0] if found else None

    def queries(self) -> list[tuple[int, str]]:
        """(id, query) of every topic: what matching arriving articles needs, no counts."""
        return self._db.conn.execute("SELECT id, query FROM topics ORDER BY id").fetchall()

    def _with_counts(self, where: str, params: list[object], fold: bool = False) -> list[Topic]:
        folded = " AND a.story_id IS NULL" if fold else ""
        rows = self._db.conn.execute(
            "SELECT t.id, t.name, t.query, t.builtin, count(a.id), "
            f"count(a.id) FILTER (WHERE NOT {marked(self.person, 'read', 'a')}) FROM topics t "
            "LEFT JOIN topic_articles m ON m.topic_id = t.id "
            f"LEFT JOIN articles a ON a.id = m.article_id{folded} {where} "
            "GROUP BY t.id ORDER BY t.position, t.id",
            params,
        )
        return [
            Topic(row[0], row[1], row[2], bool(row[3]), unread=row[5], total=row[4]) for row in rows
        ]

    def add(self, name: str, query: str, builtin: bool = False) -> int:
        """A new topic, last in order; its articles are set with `set_articles`."""
        row = self._db.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM topics")
        position = int(row.fetchone()[0])
        # Plain SQL: a new store seeds its built-in topics on opening, and the import that
        # follows should not load sqlite-utils (with numpy: about 165 ms and 28 MB) for it.
        row = self._db.conn.execute(
            "INSERT INTO topics (name, query, position, builtin) VALUES (?, ?, ?, ?) RETURNING id",
            (name, query, position, int(builtin)),
        ).fetchone()
        return int(row[0])

    def rename(self, topic_id: int, name: str) -> None:
        self._table().update(topic_id, {"name": name})

    def remove(self, topic_id: int) -> None:
        self._table().delete(topic_id)  # its membership goes with it (ON DELETE CASCADE)

    def set_articles(self, topic_id: int, article_ids: list[int]) -> None:
        """The topic holds exactly these articles."""
        conn = self._db.conn
        conn.execute("DELETE FROM topic_articles WHERE topic_id = ?", (topic_id,))
        self.add_articles(topic_id, article_ids)

    def add_articles(self, topic_id: int, article_ids: list[int]) -> None:
        ids = sorted(set(article_ids))
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            self._db.conn.execute(
                "INSERT INTO topic_articles (topic_id, article_id, sort_key) "
                f"SELECT ?, id, sort_key FROM articles WHERE id IN ({','.join('?' * len(batch))}) "
                "ON CONFLICT DO NOTHING",
                (topic_id, *batch),
            )

    def drop_articles(self, article_ids: list[int]) -> None:
        """Forget these articles in every topic (before they are matched again)."""
        for start in range(0, len(article_ids), BATCH):
            batch = article_ids[start : start + BATCH]
            self._db.conn.execute(
                f"DELETE FROM topic_articles WHERE article_id IN ({','.join('?' * len(batch))})",
                batch,
            )
