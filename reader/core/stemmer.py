"""Full stemming (PySastrawi) as an optional, low-weight recall fallback.

Sastrawi maps pengangguran -> anggur and pemutusan -> putus, so it never decides what a word
means in the index: it only widens a query that found too little, to words of the store that
share the query word's root ("pekerjaan" -> bekerja, dipekerjakan), never through a protected
word. Its root-word dictionary is CC BY-NC-SA, so it is an extra: `pip install
kemnaker-reader[stemmer]`. Roots are cached per word in memory and in the store
(`word_roots`), so a word is stemmed once per database.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.store import Store

MIN_ROOT = 3
MAX_FAMILY = 30


@lru_cache(maxsize=1)
def _sastrawi():
    try:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    except ImportError:
        return None
    return StemmerFactory().create_stemmer()


def available() -> bool:
    return _sastrawi() is not None


@lru_cache(maxsize=1)
def protected() -> frozenset[str]:
    text = resources.files("reader.core").joinpath("data/protected.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return frozenset(word for line in lines for word in line.split())


@lru_cache(maxsize=100_000)
def root(word: str) -> str:
    """Sastrawi's root of a folded word (the word itself when protected or unavailable)."""
    stemmer = _sastrawi()
    if stemmer is None or word in protected() or not word.isalpha():
        return word
    return stemmer.stem(word) or word


def family(store: Store, word: str) -> list[str]:
    """Words of the store that share `word`'s root, most frequent first; [] when none."""
    if not available() or word in protected():
        return []
    base = root(word)
    if len(base) < MIN_ROOT:
        return []
    # Prefixes melt the root's first letter (saksi -> menyaksikan), so match without it.
    core = base[1:] if len(base) > 4 else base
    rows = store.conn.execute(
        "SELECT term, df FROM term_stats WHERE df > 0 AND term LIKE ? ORDER BY df DESC LIMIT 400",
        (f"%{core}%",),
    ).fetchall()
    words = [term for term, _ in rows if term != word and term not in protected()]
    roots = stored_roots(store, words)
    return [term for term in words if roots[term] == base][:MAX_FAMILY]


def stored_roots(store: Store, words: list[str]) -> dict[str, str]:
    """Roots of `words`, read from the store's cache; the missing ones computed and saved."""
    known: dict[str, str] = store.lookup("word_roots", "word", "root", words)
    missing = [(word, root(word)) for word in words if word not in known]
    if missing:
        known.update(missing)
        try:
            store.conn.executemany(
                "INSERT OR IGNORE INTO word_roots (word, root) VALUES (?, ?)", missing
            )
        except sqlite3.OperationalError:  # read-only or busy: computed again next time
            pass
    return known
