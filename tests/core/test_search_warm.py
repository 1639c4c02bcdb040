"""Library.warm_search: what the first search of a process pays for once (the alias table, the
protected words, Sastrawi's dictionary when in use) is paid by the warm-up, and a search after
it finds what it finds without one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reader.core.aliases import aliases
from reader.core.library import Library
from reader.core.services import stemmer


@pytest.fixture
def cold() -> Iterator[list[str]]:
    """The process as if no search had run yet; the tables it loads, named as they load."""
    loaded: list[str] = []
    load_sastrawi = stemmer._load_sastrawi

    def loading_sastrawi() -> Any:
        loaded.append("sastrawi")
        return load_sastrawi()

    _forget_tables()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stemmer, "_load_sastrawi", loading_sastrawi)
        yield loaded
    stemmer._sastrawi_loaded.clear()


def _forget_tables() -> None:
    """What a first search loads, forgotten: the next search loads it again."""
    aliases.cache_clear()
    stemmer.protected.cache_clear()
    stemmer.keys.cache_clear()
    stemmer._sastrawi_loaded.clear()


def _tables(loaded: list[str]) -> list[str]:
    return loaded + [
        name
        for name, cache in (("aliases", aliases), ("protected", stemmer.protected))
        if cache.cache_info().currsize
    ]


def test_a_search_after_the_warm_up_loads_no_table(
    demo_library_ro: Library, cold: list[str]
) -> None:
    demo_library_ro.warm_search()
    warmed = _tables(cold)
    assert {"aliases", "protected"} <= set(warmed)
    if stemmer.sastrawi_in_use():
        assert cold == ["sastrawi"]
    misses = (aliases.cache_info().misses, stemmer.protected.cache_info().misses)
    # A word that widens to its root family (few strict hits) reads every table.
    result = demo_library_ro.search("pemutusan", 20)
    assert result.hits
    assert (aliases.cache_info().misses, stemmer.protected.cache_info().misses) == misses
    assert cold.count("sastrawi") <= 1


def test_the_warm_up_changes_no_result(demo_library_ro: Library, cold: list[str]) -> None:
    queries = ["pemutusan", "PHK", "pekerja migran", "banjir", "upah -minimum", "zqxwvk"]
    before = []
    for query in queries:  # each the first search of a process, as it were
        _forget_tables()
        before.append(demo_library_ro.search(query, 30))
    _forget_tables()
    demo_library_ro.warm_search()
    after = [demo_library_ro.search(q, 30) for q in queries]
    for one, two in zip(before, after, strict=True):
        assert [(h.id, h.score, h.snippet) for h in one.hits] == [
            (h.id, h.score, h.snippet) for h in two.hits
        ]
