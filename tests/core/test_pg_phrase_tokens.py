"""PostgreSQL: the alias table's phrases held as tokens of their own in the text vectors
(reader/core/db/postgres/phrases.py). A token is written exactly where PostgreSQL's phrase
match finds the phrase, so a search that reads the tokens gives the same articles, in the same
order, with the same scores, as one that tests the phrases; a store laid out before gets them
on opening."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from reader.core.db.postgres import phrases as phrase_tokens
from reader.core.db.postgres import text_index
from reader.core.db.postgres.phrases import PHRASE_MARK, alias_phrases, held, token
from reader.core.library import open_library
from tests import pg
from tests.conftest import empty_pg_built

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_phrasetok")

FILLER = "kota warga rapat gedung jalan pasar kantor sekolah layanan baru".split()
# Each alias phrase in several ways: next to each other, apart, split between title and lead.
SAYINGS = [
    "tenaga kerja indonesia",
    "tenaga kerja di indonesia",
    "tenaga kerja asing",
    "pekerja migran",
    "pekerja-pekerja migran",
    "pekerja dan migran",
    "buruh migran",
    "menteri tenaga kerja",
    "menteri ketenagakerjaan",
    "kementerian ketenagakerjaan",
    "upah minimum provinsi",
    "upah yang minimum",
    "tki",
    "pmi",
]
QUERIES = [
    "pekerja migran",
    "tki",
    "pmi",
    "menaker",
    "kemnaker",
    "tka",
    "ump",
    "upah minimum",
    '"tenaga kerja indonesia"',
    "tenaga kerja indonesia",
    "pekerja migran -tki",
    "tki OR menaker",
    "buruh migran kota",
    "menteri tenaga kerja",
    "pekerja",
]


def _articles(path: Path) -> Path:
    """300 articles, each with a few of SAYINGS in its title, lead or body, some repeated; one
    in ten with its title ending in a phrase's first words and its lead starting with the rest
    (no phrase spans two columns)."""
    rng = random.Random(14)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    for i in range(300):
        said = rng.sample(SAYINGS, rng.choice([0, 1, 1, 2, 3]))
        title = " ".join([words(3), *said[:1]] if rng.random() < 0.3 else [words(5)])
        lead = " ".join([words(8), *said[1:2]])
        body = " ".join(f"{words(rng.randint(0, 15))} {s}" for s in said * rng.choice([1, 2, 4]))
        if i % 10 == 3:
            title, lead = f"{words(3)} tenaga kerja", f"indonesia {lead}"
        rows.append(
            pg.article_row(i, title.capitalize(), lead, f"{body} {words(20)}", "tk.example")
        )
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from pg.filled_store(
        "phrasetok", _articles(tmp_path_factory.mktemp("tok") / "a.jsonl"), tmp_path_factory
    )


def _answers(library: Any, monkeypatch: pytest.MonkeyPatch, tokens: bool) -> dict[str, Any]:
    """Each query's hits (id, score) at two limits and its strict matches, the index reading
    the phrase tokens or not; and whether any statement asked for a token."""
    index = library._storage.index
    monkeypatch.setattr(index, "_phrases", index._phrases if tokens else frozenset())
    asked: list[bool] = []
    conn = index._db.conn
    real = type(conn).execute

    def spy(self: Any, sql: str, params: Any = (), /) -> Any:
        asked.append(any(PHRASE_MARK in str(p) for p in params))
        return real(self, sql, params)

    monkeypatch.setattr(type(conn), "execute", spy)
    found: dict[str, Any] = {}
    for query in QUERIES:
        for limit in (5, 50):
            found[f"{query} {limit}"] = [
                (hit.id, round(hit.score, 9)) for hit in library.search(query, limit).hits
            ]
        found[f"{query} strict"] = sorted(library._searcher.matching_ids(query))
    monkeypatch.undo()
    found["asked for a token"] = any(asked)
    return found


def test_the_tokens_are_written_where_postgresql_finds_the_phrase(store) -> None:  # type: ignore[no-untyped-def]
    index = store._storage.index
    assert index._phrases == frozenset(alias_phrases())
    for words in [("tenaga", "kerja", "indonesia"), ("pekerja", "migran"), ("upah", "minimum")]:
        by_token = pg_ids(store, f"'{token(words)}'")
        by_phrase = pg_ids(store, " <-> ".join(f"'{w}'" for w in words))
        assert by_token == by_phrase
        assert by_token  # the store holds each


def pg_ids(library: Any, query: str) -> list[int]:
    rows = library._storage.connections.conn.execute(
        "SELECT id FROM articles_fts WHERE doc @@ CAST(? AS tsquery) ORDER BY id", (query,)
    )
    return [row[0] for row in rows]


def test_a_search_reading_the_tokens_answers_as_the_phrases(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    by_phrases = _answers(store, monkeypatch, tokens=False)
    by_tokens = _answers(store, monkeypatch, tokens=True)
    assert by_tokens.pop("asked for a token") and not by_phrases.pop("asked for a token")
    assert by_tokens == by_phrases
    assert sum(1 for hits in by_tokens.values() if hits) >= 40  # the queries find articles


def test_tokens_written_where_the_phrase_is_not_change_the_answers(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The comparison above catches a wrong token: one also written where the words are apart
    ("tenaga kerja di indonesia") finds articles the phrase does not."""
    by_phrases = _answers(store, monkeypatch, tokens=False)
    by_phrases.pop("asked for a token")
    wrong = f"'{token(('tenaga', 'kerja', 'indonesia'))}'"
    conn = store._storage.connections.conn
    apart = "'tenaga' & 'kerja' & 'indonesia' & !('tenaga' <-> 'kerja' <-> 'indonesia')"
    ids = pg_ids(store, apart)
    assert ids
    marked = f"ARRAY[{','.join(map(str, ids))}]"
    conn.execute(
        "UPDATE articles_fts SET doc = doc || CAST(? AS tsvector) WHERE id = ANY(" + marked + ")",
        (wrong,),
    )
    try:
        by_tokens = _answers(store, monkeypatch, tokens=True)
    finally:
        conn.execute(
            "UPDATE articles_fts SET doc = ts_delete(doc, ?) WHERE id = ANY(" + marked + ")",
            (token(("tenaga", "kerja", "indonesia")),),
        )
    by_tokens.pop("asked for a token")
    assert by_tokens != by_phrases
    put_back = _answers(store, monkeypatch, tokens=True)
    put_back.pop("asked for a token")
    assert put_back == by_phrases


def _phrase_matches(url: str, vector: str) -> set[str]:
    """The alias phrases that PostgreSQL's own `<->` finds in the tsvector literal, as tokens."""
    import psycopg

    with psycopg.connect(url) as conn:
        found = set()
        for words in alias_phrases():
            query = " <-> ".join(f"'{w}'" for w in words)
            row = conn.execute(
                "SELECT CAST(%s AS tsvector) @@ CAST(%s AS tsquery)", (vector, query)
            ).fetchone()
            if row and row[0]:
                found.add(token(words))
        return found


def _columns() -> list[list[str]]:
    """Columns (title, lead, body) where PostgreSQL's phrase match has its edges."""
    filler = " ".join(["kota"] * 16400)
    return [
        ["tenaga kerja indonesia baru", "menteri tenaga kerja", "pekerja di migran"],
        ["kabar tenaga kerja", "indonesia hari ini", "upah minimum provinsi naik"],
        # after the 255th place of "tenaga", PostgreSQL keeps no more: no phrase there
        ["", " ".join(["tenaga kota"] * 300), "tenaga kerja indonesia buruh migran"],
        # places past 16383 are all 16383: "indonesia" far after "kerja" at 16382 matches,
        # "pekerja migran" both past it does not
        ["", "", f"{' '.join(['kota'] * 16378)} tenaga kerja kota indonesia pekerja migran"],
        ["", "", f"{filler} pekerja migran tenaga kerja asing"],
        ["pekerja pekerja migran \ue001pekerja", "upah upah minimum", "jaminan hari tua"],
    ]


def test_held_agrees_with_postgresql_at_its_edges() -> None:
    url = pg.cluster_url()
    for columns in _columns():
        vector = text_index.tsvector(columns)
        written = held_tokens(columns)
        assert written == _phrase_matches(url, vector), columns[0][:40]


def held_tokens(columns: list[str]) -> set[str]:
    """The tokens tsvector() writes for `columns` (after the words, without places)."""
    literal = text_index.tsvector(columns, alias_phrases())
    return {t for t in alias_phrases_tokens() if f"'{t}'" in literal}


def alias_phrases_tokens() -> list[str]:
    return [token(words) for words in alias_phrases()]


def test_a_held_that_keeps_every_place_disagrees(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The edge cases above matter: counting each place (no 255 limit) or the words anywhere
    writes tokens that PostgreSQL's phrase match does not find."""
    url = pg.cluster_url()
    columns = _columns()[2]
    vector = text_index.tsvector(columns)
    monkeypatch.setattr(phrase_tokens, "_KEPT", 10**6)
    assert held_tokens(columns) != _phrase_matches(url, vector)
    monkeypatch.undo()
    positions = {word: ["1A"] for word in "tenaga kerja di indonesia".split()}
    assert held(positions, [("tenaga", "kerja", "indonesia")]) == []


def _one(cursor: Any) -> Any:
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def test_an_older_store_gets_the_tokens_on_opening(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A store laid out before (no tokens, no meta) is given them on opening, saying so; the
    redup rewrite keeps them; a phrase the store does not hold stays a phrase."""
    import psycopg

    name = pg.unique_name("phrasetok_old")
    url = pg.create_database(name, empty_pg_built(tmp_path_factory))
    rows = _articles(tmp_path / "a.jsonl")
    with open_library(url) as library:
        library.import_inputs([str(rows)])
        before = {q: [(h.id, h.score) for h in library.search(q, 50).hits] for q in QUERIES}
        count = library.count()
    vectors = "SELECT id, doc::text FROM articles_fts ORDER BY id"
    with psycopg.connect(url, autocommit=True) as conn:
        laid_out = conn.execute(vectors).fetchall()
        assert any(PHRASE_MARK in doc for _, doc in laid_out)
        conn.execute(
            "UPDATE articles_fts SET doc = ts_delete(doc, CAST(%s AS text[]))",
            (alias_phrases_tokens(),),
        )
        conn.execute("DELETE FROM meta WHERE key = 'phrase_tokens'")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'postgres_layout'")
        assert not any(PHRASE_MARK in doc for _, doc in conn.execute(vectors).fetchall())
    said: list[str] = []
    with open_library(url, notice=said.append) as library:
        assert said == [f"indexing the alias table's phrases in the {count:,} articles, once"]
        assert {q: [(h.id, h.score) for h in library.search(q, 50).hits] for q in QUERIES} == before
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute(vectors).fetchall() == laid_out
        # the reduplications' rewrite (migration 12) writes the tokens too
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('redups_joined', '0') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
        # a store laid out when the table lacked "pekerja migran": it stays a phrase there
        kept = [w for w in alias_phrases() if w != ("pekerja", "migran")]
        conn.execute(
            "UPDATE meta SET value = %s WHERE key = 'phrase_tokens'",
            (phrase_tokens.encode(kept),),
        )
    with open_library(url) as library:
        index: Any = library._storage.index
        assert ("pekerja", "migran") not in index._phrases
        assert {q: [(h.id, h.score) for h in library.search(q, 50).hits] for q in QUERIES} == before
    with psycopg.connect(url, autocommit=True) as conn:
        after = conn.execute(vectors).fetchall()
        gone = token(("pekerja", "migran"))
        without = "SELECT ts_delete(CAST(%s AS tsvector), %s)::text"
        expected = [(i, _one(conn.execute(without, (doc, gone)))) for i, doc in laid_out]
        assert after == expected
        assert after != laid_out
    pg.drop_database(name)
