"""The second step of an import does a chunk of waiting articles with a few statements (the
bands of the whole chunk read at once, and those of a transaction's chunks written at its
end): it must decide exactly what the articles arriving one at a time decide. Each case is
caught up one article per transaction (each article's story looked up after the one before
it is stored) and then in chunks and transactions of other sizes, and every candidate each
article was compared with, every story, band, signature, word count and topic place must be
the same."""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Library, open_library
from reader.core.models import Article
from reader.core.services import indexing, prepare
from tests.conftest import built_once, sql

LEAD = (
    "Kementerian Ketenagakerjaan bersama IOM melindungi pekerja migran Indonesia di luar "
    "negeri, kata Menteri Ketenagakerjaan di Jakarta pada hari Senin pagi."
)
SAME = 32  # articles of one identical body: more in each of its bands than a lookup reads (30)


@pytest.fixture(autouse=True)
def _in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare, "CHUNK", 40)
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)


def _article(i: int, body: str, tag: str = "") -> Article:
    return Article(
        title=f"Berita {i} pekerja migran {tag}".strip(),
        body=body,
        url=f"https://example.id/{i}",
        source="contoh",
    )


def _distinct(i: int) -> str:
    words = " ".join(f"kata{i}x{j}" for j in range(12))
    return f"{LEAD}\n\nBerita nomor{i} tentang upah minimum {words} di kota{i % 7}."


def _first_import() -> list[Article]:
    """Articles of their own; pairs and a chain of near-duplicates next to each other (in one
    chunk); and SAME articles of one body, so its bands hold more than PER_BAND."""
    found = [_article(i, _distinct(i)) for i in range(30)]
    found += [_article(i, _distinct(i - i % 2)) for i in range(30, 40)]  # pairs: 31 repeats 30
    shared = f"{LEAD}\n\nSatu cerita yang sama dimuat ulang oleh banyak situs berita daerah."
    found += [_article(i, shared) for i in range(40, 40 + SAME)]
    found.append(_article(85, f"{shared} Ditambah satu kalimat."))  # most of their bands
    chain = "Upah minimum provinsi naik tahun depan menurut dewan pengupahan daerah setempat"
    found += [
        _article(i, f"{LEAD}\n\n{chain} {' '.join(f'tambahan{k}' for k in range(i - 90))}")
        for i in range(90, 100)
    ]
    return found


def _second_import() -> list[Article]:
    """Updates of articles already caught up (low ids: they wait again behind higher ids that
    are done), new near-duplicates of stored ones, and new articles of their own."""
    shared = f"{LEAD}\n\nSatu cerita yang sama dimuat ulang oleh banyak situs berita daerah."
    found = [_article(i, shared, "diperbarui") for i in (41, 44, 70)]
    found += [_article(i, _distinct(i - 100), "diperbarui") for i in (3, 31)]
    found += [_article(i, _distinct(i - 100)) for i in range(100, 110)]
    found += [_article(i, shared) for i in range(110, 115)]
    found += [_article(i, _distinct(i)) for i in range(115, 125)]
    # The body of 85, which its bands shared with the 45 articles before it do not list.
    found.append(_article(125, f"{shared} Ditambah satu kalimat."))
    return found


def _pending_again() -> list[Article]:
    """Articles changed again while they wait (and one changed back to a body of its own)."""
    return [_article(44, _distinct(44), "lagi"), _article(112, _distinct(5), "lagi")]


def _record_lookups(monkeypatch: pytest.MonkeyPatch, calls: list[tuple[str, list[Any]]]) -> None:
    """Each story lookup from here on goes in `calls`: (the article's id, its candidates'
    (id, story))."""
    original = indexing.Indexer._find_story

    def recording(
        self: indexing.Indexer, signature: bytes, article_id: int, rows: list[Any]
    ) -> int | None:
        calls.append((str(article_id), [(row[0], row[1]) for row in rows]))
        return original(self, signature, article_id, rows)

    monkeypatch.setattr(indexing.Indexer, "_find_story", recording)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, list[Any]]]]:
    """Each story lookup: (the article's URL, its candidates' (id, story))."""
    calls: list[tuple[str, list[Any]]] = []
    _record_lookups(monkeypatch, calls)
    yield calls


def _run(
    library: Library, chunk: int, per_transaction: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "CATCH_UP_CHUNK", chunk)
    monkeypatch.setattr(indexing, "CHUNKS_PER_TRANSACTION", per_transaction)
    library.import_articles(_first_import())
    library.import_articles(_second_import(), defer=True)
    library.import_articles(_pending_again(), defer=True)
    assert library.stats()["pending"] > 20
    library.catch_up()


def _state(library: Library, calls: list[tuple[str, list[Any]]]) -> dict[str, Any]:
    rows = sql(library, "SELECT id, url, story_id, minhash FROM articles")
    url = {row[0]: row[1] for row in rows}
    return {
        "stories": sorted((row[1], url.get(row[2])) for row in rows),
        "signatures": sorted((row[1], bytes(row[3])) for row in rows),
        "bands": sorted(
            (key, url[article_id])
            for key, article_id in sql(library, "SELECT key, article_id FROM story_bands")
        ),
        "terms": sorted(sql(library, "SELECT term, df FROM term_stats WHERE df <> 0")),
        "topics": sorted(
            (topic, url[article_id])
            for topic, article_id in sql(library, "SELECT topic_id, article_id FROM topic_articles")
        ),
        "candidates": [
            (url[int(article_id)], [(url[other], url.get(story)) for other, story in rows])
            for article_id, rows in calls
        ],
        "pending": library.stats()["pending"],
    }


@pytest.fixture(scope="session")
def one_at_a_time(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What catching up one article per transaction decides (each article stored before the
    next looks), on a SQLite store: the reference of every case on either backend. Made once
    for the run (tests/conftest.py: built_once) instead of once per case: it is the same
    store each time, the same import with the same settings."""

    def build(folder: Path) -> str:
        calls: list[tuple[str, list[Any]]] = []
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setattr(prepare, "CHUNK", 40)
            monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)
            _record_lookups(monkeypatch, calls)
            with open_library(folder / "one-by-one.db") as one_by_one:
                _run(one_by_one, 1, 1, monkeypatch)
                state = _state(one_by_one, calls)
        (folder / "state.pickle").write_bytes(pickle.dumps(state))
        return str(folder / "state.pickle")

    made = built_once(tmp_path_factory, "catch-up-one-at-a-time", build)
    state: dict[str, Any] = pickle.loads(Path(made).read_bytes())
    return state


@pytest.mark.parametrize(
    ("chunk", "per_transaction"),
    [(500, 8), (7, 3), (1, 8)],  # one chunk; chunks and transactions of several; articles alone
)
def test_a_chunk_decides_what_articles_one_at_a_time_decide(
    library: Library,
    one_at_a_time: dict[str, Any],
    compared: list[tuple[str, list[Any]]],
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
    per_transaction: int,
) -> None:
    expected = one_at_a_time
    _run(library, chunk, per_transaction, monkeypatch)
    assert _state(library, compared) == expected
    assert expected["pending"] == 0
    # The cases are there: near-duplicates caught up in one chunk share a story, a band held
    # more than a lookup reads, and lookups compared articles with earlier ones of their chunk.
    stories = dict(expected["stories"])
    assert stories["https://example.id/33"] == "https://example.id/32"
    assert stories["https://example.id/31"] is None  # changed: a body of its own now
    assert stories["https://example.id/99"] == "https://example.id/90"  # a chain, one chunk
    assert stories["https://example.id/41"] == "https://example.id/40"  # waiting behind done ones
    assert stories["https://example.id/44"] is None  # changed again while it waited
    assert stories["https://example.id/112"] == "https://example.id/5"
    assert stories["https://example.id/101"] == "https://example.id/1"
    assert stories["https://example.id/113"] == "https://example.id/40"
    assert max(len(rows) for _, rows in expected["candidates"]) == indexing.STORY_CANDIDATES
    per_band = sql(library, "SELECT count(*) FROM story_bands GROUP BY key")
    assert max(row[0] for row in per_band) > indexing.PER_BAND


def _beside_state(library: Library) -> dict[str, Any]:
    state = _state(library, [])
    del state["candidates"]  # looked up in the other process, not recorded here
    return state


@pytest.mark.sqlite_only  # a store file: PostgreSQL's import catches up after, as without it
def test_catching_up_beside_the_import_decides_what_it_decides_after(
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The second step in a process of its own while the first writes (`beside`) ends where
    the second step after the first ends: with an import of new articles only, and with one
    whose later chunks update articles the other process has already caught up (it is
    stopped and what it did goes back to the pending articles)."""
    monkeypatch.setattr(prepare, "CHUNK", 10)
    monkeypatch.setattr(indexing, "CATCH_UP_CHUNK", 7)
    monkeypatch.setattr(indexing, "CHUNKS_PER_TRANSACTION", 2)
    items = [*_first_import(), *_second_import()]  # 41, 44, 70 changed after new ones
    # The reference prepares its chunks in this process (as the other cases do): where a chunk
    # is prepared does not change what is stored, and each helper process costs a start.
    with open_library(tmp_path / "after.db") as after:
        after.import_articles(_first_import()[:50])
        after.import_articles(items)
        after.import_articles(_pending_again())
        expected = _beside_state(after)
    assert expected["pending"] == 0
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", True)  # or no process beside
    # Step one's chunks are prepared in this process the way its helper process prepares them
    # (signed_chunk): two helper processes fewer (~0.25 s of CPU each to start), and the
    # process beside reads the signatures stored with them, as it does after a helper.
    monkeypatch.setattr(prepare, "shared", lambda chunks, work, here=None: map(work, chunks))

    waited: list[int] = []

    def wait_for_the_other_process(so_far: Any) -> None:
        """Before the chunk with the first update: the other process has caught up what it
        takes (whole transactions of 2 chunks of 7 while the import goes on)."""
        if so_far.added >= 30 and not so_far.updated and not waited:
            for _ in range(600):
                if library.stats()["pending"] <= so_far.added % 14:
                    waited.append(so_far.added)
                    return
                time.sleep(0.05)

    caplog.set_level(logging.WARNING, logger=indexing.__name__)
    library.import_articles(_first_import()[:50], beside=True)  # new articles only
    assert library.stats()["pending"] == 0
    library.import_articles(items, wait_for_the_other_process, beside=True)
    library.import_articles(_pending_again(), beside=True)  # updates at once
    assert waited == [30], "the other process caught up the new articles before the update"
    assert _beside_state(library) == expected
    # The other process ended well each time: had it failed, the import here would have
    # caught up what it left (the same state), and said so.
    assert not [r.getMessage() for r in caplog.records if "process failed" in r.getMessage()]
