"""Full stemming (PySastrawi) as an optional, low-weight recall fallback.

Sastrawi maps pengangguran -> anggur and pemutusan -> putus, so it never decides what a word
means in the index: it only widens a query that found too little, to words of the store that
share the query word's root ("pekerjaan" -> bekerja, dipekerjakan), never through a protected
word. Its root-word dictionary is CC BY-NC-SA, so it is an extra: `pip install
kemnaker-reader[stemmer]`. Roots are cached per word in memory (a search never writes to the
store).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

MIN_ROOT = 3
MAX_FAMILY = 30
CANDIDATES = 400  # words containing the root that are stemmed to check


@lru_cache(maxsize=1)
def _sastrawi() -> Any:
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


class WordIndex(Protocol):
    def words_containing(self, core: str, limit: int) -> list[str]: ...


def family(index: WordIndex, word: str) -> list[str]:
    """Words of the store that share `word`'s root, most frequent first; [] when none."""
    if not available() or word in protected():
        return []
    base = root(word)
    if len(base) < MIN_ROOT:
        return []
    # Prefixes melt the root's first letter (saksi -> menyaksikan), so match without it.
    core = base[1:] if len(base) > 4 else base
    words = [
        term
        for term in index.words_containing(core, CANDIDATES)
        if term != word and term not in protected()
    ]
    return [term for term in words if root(term) == base][:MAX_FAMILY]
