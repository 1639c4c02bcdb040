"""Beside an import, the second step takes the word counts the first step made as it prepared
each chunk (Indexer._write_chunk sends them with the chunk's new ids) instead of reading the
articles' text and counting again. What it stores must be what the second step after the
first stores: every story, signature, band, word count and topic place, whether the chunks of
the two steps line up, one holds two of the other, or they do not line up at all (then it
counts as before)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Library, open_library
from reader.core.models import Article
from reader.core.services import indexing, prepare
from tests.conftest import sql

DAY = "2024-02-01T08:00:00+00:00"
LEAD = "Kementerian Ketenagakerjaan melindungi pekerja migran, kata Menteri di Jakarta."
STATE = (
    "SELECT id, story_id, minhash FROM articles ORDER BY id",
    "SELECT key, article_id FROM story_bands ORDER BY key, article_id",
    "SELECT term, df FROM term_stats WHERE df != 0 ORDER BY term",
    "SELECT topic_id, article_id, sort_key FROM topic_articles ORDER BY topic_id, article_id",
    "SELECT count(*) FROM pending_articles",
)


def _articles() -> list[Article]:
    """Articles of their own, near-duplicates of earlier ones, words that topics match, and
    a body without words (no shingles: no bands)."""
    found = []
    for i in range(60):
        words = " ".join(f"kata{i % 23}x{j}" for j in range(10))
        source = i - 13 if i % 13 == 5 and i > 13 else i  # repeats the body of 13 before
        body = f"{LEAD}\n\nBerita nomor{source} tentang upah minimum {words}.\n\nPHK buruh."
        found.append(
            Article(
                title=f"Berita {i} pekerja",
                body=body,
                url=f"https://ex.id/{i}",
                published_at=f"2024-01-{i % 28 + 1:02d}T08:00:00+00:00",
            )
        )
    found.append(
        Article(title="Tanpa kata", body="... !!!", url="https://ex.id/x", published_at=DAY)
    )
    return found


def _state(library: Library) -> list[list[Any]]:
    return [sql(library, query) for query in STATE]


@pytest.fixture(scope="module")
def apart(tmp_path_factory: pytest.TempPathFactory) -> list[list[Any]]:
    """What the second step after the first stores, made once for the six cases (on one
    worker: xdist_group below): chunks of 10 for either step, as the first case has them.
    What is stored does not depend on how the steps chunk the articles or where the
    signatures are made (test_catch_up_chunks.py, test_import_signatures.py), so each case's
    own settings would store the same (each made it for itself before, ~0.05 s of CPU)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(prepare, "CHUNK", 10)
        monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)
        monkeypatch.setattr(indexing, "CATCH_UP_CHUNK", 10)
        monkeypatch.setattr(indexing, "CHUNKS_PER_TRANSACTION", 2)
        path = tmp_path_factory.mktemp("apart") / "articles.db"
        with open_library(path) as library:
            library.import_articles(_articles())
            return _state(library)


@pytest.mark.xdist_group("import_counts")
@pytest.mark.sqlite_only  # the process beside an import runs on a SQLite store only
@pytest.mark.parametrize("signed", [True, False])  # signatures made by step one, or not
@pytest.mark.parametrize("catch_up_chunk", [10, 20, 7])  # lined up, two in one, not lined up
def test_counts_sent_beside_the_import_store_what_counting_again_stores(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    apart: list[list[Any]],
    signed: bool,
    catch_up_chunk: int,
) -> None:
    monkeypatch.setattr(prepare, "CHUNK", 10)
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)
    monkeypatch.setattr(indexing, "CATCH_UP_CHUNK", catch_up_chunk)
    monkeypatch.setattr(indexing, "CHUNKS_PER_TRANSACTION", 2)
    if signed:  # as the helper process prepares chunks (here, in this process)
        monkeypatch.setattr(
            indexing,
            "prepared_chunks",
            lambda items: map(prepare.signed_chunk, prepare._chunks(items, prepare.CHUNK)),
        )
    expected = apart

    counted: list[bool] = []  # for each chunk the second step groups: were its counts sent?
    real = indexing.grouped_chunk

    def grouped(rows: Any, words: Counter[str] | None = None) -> Any:
        counted.append(words is not None)
        return real(rows, words)

    monkeypatch.setattr(indexing, "grouped_chunk", grouped)
    read_texts: list[int] = []
    with open_library(tmp_path / "beside.db") as library:
        indexer = library._indexer
        sent: list[object] = []
        write_chunk = indexer._write_chunk

        def write_and_send(*args: Any, **kwargs: Any) -> None:
            write_chunk(*args, **kwargs)
            sent.append(indexer._fresh or True)  # what _write_chunk sends the process beside

        monkeypatch.setattr(indexer, "_write_chunk", write_and_send)
        library.import_articles(_articles(), defer=True)
        assert library.stats()["pending"] == len(_articles())
        pending_texts: Callable[[list[int]], Any] = indexer.articles.pending_texts

        def texts_read(ids: list[int]) -> Any:
            read_texts.extend(ids)
            return pending_texts(ids)

        monkeypatch.setattr(indexer.articles, "pending_texts", texts_read)
        # The second step as the process beside runs it, told of every chunk at once.
        indexer.catch_up_beside((catch_up_chunk, 2), lambda wait: [*sent, None], lambda: False)
        assert _state(library) == expected
    assert expected[-1] == [(0,)]
    assert any(story is not None for _, story, _ in expected[0])  # near-duplicates grouped
    assert expected[3]  # and topics matched
    if catch_up_chunk == 7:
        assert not any(counted)  # no chunk of 7 is made of whole chunks of 10
        assert len(read_texts) == len(_articles())
    else:
        assert all(counted)  # every chunk of the second step took its counts...
        assert not read_texts  # ...and read the text only where no signature was stored
