"""An import in two steps (issue 11): stored and searchable first; stories, term statistics and
topics caught up after, a chunk at a time. Whatever waits is counted by `stats()`, and the
store a deferred or interrupted import ends with equals the one a plain import gives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from reader.core.db.sqlite import sqlite3
from reader.core.library import Library, open_library
from reader.core.models import Article
from reader.core.services import indexing, prepare
from tests.conftest import sql

# Small chunks, so that the articles span several transactions of each step (as 1,200 did
# with the real sizes, 500 and 500): 160 make four chunks of the first step and three of the
# second, the last one short in each (200 made four whole chunks of the first), and five
# chunks of 37 in three transactions of two. The chunks are prepared in this process: the
# helper process that large imports use is tested in test_library.py and
# tests/cli/test_resumable_import.py, and starting one for each import here cost more than
# the imports themselves.
ARTICLES = 160
# The module's tests on one worker (pytest -n with --dist loadgroup): one reference import.
pytestmark = pytest.mark.xdist_group("import_steps")


@pytest.fixture(scope="module", autouse=True)
def _small_chunks() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prepare, "CHUNK", 50)
        patch.setattr(prepare, "PARALLEL_PREPARE", False)
        patch.setattr(indexing, "CATCH_UP_CHUNK", 75)
        yield


BODY = (
    "Kementerian Ketenagakerjaan bersama IOM melindungi pekerja migran Indonesia di luar "
    "negeri, kata Menteri Ketenagakerjaan di Jakarta pada hari Senin pagi.\n\n"
    "Perlindungan pekerjanya dimulai sejak sebelum berangkat hingga kembali ke tanah air."
)


def _articles(count: int, start: int = 0, tag: str = "") -> list[Article]:
    """Articles with words of their own (nomor{i}) and, every tenth, a republished version of
    the one before it (the same story)."""
    found = []
    for i in range(start, start + count):
        base = i - 1 if i % 10 == 9 else i
        body = f"{BODY}\n\nBerita nomor{base} {tag} tentang upah minimum dan kota{base % 7}."
        found.append(
            Article(
                title=f"Berita {i} pekerja migran {tag}".strip(),
                body=body,
                url=f"https://example.id/{i}",
                source="contoh",
            )
        )
    return found


def _state(library: Library) -> dict[str, Any]:
    """What the two steps decide, by URL."""
    rows = sql(library, "SELECT id, url, coalesce(story_id, id) FROM articles")
    url = {article_id: address for article_id, address, _ in rows}
    groups: dict[int, set[str]] = {}
    for _, address, story in rows:
        groups.setdefault(story, set()).add(address)
    return {
        "articles": len(rows),
        "stories": sorted(sorted(g) for g in groups.values() if len(g) > 1),
        "terms": sorted(sql(library, "SELECT term, df FROM term_stats WHERE df <> 0")),
        "topics": sorted(
            (name, url[article_id])
            for name, article_id in sql(
                library,
                "SELECT t.name, m.article_id FROM topic_articles m JOIN topics t "
                "ON t.id = m.topic_id",
            )
        ),
        "bands": sorted(
            (key, url[article_id])
            for key, article_id in sql(library, "SELECT key, article_id FROM story_bands")
        ),
        "hits": [h.url for h in library.search("pekerja migran", 50).hits],
        "pending": library.stats()["pending"],
    }


@pytest.fixture(scope="module")
def reference(_small_chunks: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a plain import of the articles leaves (on SQLite), for every test here."""
    with open_library(tmp_path_factory.mktemp("reference") / "articles.db") as library:
        library.import_articles(_articles(ARTICLES))
        state = _state(library)
    assert state["pending"] == 0
    assert state["stories"] and state["topics"] and state["bands"]
    return state


def test_a_deferred_import_is_stored_and_searchable_and_says_what_waits(
    library: Library, reference: dict[str, Any]
) -> None:
    result = library.import_articles(_articles(ARTICLES), defer=True)
    assert result.added == ARTICLES
    figures = library.stats()
    assert figures["pending"] == ARTICLES
    assert figures["pending_work"] == ["story grouping", "term statistics", "topics"]
    waiting = _state(library)
    assert waiting["hits"] == reference["hits"]  # searchable at once
    assert waiting["stories"] == [] and waiting["topics"] == [] and waiting["terms"] == []
    assert library.count() == ARTICLES
    assert library.catch_up() == ARTICLES
    assert _state(library) == reference


def test_the_next_import_finishes_what_an_earlier_one_left(
    library: Library, reference: dict[str, Any]
) -> None:
    library.import_articles(_articles(120), defer=True)
    result = library.import_articles(_articles(ARTICLES))
    assert (result.added, result.unchanged) == (ARTICLES - 120, 120)
    assert _state(library) == reference


def test_catching_up_in_any_chunk_size_ends_the_same(
    library: Library, reference: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "CATCH_UP_CHUNK", 37)
    monkeypatch.setattr(indexing, "CHUNKS_PER_TRANSACTION", 2)  # a progress report a commit
    library.import_articles(_articles(ARTICLES), defer=True)
    steps: list[tuple[int, int]] = []
    library.catch_up(lambda done, left: steps.append((done, left)))
    # The first transaction holds one chunk, the next ones two.
    assert steps[:2] == [(37, ARTICLES - 37), (111, ARTICLES - 111)]
    assert steps[-1] == (ARTICLES, 0)
    assert _state(library) == reference


@pytest.mark.parametrize("defer_first", [False, True])
def test_a_changed_article_counts_its_words_once(
    tmp_path: Path, library: Library, defer_first: bool
) -> None:
    """Changed articles (one of them twice in the same chunk) end as if only their last
    version had ever been imported, whether their first version was caught up or waiting."""
    first = _articles(30)
    changed = _articles(30, tag="diperbarui")
    library.import_articles(first, defer=defer_first)
    result = library.import_articles([*_articles(10, tag="sementara"), *changed])
    assert (result.added, result.updated) == (0, 40)
    with open_library(tmp_path / "fresh.db") as fresh:
        fresh.import_articles(changed)
        expected = _state(fresh)
    assert _state(library) == expected


def test_removing_a_waiting_article_keeps_the_counts_right(
    tmp_path: Path, library: Library
) -> None:
    library.import_articles(_articles(40), defer=True)
    assert library.purge(ids=[1, 2, 3]).removed == 3
    with open_library(tmp_path / "fresh.db") as fresh:
        fresh.import_articles(_articles(40))
        fresh.purge(ids=[1, 2, 3])
        expected = _state(fresh)
    assert _state(library) == expected


@pytest.mark.sqlite_only  # it watches SQLite's PRAGMA data_version
def test_reading_a_store_with_waiting_articles_writes_nothing(library: Library) -> None:
    library.import_articles(_articles(50), defer=True)
    with closing(sqlite3.connect(library.path)) as other:
        before = other.execute("PRAGMA data_version").fetchone()[0]
        library.search("pekerja", 20)
        library.related(1, 10)
        library.headlines(0, 50)
        library.topics()
        assert library.stats()["pending"] == 50
        assert other.execute("PRAGMA data_version").fetchone()[0] == before
