"""A reduplication whose parts are one word (anak-anak) is indexed, besides its two words, as one
token of its own (reader.core.text.REDUP_MARK): a query "anak-anak" looks for that token instead
of the phrase "anak anak", and a query "anak" still finds the word. A store indexed before is
rebuilt once on opening; a rebuild killed half-way is done again on the next opening."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.db import connection
from reader.core.db.fts import index_row, render
from reader.core.db.sqlite import sqlite3
from reader.core.library import Library, open_library
from reader.core.models import Article
from reader.core.terms import AnyOf, Phrase
from reader.core.text import (
    REDUP_MARK,
    is_reduplication,
    reduplications,
    stored_index_values,
    word_groups,
)
from tests import pg
from tests.conftest import empty_pg_built, index_vocabulary, rewrite_fts_rows, sql

ARTICLES = [
    Article("Anak-anak bermain bola", "Anak-anak bermain bola di lapangan.\n\nAnak itu senang."),
    Article(
        "Sekolah dasar dibuka",
        "Murid sekolah belajar membaca.\n\nAnak-anak dan orang-orang tua datang pagi.",
    ),
    Article("Anak petani", "Seorang anak petani pergi ke sekolah.\n\nIa anak yang rajin."),
    Article("Kupu-kupu di taman", "Kupu-kupu terbang. Sehari-hari ramai.\n\nAnak anak melihatnya."),
    Article("Pasar pagi", "Pedagang menjual sayur.\n\nPembeli datang pagi."),
]
QUERIES = [
    "anak-anak",
    "anak",
    "kupu-kupu",
    "title:anak-anak",
    "orang-orang tua",
    "sekolah -anak-anak",
    "sehari-hari",
    '"anak anak"',
]
R = REDUP_MARK


def _found(library: Library) -> dict[str, list[tuple[int, float]]]:
    return {q: [(h.id, h.score) for h in library.search(q, 20).hits] for q in QUERIES}


@pytest.fixture
def store(backend: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Where a store of ARTICLES is: a file, or a PostgreSQL database's URL (lent by the pool:
    a migrated empty store, as a new one is after its first opening; a blank database
    migrated here cost the server ~130 ms of CPU more)."""
    template = empty_pg_built(tmp_path_factory) if backend == "postgres" else ""
    if template:
        name = pg.lend(template)
        target = pg.database_url(name)
    else:
        name, target = "", str(tmp_path / "redup.db")
    with open_library(target) as library:
        library.import_articles([Article(a.title, a.body) for a in ARTICLES])
    yield target
    if name:
        pg.close_connections()
        pg.give_back(name, template)


def _as_before(target: str) -> None:
    """Index the store as the version before the reduplication tokens did, its flag set."""
    if "://" in target:
        import psycopg

        from reader.core.db.postgres.text_index import tsvector

        with psycopg.connect(target, autocommit=True) as conn, conn.transaction():
            rows = conn.execute("SELECT id, title, body, index_extra FROM articles").fetchall()
            for i, title, body, extra in rows:
                values = stored_index_values(title, body, extra)
                conn.execute(
                    "UPDATE articles_fts SET doc = CAST(%s AS tsvector) WHERE id = %s",
                    (tsvector(values[:3]), i),
                )
            conn.execute("INSERT INTO meta (key, value) VALUES ('redups_joined', '0')")
        return
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("BEGIN")
    rewrite_fts_rows(conn, lambda values: index_row(values[:6]))
    conn.execute("INSERT INTO meta (key, value) VALUES ('redups_joined', '0')")
    conn.execute("COMMIT")
    conn.close()


def _tokens(library: Library) -> dict[str, tuple[int, int]]:
    """The reduplication tokens of the index: (articles, occurrences) of each."""
    return {row[0]: (row[1], row[2]) for row in index_vocabulary(library) if R in row[0]}


def _flag(target: str) -> str:
    """meta `redups_joined`, read without opening the store (which would rebuild it)."""
    if "://" in target:
        import psycopg

        with psycopg.connect(target) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'redups_joined'").fetchone()
    else:
        conn = sqlite3.connect(target)
        row = conn.execute("SELECT value FROM meta WHERE key = 'redups_joined'").fetchone()
        conn.close()
    return str(row[0])


def _whole(target: str) -> None:
    if "://" not in target:
        conn = sqlite3.connect(target)
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        conn.close()


def test_a_reduplication_is_a_word_said_twice_with_its_hyphen():
    text = "Anak-anak, KUPU-kupu dan sehari-hari; anak-anaknya ibu-ibu-ibu x_orang-orang Café-cafe"
    assert reduplications(text) == f"{R}anak {R}kupu {R}orang {R}cafe"
    assert reduplications("anak anak, anak - anak") == ""
    assert is_reduplication(("anak", "anak")) and not is_reduplication(("sehari", "hari"))
    assert not is_reduplication(("ibu", "ibu", "ibu")) and not is_reduplication(("anak",))


def test_the_tokens_are_the_reduplications_among_the_tokenizers_word_groups():
    """reduplications() visits the hyphens alone; it finds what word_groups() would."""
    rng = random.Random(12)
    letters = ["a", "A", "b", "-", "-", " ", "_", "é", "E\u0301", "1", ".", "ß"]
    for _ in range(20000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 12)))
        groups = [g.parts for g in word_groups(text) if is_reduplication(g.parts)]
        assert reduplications(text) == " ".join(R + parts[0] for parts in groups), text


def test_a_reduplication_query_reads_its_token():
    word = Phrase(("anak", "anak"), "text", joined=True)
    assert render(word) == f'"{R}anak"'
    assert render(word, joined=False) == '"anak anak"'  # an index without the tokens
    assert render(Phrase(("anak", "anak"), "title", joined=True)) == f'{{title}} : "{R}anak"'
    either = AnyOf((word, Phrase(("anak",), "text")))
    assert render(either, marked=False) == f'({{title lead body}} : "{R}anak" OR ' + (
        '{title lead body} : "anak")'
    )


def test_the_index_holds_each_reduplication_as_a_token_besides_its_words(store):
    with open_library(store) as library:
        tokens = _tokens(library)
        assert tokens == {f"{R}anak": (2, 3), f"{R}kupu": (1, 2), f"{R}orang": (1, 1)}
        found = _found(library)
    assert {i for i, _ in found["anak"]} == {1, 2, 3, 4}  # the word is indexed as before
    assert {i for i, _ in found["anak-anak"]} == {1, 2, 3, 4}  # and the reduplication's stem
    assert found["anak-anak"][0][0] == 1  # said twice in its title and lead
    # article 2 says it twice once, in its body: that counts for "anak-anak", not for "anak"
    assert dict(found["anak-anak"])[2] > dict(found["anak"])[2]
    assert dict(found["anak-anak"])[3] == pytest.approx(dict(found["anak"])[3], rel=0.05)
    assert [i for i, _ in found["kupu-kupu"]] == [4]
    assert [i for i, _ in found["title:anak-anak"]] == [1, 3]  # 3: "Anak petani"
    assert [i for i, _ in found["orang-orang tua"]] == [2]
    assert [i for i, _ in found["sekolah -anak-anak"]] == []  # 2 and 3 hold anak
    assert [i for i, _ in found["sehari-hari"]] == [4]  # other hyphenated words: phrases
    assert {i for i, _ in found['"anak anak"']} == {1, 2, 4}  # a quoted phrase: positions


def test_snippets_mark_the_reduplication(store):
    with open_library(store) as library:
        hits = library.search("anak-anak", 20).hits
    snippets = {hit.id: hit.snippet for hit in hits}
    assert snippets[1].startswith("«Anak-anak» bermain bola")
    assert "«Anak-anak» dan orang-orang" in snippets[2]
    assert "Ia «anak» yang rajin" in snippets[3]


def test_a_store_indexed_before_is_rebuilt_on_opening_and_searches_the_same(store):
    with open_library(store) as library:
        before = _found(library)
    _as_before(store)
    told: list[str] = []
    with open_library(store, notice=told.append) as library:
        # the one-time rebuild says so first (the CLI prints it: tests/cli/test_upgrade_note.py)
        assert told == [
            "rebuilding the search index of 5 articles for this version, once "
            "(about half a minute per 100,000 articles)"
        ]
        flag = sql(library, "SELECT value FROM meta WHERE key = 'redups_joined'").fetchone()
        assert flag == ("1",)
        assert _tokens(library) == {f"{R}anak": (2, 3), f"{R}kupu": (1, 2), f"{R}orang": (1, 1)}
        assert _found(library) == before
        # the rebuilt rows can be taken out again: the index stays whole
        assert library.purge(ids=[1]).removed == 1
        assert _tokens(library)[f"{R}anak"] == (1, 1)
        assert [h.id for h in library.search("kupu-kupu", 20).hits] == [4]
    _whole(store)
    with open_library(store, notice=told.append):
        assert len(told) == 1  # done: nothing to say the next time


@pytest.mark.sqlite_only  # a PostgreSQL store is never opened read-only
def test_a_read_only_store_not_rebuilt_yet_searches_the_phrase(store, monkeypatch):
    with open_library(store) as library:
        before = _found(library)
    _as_before(store)
    monkeypatch.setattr(connection, "why_read_only", lambda _: "a test says so")
    with open_library(store) as library:
        assert library.read_only and not _tokens(library)
        found = _found(library)
    # The same articles. The scores move a little: the phrase also matches "anak anak"
    # written apart (article 4), and an article's length counts its tokens.
    assert {q: {i for i, _ in hits} for q, hits in found.items()} == {
        q: {i for i, _ in hits} for q, hits in before.items()
    }
    assert [i for i, _ in found["kupu-kupu"]] == [i for i, _ in before["kupu-kupu"]]


_KILLED = """
import os, sys
from reader.core.db import fts
from reader.core.db.postgres import text_index
from reader.core.library import open_library

real, calls = fts.stored_index_values, []

def dies(*args):
    calls.append(1)
    if len(calls) == 3:  # half-way through the rebuild: the process dies, nothing committed
        os._exit(9)
    return real(*args)

fts.stored_index_values = text_index.stored_index_values = dies
open_library(sys.argv[1])
"""


def test_a_rebuild_killed_half_way_is_done_again_on_the_next_opening(store):
    with open_library(store) as library:
        before = _found(library)
    _as_before(store)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED, store],
        check=False,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr.decode()
    assert _flag(store) == "0"  # nothing of the rebuild was kept
    with open_library(store) as library:
        assert _tokens(library)[f"{R}anak"] == (2, 3)
        assert _found(library) == before
    _whole(store)
