"""Resolving an article's own related headlines to stored articles.

Headlines are matched by URL, then by title: the same words after case, punctuation and accents
are folded, or a close fuzzy match (small edits, a truncated title). Unresolved headlines are
retried lazily when articles newer than the last try have arrived.
"""

from __future__ import annotations

import sqlite3
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from reader.core.text import FUNCTION_WORDS, title_key

if TYPE_CHECKING:
    from reader.core.store import Store

FUZZY_RATIO = 0.85
MIN_PREFIX_WORDS = 6


def titles_match(a_key: str, b_key: str) -> bool:
    """Whether two folded titles name the same article."""
    if not a_key or not b_key:
        return False
    if a_key == b_key:
        return True
    short, long = sorted((a_key, b_key), key=len)
    if long.startswith(short + " ") and len(short.split()) >= MIN_PREFIX_WORDS:
        return True  # a title cut short (URL slugs, narrow lists)
    return SequenceMatcher(None, a_key, b_key, autojunk=False).ratio() >= FUZZY_RATIO


def find_by_title(store: Store, title: str, exclude: int | None = None) -> int | None:
    """The stored article whose title matches `title`, or None."""
    key = title_key(title)
    if not key:
        return None
    conn = store.conn
    row = conn.execute(
        "SELECT id FROM articles WHERE title_key = ? AND id IS NOT ? ORDER BY id LIMIT 1",
        (key, exclude),
    ).fetchone()
    if row:
        return row[0]
    words = [w for w in key.split() if w not in FUNCTION_WORDS and len(w) > 2] or key.split()
    query = "{title} : (" + " OR ".join(f'"{w}"' for w in dict.fromkeys(words)) + ")"
    candidates = conn.execute(
        "SELECT a.id, a.title_key FROM articles_fts f JOIN articles a ON a.id = f.rowid "
        "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 1, 0, 0, 0, 0, 0) LIMIT 20",
        (query,),
    ).fetchall()
    for candidate_id, candidate_key in candidates:
        if candidate_id != exclude and titles_match(key, candidate_key):
            return candidate_id
    return None


def resolve_pending(store: Store, article_id: int) -> None:
    """Try again to resolve the article's unresolved headlines, if new articles arrived."""
    conn = store.conn
    max_id = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
    pending = conn.execute(
        "SELECT position, title, url FROM related_links WHERE article_id = ? "
        "AND target_id IS NULL AND checked_max_id < ?",
        (article_id, max_id),
    ).fetchall()
    if not pending:
        return
    updates = []
    for position, title, url in pending:
        target = None
        if url:
            row = conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
            target = row[0] if row else None
        if target is None:
            target = find_by_title(store, title, exclude=article_id)
        updates.append((target, max_id, article_id, position))
    try:
        conn.executemany(
            "UPDATE related_links SET target_id = ?, checked_max_id = ? "
            "WHERE article_id = ? AND position = ?",
            updates,
        )
    except sqlite3.OperationalError:  # read-only or busy: resolve again next time
        pass
