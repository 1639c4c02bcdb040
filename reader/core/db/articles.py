"""The articles table: writing imported articles, reading them back, flags and figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

from reader.core.db.connection import Database
from reader.core.db.marks import marked
from reader.core.models import (
    ArticleRecord,
    ExistingArticle,
    Headline,
    HeadlineFilter,
    Removal,
    StoredArticle,
)

# {read} and {starred} are the person's marks (reader.core.db.marks), filled in per Library.
_ARTICLE_COLUMNS = (
    "articles.id, url, source, dateline, title, body, published_at, published_raw, category, "
    "origin, {read}, {starred}, imported_at, coalesce(story_id, articles.id)"
)
_HEADLINE_COLUMNS = (
    "articles.id, articles.title, articles.source, articles.published_at, {read}, {starred}, "
    "articles.url, articles.imported_at"
)
_RECORD_COLUMNS = (
    "url, source, dateline, title, title_key, body, published_at, published_raw, sort_key, "
    "category, content_hash, origin, index_extra, minhash, story_id"
)
_ORDER = "ORDER BY sort_key DESC, id DESC"  # newest first, undated ('') last; see articles_sort
FLAGS = ("read", "starred")
BATCH = 500  # ids per IN (...) list
_Row = TypeVar("_Row")
# A record's values in its fields' order, which is _RECORD_COLUMNS' order: what dataclasses'
# astuple gives, without its deep copy of every value (a tenth of an import's write time).
record_values: Callable[[ArticleRecord], tuple[Any, ...]] = attrgetter(
    *(field.name for field in fields(ArticleRecord))
)


def valid_id(article_id: object) -> bool:
    """An id SQLite can hold (a huge number typed on the command line is simply unknown)."""
    return isinstance(article_id, int) and 0 < article_id < 2**63


def _headline(row: tuple[Any, ...]) -> Headline:
    versions = int(row[8]) if len(row) > 8 else 1
    return Headline(
        row[0],
        row[1],
        row[2],
        row[3],
        bool(row[4]),
        bool(row[5]),
        row[6],
        versions=versions,
        stored_at=row[7],
    )


def _stored(row: tuple[Any, ...]) -> StoredArticle:
    """A row of `_ARTICLE_COLUMNS` as an article."""
    (
        id_,
        url,
        source,
        dateline,
        title,
        body,
        published_at,
        published_raw,
        category,
        origin,
        read,
        starred,
        imported_at,
        story_id,
    ) = row
    return StoredArticle(
        title=title,
        body=body,
        url=url,
        source=source,
        dateline=dateline,
        published_at=published_at,
        published_raw=published_raw,
        category=category,
        origin=origin,
        id=id_,
        read=bool(read),
        starred=bool(starred),
        imported_at=imported_at,
        story_id=story_id,
    )


# A story's versions all point at its first version (story_id); that one's story_id is NULL.
_VERSIONS = "(SELECT count(*) FROM articles v WHERE v.story_id = articles.id) + 1"


def _where(
    view: HeadlineFilter | None, person: str, joined: bool = False, walked: bool = False
) -> tuple[str, list[object]]:
    """The WHERE clause of a view; `joined`: the topic is the join of `_scope`, not a clause;
    `walked`: the rows are read in list order (a window), along the sort index."""
    if view is None:
        return "", []
    clauses: list[str] = []
    params: list[object] = []
    if view.unread:
        clauses.append(f"NOT {marked(person, 'read')}")
    if view.starred:
        clauses.append(marked(person, "starred"))
    if view.source is not None:
        clauses.append("source = ?")  # an index lookup on both backends, unlike IS
        params.append(view.source)
    if view.topic is not None and not joined:
        clauses.append("id IN (SELECT article_id FROM topic_articles WHERE topic_id = ?)")
        params.append(view.topic)
    if view.fold_stories:
        # Almost every article is its story's first version, but without statistics SQLite
        # takes the test for the story index and sorts every match for a window (80 ms for the
        # top of 100,000, on the reader's UI thread); "+" keeps the walk on the sort index
        # (0.1 ms). PostgreSQL plans by its statistics either way.
        clauses.append("+story_id IS NULL" if walked else "story_id IS NULL")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


class Scope(NamedTuple):
    """Where a view's rows come from, in list order."""

    source: str  # FROM ...
    where: str
    params: list[object]
    order: str
    key: str  # the sort key's column, and the id's, for "before this article"
    id: str


def _scope(view: HeadlineFilter | None, person: str, walked: bool = False) -> Scope:
    """A topic's view walks the topic's own index (topic_articles_order) in list order and
    joins the articles it names; every other view walks the articles (`walked`: see _where)."""
    if view is not None and view.topic is not None:
        where, params = _where(view, person, joined=True)
        clause = "t.topic_id = ?"
        where = f"{where} AND {clause}" if where else f"WHERE {clause}"
        return Scope(
            "topic_articles t JOIN articles ON articles.id = t.article_id",
            where,
            [*params, view.topic],
            "ORDER BY t.sort_key DESC, t.article_id DESC",
            "t.sort_key",
            "t.article_id",
        )
    where, params = _where(view, person, walked=walked)
    return Scope("articles", where, params, _ORDER, "sort_key", "id")


class Articles:
    """Rows of `articles`.

    Raw sqlite3 on the import path and the headline windows (measured hot paths: one insert per
    article, a window per screenful of keys); sqlite-utils for the flags.
    """

    def __init__(self, connections: Database, person: str = "") -> None:
        self._db = connections
        self.person = person  # whose read and starred marks these are
        flags = {"read": marked(person, "read"), "starred": marked(person, "starred")}
        self._article_columns = _ARTICLE_COLUMNS.format(**flags)
        self._headline_columns = _HEADLINE_COLUMNS.format(**flags)
        self._unread = f"NOT {flags['read']}"

    # -- writing (inside the caller's transaction) -----------------------------------------

    def find_existing(
        self, url: str | None, title_key: str, source: str | None
    ) -> ExistingArticle | None:
        """The stored article an import would replace: same URL, or same title and source."""
        conn = self._db.conn
        columns = "id, content_hash, title, body, index_extra, sort_key"
        if url:
            row = conn.execute(f"SELECT {columns} FROM articles WHERE url = ?", (url,)).fetchone()
        else:
            same_source = "source IS NULL" if source is None else "source = ?"
            row = conn.execute(
                f"SELECT {columns} FROM articles "
                f"WHERE title_key = ? AND {same_source} AND url IS NULL",
                (title_key,) if source is None else (title_key, source),
            ).fetchone()
        return ExistingArticle(*row) if row else None

    def insert(self, record: ArticleRecord, imported_at: str) -> int:
        placeholders = ",".join("?" * 16)
        row = self._db.conn.execute(
            f"INSERT INTO articles ({_RECORD_COLUMNS}, imported_at) VALUES ({placeholders}) "
            "RETURNING id",
            (*record_values(record), imported_at),
        ).fetchone()
        return int(row[0])

    def insert_many(self, records: list[ArticleRecord], imported_at: str) -> list[int]:
        """Insert new articles, in order; their ids, the same as one insert() each would give.

        On SQLite, in one executemany with the ids written out: SQLite gives a new row the
        largest rowid plus one (`id INTEGER PRIMARY KEY`, no AUTOINCREMENT), and the caller's
        write transaction keeps any other writer out, so the ids are the ones it would have
        chosen. (PostgresArticles inserts one at a time: a sequence hands out its ids.)"""
        if not records:
            return []
        conn = self._db.conn
        first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])
        placeholders = ",".join("?" * 17)
        conn.executemany(
            f"INSERT INTO articles (id, {_RECORD_COLUMNS}, imported_at) VALUES ({placeholders})",
            [
                (article_id, *record_values(record), imported_at)
                for article_id, record in enumerate(records, start=first)
            ],
        )
        return list(range(first, first + len(records)))

    def update(self, article_id: int, record: ArticleRecord) -> None:
        assignments = ", ".join(f"{name.strip()} = ?" for name in _RECORD_COLUMNS.split(","))
        self._db.conn.execute(
            f"UPDATE articles SET {assignments} WHERE id = ?", (*record_values(record), article_id)
        )

    def set_story(self, article_id: int, story_id: int | None) -> None:
        self._db.conn.execute(
            "UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id)
        )

    # -- the second step of an import: articles whose story, word counts and topics wait ----

    def mark_pending(self, ids: list[int]) -> None:
        """These articles were stored (row and full-text index); the rest of their work waits."""
        self._db.conn.executemany(
            "INSERT INTO pending_articles (article_id) VALUES (?) ON CONFLICT DO NOTHING",
            [(i,) for i in ids],
        )

    def pending_ids(self, limit: int) -> list[int]:
        """The first `limit` waiting articles, lowest id first (the order they are done in)."""
        rows = self._db.conn.execute(
            "SELECT article_id FROM pending_articles ORDER BY article_id LIMIT ?", (limit,)
        )
        return [row[0] for row in rows]

    def pending_among(self, ids: list[int]) -> set[int]:
        """Those of `ids` that are waiting."""
        found: set[int] = set()
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            rows = self._db.conn.execute(
                "SELECT article_id FROM pending_articles "
                f"WHERE article_id IN ({','.join('?' * len(batch))})",
                batch,
            )
            found.update(row[0] for row in rows)
        return found

    def pending_count(self) -> int:
        row = self._db.conn.execute("SELECT count(*) FROM pending_articles").fetchone()
        return int(row[0])

    def pending_done(self, ids: list[int]) -> None:
        """The waiting work of these articles is done (in the transaction that did it)."""
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            self._db.conn.execute(
                f"DELETE FROM pending_articles WHERE article_id IN ({','.join('?' * len(batch))})",
                batch,
            )

    def pending_texts(self, ids: list[int]) -> list[tuple[int, str, str, bytes, int | None]]:
        """(id, title, body, signature, story id) of these articles, in id order (the
        signature as stored: b"" when there is none)."""
        found: list[tuple[int, str, str, bytes, int | None]] = []
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            found += [
                (row[0], row[1], row[2], bytes(row[3] or b""), row[4])
                for row in self._db.conn.execute(
                    "SELECT id, title, body, minhash, story_id FROM articles "
                    f"WHERE id IN ({','.join('?' * len(batch))})",
                    batch,
                )
            ]
        return sorted(found)

    # -- the bundled articles, and removing articles (inside the caller's transaction) -------

    def mark_bundled(self, ids: list[int]) -> None:
        """These articles came from the bundled data (the first launch's import)."""
        self._db.conn.executemany(
            "INSERT INTO bundled_articles (article_id) VALUES (?) ON CONFLICT DO NOTHING",
            [(i,) for i in ids],
        )

    def unmark_bundled(self, ids: list[int]) -> None:
        """These articles were stored again from elsewhere: no longer only demo articles."""
        self._db.conn.executemany(
            "DELETE FROM bundled_articles WHERE article_id = ?", [(i,) for i in ids]
        )

    def selected(self, removal: Removal) -> tuple[list[int], list[int]]:
        """(ids to remove, ids kept because they are starred) of what `removal` selects."""
        clauses: list[str] = []
        params: list[object] = []
        if removal.bundled:
            clauses.append("id IN (SELECT article_id FROM bundled_articles)")
        if removal.sources:
            names = sorted({name.lower() for name in removal.sources})
            clauses.append(f"lower(source) IN ({','.join('?' * len(names))})")
            params += names
        if removal.before is not None:
            clauses.append("sort_key < ?")
            params.append(removal.before)
        ids = sorted({i for i in removal.ids if valid_id(i)})
        if removal.ids and not ids:
            return [], []
        found: list[tuple[int, int]] = []
        batches: list[list[int] | None] = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
        for batch in batches or [None]:
            where = list(clauses)
            args = list(params)
            if batch is not None:
                where.append(f"id IN ({','.join('?' * len(batch))})")
                args += batch
            # Starred by anyone: a purge never takes what a person of the archive starred.
            starred = "EXISTS (SELECT 1 FROM marks m WHERE m.article_id = id AND m.starred = 1)"
            found += self._db.conn.execute(
                f"SELECT id, {starred} FROM articles WHERE {' AND '.join(where)} ORDER BY id", args
            ).fetchall()
        if removal.include_starred:
            return [row[0] for row in found], []
        return [i for i, starred in found if not starred], [i for i, starred in found if starred]

    def existing(self, ids: list[int]) -> set[int]:
        """Those of `ids` that are stored."""
        wanted = sorted({i for i in ids if valid_id(i)})
        found: set[int] = set()
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            rows = self._db.conn.execute(
                f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(batch))})", batch
            )
            found.update(row[0] for row in rows)
        return found

    def indexed_texts(self, ids: list[int]) -> list[tuple[int, str, str, str, bytes]]:
        """(id, title, body, index_extra, minhash): what taking these articles out of the index
        and the story bands needs."""
        found: list[tuple[int, str, str, str, bytes]] = []
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            found += self._db.conn.execute(
                "SELECT id, title, body, index_extra, minhash FROM articles "
                f"WHERE id IN ({','.join('?' * len(batch))})",
                batch,
            ).fetchall()
        return found

    def delete(self, ids: list[int]) -> None:
        """Delete the rows; their own links, topic places and bundled marks go with them
        (ON DELETE CASCADE). The index, the bands and the stories are the caller's."""
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            self._db.conn.execute(
                f"DELETE FROM articles WHERE id IN ({','.join('?' * len(batch))})", batch
            )

    def regroup_stories(self, removed: list[int]) -> None:
        """After the first version of a story was deleted, its oldest remaining version (the
        lowest id) becomes the story's first and the others point at it."""
        conn = self._db.conn
        orphaned: list[int] = []
        for start in range(0, len(removed), BATCH):
            batch = removed[start : start + BATCH]
            orphaned += [
                row[0]
                for row in conn.execute(
                    "SELECT DISTINCT story_id FROM articles "
                    f"WHERE story_id IN ({','.join('?' * len(batch))})",
                    batch,
                )
            ]
        for old in orphaned:
            row = conn.execute("SELECT min(id) FROM articles WHERE story_id = ?", (old,)).fetchone()
            new = int(row[0])
            conn.execute("UPDATE articles SET story_id = NULL WHERE id = ?", (new,))
            conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (new, old))

    # -- flags -------------------------------------------------------------------------------

    def set_flag(self, article_id: int, flag: str, value: bool) -> bool:
        """Set `read` or `starred`; False when there is no such article."""
        if flag not in FLAGS:
            raise ValueError(f"not a flag: {flag!r}")
        if not valid_id(article_id):
            return False
        row = self._db.conn.execute(
            f"INSERT INTO marks (person, article_id, {flag}) SELECT ?, id, ? FROM articles "
            f"WHERE id = ? ON CONFLICT (person, article_id) DO UPDATE SET {flag} = excluded.{flag} "
            "RETURNING article_id",
            (self.person, int(value), article_id),
        ).fetchone()
        return row is not None

    def toggle_flag(self, article_id: int, flag: str) -> Headline | None:
        """Flip the person's `read` or `starred` mark; the headline as it is now, or None.

        One upsert, so two quick toggles from two threads never read the same old value.
        """
        if flag not in FLAGS:
            raise ValueError(f"not a flag: {flag!r}")
        if not valid_id(article_id):
            return None
        row = self._db.conn.execute(
            f"INSERT INTO marks (person, article_id, {flag}) SELECT ?, id, 1 FROM articles "
            "WHERE id = ? ON CONFLICT (person, article_id) "
            f"DO UPDATE SET {flag} = 1 - marks.{flag} RETURNING article_id",
            (self.person, article_id),
        ).fetchone()
        return self.headline(article_id) if row else None

    # -- reading -----------------------------------------------------------------------------

    def get(self, article_id: int) -> StoredArticle | None:
        """The article without its related headlines (the links table has those)."""
        if not valid_id(article_id):
            return None
        row = self._db.conn.execute(
            f"SELECT {self._article_columns} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return _stored(row) if row is not None else None

    def for_related(self, article_id: int) -> tuple[StoredArticle, str | None, bytes | None] | None:
        """The article (as `get` reads it), its sort key and its MinHash signature, in one read:
        what related news reads of its row; None when there is no such article."""
        if not valid_id(article_id):
            return None
        row = self._db.conn.execute(
            f"SELECT {self._article_columns}, sort_key, minhash FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return _stored(row[:-2]), row[-2], row[-1]

    def get_many(self, ids: list[int]) -> list[StoredArticle]:
        """The articles of `ids` in that order (unknown ids left out), without their links."""
        return self._by_ids(self._article_columns, _stored, ids)

    def _by_ids(self, columns: str, make: Callable[[Any], _Row], ids: list[int]) -> list[_Row]:
        """`make` of the rows of `ids` (their first column the id), read a batch at a time, in
        the order of `ids`; unknown ids left out."""
        found: dict[int, _Row] = {}
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            rows = self._db.conn.execute(
                f"SELECT {columns} FROM articles WHERE id IN ({','.join('?' * len(batch))})",
                batch,
            )
            found.update((row[0], make(row)) for row in rows)
        return [found[i] for i in ids if i in found]

    def ids(self, view: HeadlineFilter | None = None) -> list[int]:
        """Every id of the view, in `window` order."""
        scope = _scope(view, self.person)
        rows = self._db.conn.execute(
            f"SELECT articles.id FROM {scope.source} {scope.where} {scope.order}", scope.params
        )
        return [row[0] for row in rows]

    def headline(self, article_id: int) -> Headline | None:
        if not valid_id(article_id):
            return None
        row = self._db.conn.execute(
            f"SELECT {self._headline_columns} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return _headline(row) if row else None

    def headlines_by_id(self, ids: list[int]) -> list[Headline]:
        """Headlines of `ids`, in the order given; unknown ids are left out."""
        return self._by_ids(self._headline_columns, _headline, ids)

    def window(self, offset: int, limit: int, view: HeadlineFilter | None = None) -> list[Headline]:
        """A window of the headline list, newest first (undated articles last)."""
        scope = _scope(view, self.person, walked=True)
        # The window's ids first (an index walk), then its rows: the marks and the versions are
        # then read for the rows shown alone, not for every row the offset skips (PostgreSQL
        # computes a skipped row's columns: 0.8 s at an offset of 99,000).
        ids = [
            row[0]
            for row in self._db.conn.execute(
                f"SELECT articles.id FROM {scope.source} {scope.where} {scope.order} "
                "LIMIT ? OFFSET ?",
                (*scope.params, limit, offset),
            )
        ]
        columns = self._headline_columns
        if view is not None and view.fold_stories:
            columns += f", {_VERSIONS}"
        return self._by_ids(columns, _headline, ids)

    def window_after(
        self, article_id: int | None, limit: int, view: HeadlineFilter | None = None
    ) -> list[Headline]:
        """The `limit` headlines that follow `article_id` in `window` order (from the top when
        it is None): the next page of a list read by key, not by offset. An offset walks every
        row it skips (at 1,000,000 articles PostgreSQL took 219 ms at an offset of 500,000);
        this starts at the article's place in the sort index, whatever its depth. An article
        not in the store gives no rows."""
        scope = _scope(view, self.person, walked=True)
        clauses = [scope.where.removeprefix("WHERE ")] if scope.where else []
        params: list[object] = list(scope.params)
        if article_id is not None:
            if not valid_id(article_id):
                return []
            key = self.sort_key(article_id)
            if key is None:
                return []
            # A row comparison: both backends walk the sort index from the key (an OR of the
            # two tests is a filter PostgreSQL applies to every row above the key).
            clauses.append(f"({scope.key}, {scope.id}) < (?, ?)")
            params += [key, article_id]
        where = "WHERE " + " AND ".join(clauses) if clauses else ""
        ids = [
            row[0]
            for row in self._db.conn.execute(
                f"SELECT articles.id FROM {scope.source} {where} {scope.order} LIMIT ?",
                (*params, limit),
            )
        ]
        columns = self._headline_columns
        if view is not None and view.fold_stories:
            columns += f", {_VERSIONS}"
        return self._by_ids(columns, _headline, ids)

    def count(self, view: HeadlineFilter | None = None) -> int:
        scope = _scope(view, self.person)
        row = self._db.conn.execute(
            f"SELECT count(*) FROM {scope.source} {scope.where}", scope.params
        ).fetchone()
        return int(row[0])

    def per_day(
        self, view: HeadlineFilter | None = None, ids: list[int] | None = None
    ) -> tuple[dict[str, int], int]:
        """({WIB day "YYYY-MM-DD": dated articles}, undated articles) of the view, or of those
        of `ids` in it."""
        scope = _scope(view, self.person)
        day = self._db.jakarta_day("articles.sort_key")
        dated = "articles.published_at IS NOT NULL"
        select = (
            f"SELECT CASE WHEN {dated} THEN {day} END, count(*) FROM {scope.source} {scope.where}"
        )
        days: dict[str, int] = {}
        undated = 0
        batches: list[list[int] | None] = (
            [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)] if ids is not None else [None]
        )
        for batch in batches:
            sql, params = select, list(scope.params)
            if batch is not None:
                among = f"articles.id IN ({','.join('?' * len(batch))})"
                sql += f" AND {among}" if scope.where else f" WHERE {among}"
                params += batch
            for key, count in self._db.conn.execute(sql + " GROUP BY 1", params):
                if key is None:
                    undated += count
                else:
                    days[key] = days.get(key, 0) + count
        return days, undated

    def mark_story_read(self, article_id: int) -> list[int]:
        """Mark every version of the article's story read; the ids that were unread."""
        if not valid_id(article_id):
            return []
        # One statement, so a transaction of its own. The story's first version (its id) and
        # the others (story_id = it), both by index.
        rows = self._db.conn.execute(
            "WITH story(id) AS (SELECT coalesce(story_id, id) FROM articles WHERE id = ?) "
            "INSERT INTO marks (person, article_id, read) SELECT ?, articles.id, 1 FROM articles "
            f"WHERE {self._unread} AND (articles.id = (SELECT id FROM story) "
            "OR articles.story_id = (SELECT id FROM story)) "
            "ON CONFLICT (person, article_id) DO UPDATE SET read = 1 RETURNING article_id",
            (article_id, self.person),
        ).fetchall()
        return sorted(row[0] for row in rows)

    def mark_all_read(self, view: HeadlineFilter | None = None) -> int:
        """Mark every unread article of the view read; how many were."""
        where, params = _where(view, self.person)
        where = f"{where} AND {self._unread}" if where else f"WHERE {self._unread}"
        cursor = self._db.conn.execute(
            "INSERT INTO marks (person, article_id, read) SELECT ?, articles.id, 1 FROM articles "
            f"{where} ON CONFLICT (person, article_id) DO UPDATE SET read = 1",
            [self.person, *params],
        )
        return cursor.rowcount

    def next_unread(
        self, article_id: int | None, view: HeadlineFilter | None = None, step: int = 1
    ) -> Headline | None:
        """The next (step 1) or previous (-1) unread headline after `article_id` in `window`
        order; from the top (or the bottom) when `article_id` is None."""
        where, params = _where(view, self.person)
        clauses = [where.removeprefix("WHERE ")] if where else []
        clauses.append(self._unread)
        args: list[object] = list(params)
        if article_id is not None:
            key = self.sort_key(article_id)
            if key is not None:
                later = "<" if step > 0 else ">"
                clauses.append(f"(sort_key {later} ? OR (sort_key = ? AND id {later} ?))")
                args += [key, key, article_id]
        order = _ORDER if step > 0 else "ORDER BY sort_key ASC, id ASC"
        row = self._db.conn.execute(
            f"SELECT {self._headline_columns} FROM articles WHERE {' AND '.join(clauses)} "
            f"{order} LIMIT 1",
            args,
        ).fetchone()
        return _headline(row) if row else None

    def sources(self) -> list[tuple[str | None, int, int]]:
        """(source, unread, total) of every source, most articles first."""
        conn = self._db.conn
        # The totals from the source index alone; the person's read marks per source apart,
        # as many rows as they marked read (a mark per article would be a probe per article).
        totals = conn.execute(
            "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC, source"
        ).fetchall()
        read = dict(
            conn.execute(
                "SELECT a.source, count(*) FROM marks m JOIN articles a ON a.id = m.article_id "
                "WHERE m.person = ? AND m.read = 1 GROUP BY a.source",
                (self.person,),
            ).fetchall()
        )
        return [
            (source, int(total) - int(read.get(source, 0)), int(total)) for source, total in totals
        ]

    def position(self, article_id: int, view: HeadlineFilter | None = None) -> int | None:
        """Where an article stands in the headline list (`window` order), or None."""
        if not valid_id(article_id):
            return None
        conn = self._db.conn
        row = conn.execute("SELECT sort_key FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        scope = _scope(view, self.person)
        before = f"({scope.key} > ? OR ({scope.key} = ? AND {scope.id} > ?))"
        where = f"{scope.where} AND {before}" if scope.where else f"WHERE {before}"
        found = conn.execute(
            f"SELECT count(*) FROM {scope.source} {where}",
            (*scope.params, row[0], row[0], article_id),
        ).fetchone()
        return int(found[0])

    def max_id(self) -> int:
        """The highest article id (O(1)); a stand-in for the article count in idf."""
        return int(self._db.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    def _body_prefix(self, chars: int | None) -> str:
        """SQL for the body's first `chars` characters (all of it for None)."""
        return "body" if chars is None else f"substr(body, 1, {int(chars)})"

    def texts(self, ids: list[int], chars: int | None = None) -> dict[int, tuple[str, str]]:
        """{id: (title, body)} of the articles of `ids` that exist; with `chars`, only the
        body's first `chars` characters are read (bounded work whatever an article's size)."""
        found: dict[int, tuple[str, str]] = {}
        body = self._body_prefix(chars)
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            rows = self._db.conn.execute(
                f"SELECT id, title, {body} FROM articles "
                f"WHERE id IN ({','.join('?' * len(batch))})",
                batch,
            )
            found.update((row[0], (row[1], row[2])) for row in rows)
        return found

    def _body_within(self, chars: int) -> str:
        """SQL for "the body is at most `chars` characters long"."""
        return f"length(body) <= {int(chars)}"

    def signed_within(self, ids: list[int], chars: int) -> dict[int, bytes]:
        """{id: stored MinHash signature} of the articles of `ids` whose body is at most `chars`
        characters long, so that the signature was made from the text `texts(ids, chars)`
        gives them; those without one (their catch-up waits) are left out."""
        found: dict[int, bytes] = {}
        within = self._body_within(chars)
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            rows = self._db.conn.execute(
                f"SELECT id, minhash FROM articles WHERE id IN ({','.join('?' * len(batch))}) "
                f"AND minhash IS NOT NULL AND {within}",
                batch,
            )
            found.update((row[0], bytes(row[1])) for row in rows if row[1])
        return found

    def signatures(self, ids: list[int]) -> list[tuple[int, int | None, bytes]]:
        """(id, story_id, MinHash blob) of the articles of `ids`."""
        if not ids:
            return []
        return self._db.conn.execute(
            f"SELECT id, story_id, minhash FROM articles WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()

    def sort_key(self, article_id: int) -> str | None:
        row = self._db.conn.execute(
            "SELECT sort_key FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else None

    def find_by_url(self, url: str) -> int | None:
        row = self._db.conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
        return int(row[0]) if row else None

    def stored_urls(self, urls: list[str]) -> set[str]:
        """Those of `urls` that an article is stored under (the unique url index, in chunks)."""
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.conn.execute(
                f"SELECT url FROM articles WHERE url IN ({marks})", chunk
            ).fetchall()
            found.update(row[0] for row in rows)
        return found

    def find_by_title_key(self, key: str, exclude: int | None = None) -> int | None:
        row = self._db.conn.execute(
            "SELECT id FROM articles WHERE title_key = ? AND id <> ? ORDER BY id LIMIT 1",
            (key, exclude if exclude is not None else 0),
        ).fetchone()
        return int(row[0]) if row else None

    def stats(self) -> dict[str, Any]:
        conn = self._db.conn
        read, starred = conn.execute(
            "SELECT count(*) FILTER (WHERE read = 1), count(*) FILTER (WHERE starred = 1) "
            "FROM marks WHERE person = ?",
            (self.person,),
        ).fetchone()
        (articles, sources, dated, oldest, newest, stories) = conn.execute(
            "SELECT count(*), count(DISTINCT source), count(published_at), "
            "min(CASE WHEN published_at IS NOT NULL THEN nullif(sort_key, '') END), "
            "max(CASE WHEN published_at IS NOT NULL THEN nullif(sort_key, '') END), "
            "count(DISTINCT coalesce(story_id, id)) FROM articles"
        ).fetchone()
        by_source = conn.execute(
            "SELECT coalesce(source, ''), count(*) AS n FROM articles GROUP BY 1 "
            "ORDER BY n DESC, 1 LIMIT 10"
        ).fetchall()
        return {
            "articles": articles,
            "sources": sources,
            "unread": articles - (read or 0),
            "starred": starred or 0,
            "dated": dated or 0,
            "oldest": oldest,
            "newest": newest,
            "stories": stories,
            "top_sources": {name or "(none)": n for name, n in by_source},
        }
