"""An import's first step writes a chunk's new articles together (Articles.insert_many, one
executemany on SQLite with the ids written out) and their full-text rows together
(TextIndex.add_many). The store must be the one that writing them one at a time gives: the same
ids (after the newest articles were removed too), the same rows, index and links, whatever a
chunk mixes (a URL met twice, an update, an unchanged article, headlines, no URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.core.db import articles as articles_module
from reader.core.library import Library, open_library
from reader.core.models import Article, RelatedHeadline
from reader.core.services import prepare
from tests.conftest import sql

_ARTICLE_COLUMNS = (
    "id, url, source, dateline, title, title_key, published_at, published_raw, sort_key, "
    "category, content_hash, story_id, origin, index_extra, minhash, body"
)
BODY = "Pekerja migran Indonesia dilindungi sejak sebelum berangkat, kata menteri.\n\nIsi {n}."


def _article(n: int, *, url: bool = True, version: int = 0, related: bool = False) -> Article:
    return Article(
        title=f"Berita {n} pekerja migran",
        body=BODY.format(n=n) + (f" Versi {version}." if version else ""),
        url=f"https://example.id/{n}" if url else None,
        source="contoh",
        published_at=f"2024-01-{1 + n % 28:02d}T08:00:00+07:00",
        related=[RelatedHeadline(f"Berita {n + 1} pekerja migran", None)] if related else [],
    )


def _batches() -> list[list[Article]]:
    first = [_article(n, related=n % 4 == 0) for n in range(12)] + [_article(90, url=False)]
    second = [
        _article(12),
        _article(3, version=1),  # an update between new articles
        _article(13),
        _article(14),
        _article(14, version=2),  # the same URL again in the chunk, changed
        _article(5),  # unchanged
        _article(90, url=False, version=1),  # no URL: found by title and source
        _article(15, related=True),
        _article(16, url=False),
    ]
    return [first, second]


def _store(path: Path) -> dict[str, Any]:
    with open_library(path) as library:
        first, second = _batches()
        library.import_articles(first, defer=True)
        library.purge(ids=(5, 12, 13))  # the newest two among them: their ids are free again
        result = library.import_articles(second, defer=True)
        return {
            "result": (result.added, result.updated, result.unchanged, len(result.failed)),
            "tables": _tables(library),
            "hits": [(h.id, h.url) for h in library.search("pekerja migran", 50).hits],
        }


def _tables(library: Library) -> dict[str, list[Any]]:
    names = [
        "articles",
        "articles_fts_data",
        "articles_fts_idx",
        "articles_fts_docsize",
        "related_links",
        "pending_articles",
    ]
    columns = {"articles": _ARTICLE_COLUMNS}  # all but imported_at, the time of the import
    return {
        name: sorted(sql(library, f"SELECT {columns.get(name, '*')} FROM {name}")) for name in names
    }


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare, "CHUNK", 5)
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)


def test_batched_writes_give_the_store_that_one_at_a_time_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batched = _store(tmp_path / "batched.db")

    def one_at_a_time(self, records, imported_at):  # type: ignore[no-untyped-def]
        return [self.insert(record, imported_at) for record in records]  # as on PostgreSQL

    monkeypatch.setattr(articles_module.Articles, "insert_many", one_at_a_time)
    one_by_one = _store(tmp_path / "one-by-one.db")
    assert batched == one_by_one
    assert batched["result"] == (6, 2, 1, 0)
    ids = [row[0] for row in batched["tables"]["articles"]]
    assert 5 not in ids and 12 in ids and 13 in ids  # the newest ids freed were taken again


def test_insert_many_gives_the_ids_insert_gives(tmp_path: Path) -> None:
    with open_library(tmp_path / "ids.db") as library:
        library.import_articles([_article(n) for n in range(4)], defer=True)
        library.purge(ids=(4,))
        library.import_articles([_article(n) for n in range(4, 7)], defer=True)
        rows = sql(library, "SELECT id, url FROM articles ORDER BY id")
    # Article 3 had id 4: the next new article takes 4 again, as SQLite gives it.
    assert rows == [(n + 1 if n < 3 else n, f"https://example.id/{n}") for n in (0, 1, 2, 4, 5, 6)]
