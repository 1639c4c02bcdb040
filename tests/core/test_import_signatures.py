"""An import's first step signs the articles it prepares in the helper process (their MinHash
signature, stored with the row), and its second step reads the stored signature instead of
shingling the body again; the topics of a transaction's chunks are matched together where
their queries ask the same of the index. Each must give exactly what the second step computed
from the text before (tests/core/test_minhash_chunks.py holds that reference)."""

from __future__ import annotations

from collections import Counter

import pytest

from reader.core import minhash
from reader.core.library import Library
from reader.core.models import Article
from reader.core.services import indexing, prepare
from reader.core.text import surface_string, surface_words
from tests.conftest import sql
from tests.core.test_minhash_chunks import _bodies, grouping

EDGES = [
    "",
    "\n\n",
    "satu",
    "jpnn.com, JAKARTA - Menteri datang ke pabrik hari ini.\n\nIsi berita kedua.",
    "Isi pertama.\n\nBaca juga: berita lain\n\nIsi ketiga.",
    "Isi pertama.\n\nRedaktur: Seseorang",
    "Isi pertama yang cukup panjang.\n\nIsi terakhir. (ant)",
    "Hanya satu paragraf dengan tanda (jpnn)",
    "\n\nAwal kosong.\n\n\n\nTengah kosong.\n\n",
    "Kata \uff9e sendiri.\n\n\uff9e",
    "\uff9e\n\nlalu kata biasa di sini",
    "Éléphant café naïve\n\ndeuxième paragraphe, ﷺ kata",
    "!!!\n\n???",
]


def test_the_words_of_the_first_steps_surface_strings_are_the_shingle_words() -> None:
    bodies = [body for _, _, body in _bodies()] + EDGES
    for body in bodies:
        lead, _, rest = body.partition("\n\n")
        found = minhash.body_shingle_words(body, surface_string(lead), surface_string(rest))
        # What step two computes from the paragraphs (the edge "\uff9e", a word that folds to
        # nothing, is why it is not surface_words(clean_for_shingles(body)) exactly).
        paragraphs = body.split("\n\n")
        expected = minhash.shingle_words(paragraphs, [surface_string(p) for p in paragraphs])
        assert found == expected, body[:80]
        if "\uff9e" not in body:
            assert found == surface_words(minhash.clean_for_shingles(body)), body[:80]


def test_a_signed_chunk_holds_the_signature_step_two_would_compute() -> None:
    rows = _bodies()
    articles = [Article(title=title, body=body) for _, title, body in rows]
    chunk = prepare.signed_chunk(list(articles))
    plain = prepare.prepare_chunk([Article(title=title, body=body) for _, title, body in rows])
    signed = [item for item in chunk.items if isinstance(item, prepare.Prepared)]
    assert len(signed) == len(plain.items) > 100
    for (article_id, _, _), item in zip(rows, signed, strict=True):
        expected = grouping(article_id, item.article.title, item.article.body)
        assert item.signature == (expected.signature if expected.bands is not None else b"")
    assert any(not item.signature for item in signed)  # a body without shingles is left
    assert chunk.words == plain.words
    # Crossing over from the helper process keeps it.
    import pickle

    back = pickle.loads(pickle.dumps(chunk))
    assert [p.signature for p in back.items if isinstance(p, prepare.Prepared)] == [
        p.signature for p in signed
    ]


def test_step_two_reads_a_stored_signature_as_it_would_compute_it() -> None:
    rows = _bodies()
    by_text = indexing.grouped_chunk(rows)
    no_shingles = b"\xff" * (minhash.PERMUTATIONS * 4)
    stored = []
    for (article_id, title, body), found in zip(rows, by_text[0], strict=True):
        # What a row may hold: the first step's signature, none (b""), or an earlier
        # catch-up's signature of a body without shingles.
        if found.bands is None:
            stored.append((article_id, title, body, no_shingles if article_id % 2 else b""))
        else:
            stored.append((article_id, title, body, found.signature if article_id % 3 else b""))
    read = indexing.grouped_chunk(stored)
    assert read == by_text
    assert isinstance(read[1], Counter)


@pytest.fixture(autouse=True)
def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)


def _article(i: int, body: str) -> Article:
    return Article(title=f"Kabar {i}", body=body, url=f"https://example.id/{i}", source="contoh")


def _topics(library: Library) -> list[tuple[int, int]]:
    return sorted(sql(library, "SELECT topic_id, article_id FROM topic_articles"))


def test_topics_matched_by_transaction_are_those_matched_by_chunk(
    library: Library, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A topic whose word may end in -nya asks the index for its stem only once the stem is a
    word of the store: its chunks are matched apart when the stem arrives between them."""
    from reader.core.library import open_library

    # Chunks of 3 in transactions of 1, 2, then 4 chunks: "gaji" is first counted in the
    # second chunk (ids 13-15) of the third transaction (ids 10-21).
    articles = [_article(i, f"Cerita biasa nomor {i} tentang kota.") for i in range(1, 7)]
    articles += [_article(7, "Soal gajinya belum dibayar perusahaan.")]
    articles += [_article(i, f"Cerita lain nomor {i} soal jalan.") for i in range(8, 13)]
    articles += [_article(13, "Gaji buruh naik tahun ini."), _article(14, "Gajinya naik lagi.")]
    articles += [_article(i, f"Berita ke {i} soal gaji guru.") for i in range(15, 19)]

    def run(store: Library, per_transaction: int) -> list[tuple[int, int]]:
        monkeypatch.setattr(indexing, "CATCH_UP_CHUNK", 3)
        monkeypatch.setattr(indexing, "CHUNKS_PER_TRANSACTION", per_transaction)
        store.add_topic("Gajinya", "gajinya")
        store.import_articles(articles, defer=True)
        store.catch_up()
        return _topics(store)

    plans: list[object] = []
    original = indexing.Indexer._catch_up_batch

    def recording(self: indexing.Indexer, chunks: list[list[int]], *args: object) -> None:
        assert self.topics is not None
        wrapped = self.topics.match_arrived

        def match(arrivals: list[tuple[list[int], list[tuple[int, object]]]]) -> None:
            plans.extend(plan for _, plan in arrivals)
            wrapped(arrivals)  # type: ignore[arg-type]

        self.topics.match_arrived = match  # type: ignore[method-assign]
        try:
            original(self, chunks, *args)  # type: ignore[arg-type]
        finally:
            del self.topics.match_arrived

    with open_library(tmp_path / "by-chunk.db") as by_chunk:  # type: ignore[operator]
        expected = run(by_chunk, 1)
    monkeypatch.setattr(indexing.Indexer, "_catch_up_batch", recording)
    assert run(library, 8) == expected
    assert len(set(map(repr, plans))) > 1  # the stem arrived between two chunks
    topic = {t.name: t.id for t in library.topics()}["Gajinya"]
    assert {article_id for topic_id, article_id in expected if topic_id == topic} == {
        7,
        *range(13, 19),
    }


def test_a_range_of_ids_matches_as_the_same_ids_in_batches(library: Library) -> None:
    # Stored and searchable is what this asks of the import (defer: the stories of these
    # 1,299 near-duplicates, most of the import's time, are left for a catch-up never run).
    library.import_articles(
        [
            _article(i, f"Upah minimum naik di kota {i}." if i % 3 else "Cuaca cerah.")
            for i in range(1, 1300)
        ],
        defer=True,
    )
    assert library.stats()["articles"] == 1299
    searcher = library._searcher
    strict = searcher.strict("upah")
    ids = list(range(1, 1300))
    assert sorted(searcher.matching_strict(strict, ids)) == sorted(
        found
        for start in range(0, 1300, 7)
        for found in searcher.matching_strict(strict, ids[start : start + 7])
    )
    scattered = [*ids[::2], 5000]
    assert sorted(searcher.matching_strict(strict, scattered)) == [
        i for i in scattered if i % 3 and i < 1300
    ]
    assert searcher.matching_strict(strict, []) == []
    assert searcher.matching_strict(None, ids) == []


def test_the_first_ids_of_each_band_lowest_first(library: Library) -> None:
    bands = library._storage.stories
    with library._storage.transaction():
        bands.add_each([(7, i) for i in range(50, 0, -1)] + [(3, 9), (3, 4), (11, 2)])
    found = bands.first_in_each([7, 3, 99, 7, 11], 30)
    assert found == {7: list(range(1, 31)), 3: [4, 9], 11: [2]}
    assert bands.first_in_each([7], 0) == {}
