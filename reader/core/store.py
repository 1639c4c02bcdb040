"""The article store: one SQLite file, read and written through sqlite-utils.

Connections are per thread (a worker thread gets its own), in WAL mode with a busy timeout, so
the reader can stay open while the command line imports into the same file.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path

import sqlite_utils

from reader.core import minhash
from reader.core.index import Prepared, fts_row, fts_row_for_delete, prepare_chunk
from reader.core.models import (
    Article,
    Headline,
    ImportFailure,
    ImportResult,
    RelatedHeadline,
    RelatedItem,
    StoredArticle,
)
from reader.core.related import related_to
from reader.core.schema import migrate
from reader.core.search import SearchResult, search
from reader.core.text import title_key

log = logging.getLogger(__name__)

CHUNK = 500
PARALLEL_PREPARE = (os.cpu_count() or 1) > 1
CHECK_ESTIMATE = 0.4  # MinHash estimate above which a candidate's exact Jaccard is computed
MAX_CHECKS = 5  # exact checks per imported article at most (the closest estimates first)
_ARTICLE_COLUMNS = (
    "id, url, source, dateline, title, body, published_at, published_raw, category, "
    "origin, read, starred, imported_at, coalesce(story_id, id)"
)


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file and the reason."""


class Store:
    """Articles in SQLite, with the full-text index and the near-duplicate bands beside them."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        self._word_cache: dict[str, bool] = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.conn)
        except (sqlite3.DatabaseError, OSError) as error:
            raise StoreError(f"{self.path}: cannot open the database ({error})") from None

    # -- connections -------------------------------------------------------------------------

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA cache_size=-32768")  # 32 MiB: the FTS and band B-trees stay warm
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    # -- vocabulary ----------------------------------------------------------------------------

    def is_word(self, word: str) -> bool:
        """Whether `word` occurs in the store (the -nya rule only strips to known words)."""
        known = self._word_cache.get(word)
        if known is None:
            row = self.conn.execute(
                "SELECT 1 FROM term_stats WHERE term = ? AND df > 0", (word,)
            ).fetchone()
            known = self._word_cache[word] = row is not None
        return known

    def _vocabulary(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT term FROM term_stats WHERE df > 0")}

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many articles hold each of `terms` (absent terms are left out)."""
        return self.lookup("term_stats", "term", "df", terms)

    def lookup(self, table: str, key: str, value: str, keys: list[str]) -> dict:
        """{key: value} for the rows of `table` whose `key` is one of `keys`, in batches.

        `table`, `key` and `value` are the store's own names, never user input.
        """
        found: dict = {}
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            found.update(
                self.conn.execute(
                    f"SELECT {key}, {value} FROM {table} WHERE {key} IN ({','.join('?' * len(batch))})",
                    batch,
                ).fetchall()
            )
        return found

    def _count_terms(self, counts: Counter[str], sign: int) -> None:
        self.conn.executemany(
            "INSERT INTO term_stats (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
            sorted((term, sign * n) for term, n in counts.items()),  # in key order: B-tree friendly
        )

    # -- import --------------------------------------------------------------------------------

    def add_articles(
        self,
        items: Iterable[Article | ImportFailure],
        progress: Callable[[ImportResult], None] | None = None,
    ) -> ImportResult:
        """Store articles; failures passed in are collected, so one call reports a whole import.

        Articles are written in chunks, each in one transaction: an article is stored whole or
        not at all. An article already stored (same URL, or same title and source without a
        URL) is updated when its content changed and left alone when it did not. `progress`
        is called with the running totals after each chunk.
        """
        result = ImportResult()
        vocabulary: set[str] | None = None
        for prepared in _prepared_chunks(items):
            good: list[Prepared] = []
            for item in prepared:
                if isinstance(item, ImportFailure):
                    result.failed.append(item)
                else:
                    good.append(item)
            if not good:
                continue
            if vocabulary is None:
                vocabulary = self._vocabulary()
            for item in good:
                vocabulary.update(item.words)
            self._write_chunk(good, vocabulary, result)
            if progress is not None:
                progress(result)
        self._word_cache.clear()
        return result

    def _write_chunk(
        self, prepared: list[Prepared], vocabulary: set[str], result: ImportResult
    ) -> None:
        conn = self.conn
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        added: Counter[str] = Counter()
        removed: Counter[str] = Counter()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for item in prepared:
                existing = self._find_existing(item)
                if existing is None:
                    self._insert(item, vocabulary, now)
                    added.update(item.words)
                    result.added += 1
                elif existing["content_hash"] == item.content_hash:
                    result.unchanged += 1
                else:
                    self._update(existing, item, vocabulary)
                    removed.update(
                        set(
                            " ".join(
                                fts_row_for_delete(existing["title"], existing["body"], "")[:3]
                            ).split()
                        )
                    )
                    added.update(item.words)
                    result.updated += 1
            self._count_terms(added, 1)
            self._count_terms(removed, -1)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _find_existing(self, item: Prepared) -> sqlite3.Row | None:
        conn = self.conn
        conn.row_factory = sqlite3.Row
        try:
            if item.article.url:
                return conn.execute(
                    "SELECT id, content_hash, title, body, index_extra FROM articles WHERE url = ?",
                    (item.article.url,),
                ).fetchone()
            return conn.execute(
                "SELECT id, content_hash, title, body, index_extra FROM articles "
                "WHERE title_key = ? AND source IS ? AND url IS NULL",
                (item.title_key, item.article.source),
            ).fetchone()
        finally:
            conn.row_factory = None

    def _insert(self, item: Prepared, vocabulary: set[str], now: str) -> int:
        a = item.article
        values, extra = fts_row(item, vocabulary.__contains__)
        cursor = self.conn.execute(
            "INSERT INTO articles (url, source, dateline, title, title_key, body, published_at, "
            "published_raw, sort_key, category, content_hash, imported_at, origin, index_extra, "
            "minhash, story_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                a.url,
                a.source,
                a.dateline,
                a.title,
                item.title_key,
                a.body,
                a.published_at,
                a.published_raw,
                item.sort_key,
                a.category,
                item.content_hash,
                now,
                a.origin,
                extra,
                minhash.to_blob(item.signature),
                self._find_story(item, None),
            ),
        )
        article_id = int(cursor.lastrowid)
        self._index(article_id, values)
        self._write_links(article_id, a.related)
        self._write_bands(article_id, item)
        return article_id

    def _update(self, existing: sqlite3.Row, item: Prepared, vocabulary: set[str]) -> None:
        a = item.article
        article_id = existing["id"]
        old = fts_row_for_delete(existing["title"], existing["body"], existing["index_extra"])
        self.conn.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, title, lead, body, title_x, lead_x, "
            "body_x) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
            (article_id, *old),
        )
        values, extra = fts_row(item, vocabulary.__contains__)
        self.conn.execute(
            "UPDATE articles SET url=?, source=?, dateline=?, title=?, title_key=?, body=?, "
            "published_at=?, published_raw=?, sort_key=?, category=?, content_hash=?, origin=?, "
            "index_extra=?, minhash=? WHERE id=?",
            (
                a.url,
                a.source,
                a.dateline,
                a.title,
                item.title_key,
                a.body,
                a.published_at,
                a.published_raw,
                item.sort_key,
                a.category,
                item.content_hash,
                a.origin,
                extra,
                minhash.to_blob(item.signature),
                article_id,
            ),
        )
        self._index(article_id, values)
        self.conn.execute("DELETE FROM related_links WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM story_bands WHERE article_id = ?", (article_id,))
        self._write_links(article_id, a.related)
        self._write_bands(article_id, item)
        self.conn.execute(
            "UPDATE articles SET story_id = ? WHERE id = ?",
            (self._find_story(item, article_id), article_id),
        )

    def _index(self, article_id: int, values: list[str]) -> None:
        self.conn.execute(
            "INSERT INTO articles_fts (rowid, title, lead, body, title_x, lead_x, body_x) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article_id, *values),
        )

    def _write_links(self, article_id: int, related: list[RelatedHeadline]) -> None:
        rows = [
            (article_id, position, headline.title, title_key(headline.title), headline.url)
            for position, headline in enumerate(related)
        ]
        self.conn.executemany(
            "INSERT INTO related_links (article_id, position, title, title_key, url) "
            "VALUES (?,?,?,?,?)",
            rows,
        )

    def _find_story(self, item: Prepared, article_id: int | None) -> int | None:
        """The story of a stored near-duplicate, or None: the article starts its own story.

        Candidates share MinHash bands with it, most shared bands first (a band shared through
        one very common shingle says little); the few whose signature estimate is close are
        confirmed on the exact Jaccard of their shingles.
        """
        if not len(item.shingles):
            return None
        # A few rows per band: a band shared through one very common shingle can hold thousands.
        per_band = " UNION ALL ".join(
            ["SELECT * FROM (SELECT article_id FROM story_bands WHERE key = ? LIMIT 30)"]
            * len(item.bands)
        )
        shared = Counter(
            row[0] for row in self.conn.execute(per_band, item.bands) if row[0] != article_id
        )
        top = [other for other, _ in shared.most_common(20)]
        candidates = (
            self.conn.execute(
                f"SELECT id, story_id, minhash FROM articles WHERE id IN ({','.join('?' * len(top))})",
                top,
            ).fetchall()
            if top
            else []
        )
        close = sorted(
            (
                (minhash.estimate(item.signature, minhash.from_blob(blob)), other_id, other_story)
                for other_id, other_story, blob in candidates
            ),
            reverse=True,
        )
        best, story = 0.0, None
        for estimate, other_id, other_story in close[:MAX_CHECKS]:
            if estimate < CHECK_ESTIMATE:
                break
            body = self.conn.execute("SELECT body FROM articles WHERE id = ?", (other_id,))
            score = minhash.jaccard(item.shingles, minhash.shingles(body.fetchone()[0]))
            if score >= minhash.SAME_STORY and score > best:
                best, story = score, other_story or other_id
        return story

    def _write_bands(self, article_id: int, item: Prepared) -> None:
        if len(item.shingles):
            self.conn.executemany(
                "INSERT OR IGNORE INTO story_bands (key, article_id) VALUES (?, ?)",
                [(key, article_id) for key in item.bands],
            )

    # -- reading -------------------------------------------------------------------------------

    def max_id(self) -> int:
        """The highest article id (O(1)); a stand-in for the article count in idf."""
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def get(self, article_id: int) -> StoredArticle | None:
        if not _valid_id(article_id):
            return None
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
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
            related=self.related_links(id_),
            id=id_,
            read=bool(read),
            starred=bool(starred),
            imported_at=imported_at,
            story_id=story_id,
        )

    def related_links(self, article_id: int) -> list[RelatedHeadline]:
        """The article's own related headlines, in their order, resolved where possible."""
        from reader.core.links import resolve_pending

        resolve_pending(self, article_id)
        return [
            RelatedHeadline(title, url, target)
            for title, url, target in self.conn.execute(
                "SELECT title, url, target_id FROM related_links WHERE article_id = ? "
                "ORDER BY position",
                (article_id,),
            )
        ]

    def get_headline(self, article_id: int) -> Headline | None:
        if not _valid_id(article_id):
            return None
        row = self.conn.execute(
            "SELECT id, title, source, published_at, read, starred, url FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return Headline(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5]), row[6])

    def search(self, query: str, limit: int = 20) -> SearchResult:
        """Keyword search (see reader.core.search); never raises on the query's content."""
        return search(self, query, limit)

    def related(self, article_id: int, limit: int = 10) -> list[RelatedItem] | None:
        """Related news for an article, or None when the id is unknown."""
        return related_to(self, article_id, limit)

    def headlines(self, offset: int = 0, limit: int = 50) -> list[Headline]:
        """A window of the headline list, newest first (undated articles last)."""
        rows = self.conn.execute(
            "SELECT id, title, source, published_at, read, starred, url FROM articles "
            "ORDER BY sort_key DESC, id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [Headline(i, t, s, p, bool(r), bool(st), u) for i, t, s, p, r, st, u in rows]

    def set_read(self, article_id: int, read: bool = True) -> None:
        self.conn.execute("UPDATE articles SET read = ? WHERE id = ?", (int(read), article_id))

    def set_starred(self, article_id: int, starred: bool = True) -> None:
        self.conn.execute(
            "UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id)
        )

    def stats(self) -> dict[str, object]:
        conn = self.conn
        (articles, sources, unread, starred, dated, oldest, newest, stories) = conn.execute(
            "SELECT count(*), count(DISTINCT source), sum(read = 0), sum(starred), "
            "sum(published_at IS NOT NULL), min(nullif(sort_key, '')), max(nullif(sort_key, '')), "
            "count(DISTINCT coalesce(story_id, id)) FROM articles"
        ).fetchone()
        links, resolved = conn.execute(
            "SELECT count(*), count(target_id) FROM related_links"
        ).fetchone()
        by_source = conn.execute(
            "SELECT coalesce(source, ''), count(*) AS n FROM articles GROUP BY 1 "
            "ORDER BY n DESC, 1 LIMIT 10"
        ).fetchall()
        return {
            "articles": articles,
            "sources": sources,
            "unread": unread or 0,
            "starred": starred or 0,
            "dated": dated or 0,
            "oldest": oldest,
            "newest": newest,
            "stories": stories,
            "related_links": links,
            "related_links_resolved": resolved,
            "top_sources": {name or "(none)": n for name, n in by_source},
            "database": str(self.path),
            "database_bytes": _file_size(self.path),
        }


def _valid_id(article_id: object) -> bool:
    """An id SQLite can hold (a huge number typed on the command line is simply unknown)."""
    return isinstance(article_id, int) and 0 < article_id < 2**63


def _file_size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            total += candidate.stat().st_size
    return total


def _prepared_chunks(items: Iterable[Article | ImportFailure]) -> Iterator[list]:
    """Chunks of prepared articles, in input order.

    Preparing (cleaning, tokenizing, MinHash) is pure Python work independent of the store, so
    once an import proves large it moves to a helper process and overlaps with the writes.
    """
    chunks = _chunks(items, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None or not PARALLEL_PREPARE:
        yield prepare_chunk(first)
        if second is not None:
            yield prepare_chunk(second)
            yield from map(prepare_chunk, chunks)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds SQLite
    queue: deque[list] = deque()  # [chunk, future] in input order, dropped once yielded
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            for chunk in chain((first, second), chunks):
                entry = [chunk, None]
                queue.append(entry)
                entry[1] = pool.submit(prepare_chunk, chunk)
                if len(queue) > 2:
                    ready = queue[0][1].result()
                    queue.popleft()
                    yield ready
            while queue:
                ready = queue[0][1].result()
                queue.popleft()
                yield ready
    except BrokenProcessPool:
        # The helper could not start (e.g. a caller's script without a __main__ guard): carry
        # on in this process with every chunk not yet handed back.
        log.info("preparing in-process: the helper process could not start")
        for chunk, _ in queue:
            yield prepare_chunk(chunk)
        yield from map(prepare_chunk, chunks)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
