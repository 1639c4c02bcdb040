"""The stem columns' words are held with a mark (reader/core/db/fts.py, STEM_MARK): a store
indexed before it is rebuilt once on opening, and searches the same as before; a read-only one
not rebuilt yet is searched as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.db import connection
from reader.core.db.fts import STEM_MARK, render
from reader.core.db.schema import MIGRATIONS
from reader.core.db.sqlite import sqlite3
from reader.core.library import open_library
from reader.core.models import Article
from reader.core.terms import AnyOf, Phrase
from tests.conftest import rewrite_fts_rows, sql

ARTICLES = [
    Article("Pekerja migran pulang", "Para pekerja migran tiba di Jakarta.\n\nMereka lega."),
    Article("Kisah buruh pabrik", "Pekerjanya menuntut upah.\n\nPekerjaannya berat sekali."),
    Article("Anak-anak bermain", "Anak-anak bermain bola di lapangan.\n\nAnak itu senang."),
    Article("Pekerja di pelabuhan", "Pekerja pelabuhan mogok.\n\nPekerjanya menunggu gaji."),
]
QUERIES = ["pekerja", "pekerja migran", "pekerj*", "anak-anak", "title:pekerja", "upah -migran"]


def _store(path: Path) -> dict[str, list[tuple[int, float]]]:
    """A store of ARTICLES; what each of QUERIES finds there (id, score)."""
    with open_library(path) as library:
        library.import_articles(ARTICLES)
        return {q: [(h.id, h.score) for h in library.search(q, 20).hits] for q in QUERIES}


def _unmark(path: Path, version: int, flag: str | None) -> None:
    """Index the store as a version before the mark did (stems as plain words, no
    reduplication tokens), at schema `version`, with meta `stems_marked` and `redups_joined`
    set to `flag` (None: absent)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    rewrite_fts_rows(conn, lambda values: values[:6])
    conn.execute("DELETE FROM meta WHERE key IN ('stems_marked', 'redups_joined')")
    if flag is not None:
        for key in ("stems_marked", "redups_joined"):
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, flag))
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()


def _terms(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT term, doc FROM articles_vocab").fetchall())
    finally:
        conn.close()


def test_a_new_store_indexes_stems_with_the_mark(tmp_path):
    path = tmp_path / "new.db"
    _store(path)
    terms = _terms(path)
    # "pekerja" stands in two articles' text; "pekerjanya" adds it as a stem to a third
    assert terms["pekerja"] == 2
    assert terms[STEM_MARK + "pekerja"] == 2  # the buruh article, and the pelabuhan one's lead
    assert not any(STEM_MARK in t for t in ("pekerjanya", "anak"))


def test_an_index_from_before_the_mark_is_rebuilt_and_searches_the_same(tmp_path):
    path = tmp_path / "old.db"
    before = _store(path)
    assert [i for i, _ in before["pekerja"]] and len(before["pekerja"]) == 3
    _unmark(path, len(MIGRATIONS) - 2, None)  # the store as the version before wrote it
    assert STEM_MARK + "pekerja" not in _terms(path) and _terms(path)["pekerja"] == 3
    with open_library(path) as library:
        assert sql(library, "SELECT value FROM meta WHERE key = 'stems_marked'").fetchone() == (
            "1",
        )
        after = {q: [(h.id, h.score) for h in library.search(q, 20).hits] for q in QUERIES}
        assert after == before
        # rows written with the mark can be taken out again: the index stays whole
        assert library.purge(ids=[2]).removed == 1
        conn = sqlite3.connect(path)
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        conn.close()
        assert sorted(h.id for h in library.search("pekerja", 20).hits) == [1, 4]
    assert STEM_MARK + "pekerja" in _terms(path) and _terms(path)["pekerja"] == 2


def test_a_store_left_half_way_is_rebuilt_on_its_next_opening(tmp_path):
    path = tmp_path / "half.db"
    before = _store(path)
    _unmark(path, len(MIGRATIONS), "0")  # migrated, the rebuild killed before its commit
    with open_library(path) as library:
        assert {q: [(h.id, h.score) for h in library.search(q, 20).hits] for q in QUERIES} == (
            before
        )
    assert _terms(path)[STEM_MARK + "pekerja"] == 2


def test_a_read_only_store_not_rebuilt_yet_is_searched_as_it_is(tmp_path, monkeypatch):
    path = tmp_path / "ro.db"
    before = _store(path)
    _unmark(path, len(MIGRATIONS), "0")
    monkeypatch.setattr(connection, "why_read_only", lambda _: "a test says so")
    with open_library(path) as library:
        assert library.read_only
        found = {q: [(h.id, h.score) for h in library.search(q, 20).hits] for q in QUERIES}
    # The same hits; scores within a few percent, since the index without reduplication
    # tokens (test_reduplication.py) has articles a token shorter.
    assert {q: [i for i, _ in hits] for q, hits in found.items()} == {
        q: [i for i, _ in hits] for q, hits in before.items()
    }
    for query, hits in found.items():
        assert [s for _, s in hits] == pytest.approx([s for _, s in before[query]], rel=0.03)
    assert STEM_MARK + "pekerja" not in _terms(path)  # nothing written


def test_render_reads_each_word_once_with_the_mark():
    either = AnyOf((Phrase(("kerja",), "text"), Phrase(("kerja",), "stems")))
    assert render(either) == f'("kerja" OR "{STEM_MARK}kerja")'
    assert render(either, marked=False) == (
        '({title lead body} : "kerja" OR {title_x lead_x body_x} : "kerja")'
    )
    titled = AnyOf((Phrase(("kerja",), "title", prefix=True), Phrase(("kerja",), "title_stems")))
    assert render(titled) == f'({{title}} : "kerja" * OR {{title_x}} : "{STEM_MARK}kerja")'


@pytest.mark.parametrize("word", ['ke"rja', "kerja*"])
def test_render_quotes_every_word(word):
    assert render(Phrase((word,), "stems")) == '"' + STEM_MARK + word.replace('"', '""') + '"'
