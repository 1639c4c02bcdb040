"""PostgreSQL ranking of a search with stem phrases ("harga cabai": each word or its stem, the
stem from a -nya form): reading the matches of the words alone, and those with a stem and a
query word in the title, then, where that cannot be proven, the matches through a stem alone,
gives the same answer, in the same order, as scoring every match in one read."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.db.postgres import text_index
from tests import pg

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_textfirst")

REAL = text_index.PostgresTextIndex._text_first
BEST = text_index.PostgresTextIndex._best
FILLER = "kota warga rapat gedung jalan pasar kantor sekolah dinas layanan".split()
QUERY = "harga cabai"


def _articles(path: Path) -> Path:
    """400 articles: "harga" or "cabai" or their -nya forms (which the index holds as stems)
    in most, some both, in the title, lead or body, once or several times; 20 with "harganya"
    and "cabai" (twice in the lead), none in the title."""
    rng = random.Random(8)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    for i in range(400):
        held = [
            rng.choice(["harga", "harga", "harganya"]),
            rng.choice(["cabai", "cabai", "cabainya"]),
        ][: rng.choice([1, 1, 2])]
        rng.shuffle(held)
        in_title = held[:1] if rng.random() < 0.3 else []
        title = " ".join([words(4), *in_title]).capitalize()
        lead = " ".join([words(10), *held[1:2]])
        if i % 20 == 0:  # they match through a stem alone, and score by "cabai" in the lead
            held, title, lead = (
                ["harganya", "cabai"],
                words(4).capitalize(),
                f"cabai {words(3)} cabai",
            )
        body = " ".join(f"{words(rng.randint(0, 20))} {word}" for word in held * rng.choice([1, 3]))
        rows.append(pg.article_row(i, title, lead, f"{body} {words(30)}", "pasar.example"))
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from pg.filled_store(
        "textfirst", _articles(tmp_path_factory.mktemp("pasar") / "a.jsonl"), tmp_path_factory
    )


def _ranked(library, limit: int, monkeypatch: pytest.MonkeyPatch, first: bool, wrong=False):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows and the reads that ranked them: with the text-first read, or
    every match scored in one read (the title-first read, which would answer some, left out);
    `wrong`: any `limit` rows taken as proven, whatever their last scores."""
    expression, weights = pg.ranked_with(library, QUERY)
    none = lambda self, *args: None  # noqa: E731
    monkeypatch.setattr(text_index.PostgresTextIndex, "_title_first", none)
    monkeypatch.setattr(text_index.PostgresTextIndex, "_text_first", REAL if first else none)
    monkeypatch.setattr(text_index, "TEXT_FIRST_ABOVE", 0)  # this store is small
    if wrong:
        monkeypatch.setattr(text_index, "_above", lambda rows, limit, _: len(rows) >= limit)
    reads: list[str] = []

    def best(self, terms, head, inner, where, *args):  # type: ignore[no-untyped-def]
        reads.append(where)
        return BEST(self, terms, head, inner, where, *args)

    monkeypatch.setattr(text_index.PostgresTextIndex, "_best", best)
    rows = library._storage.index.ranked(expression, weights, limit)
    return [(row.id, row.rank) for row in rows], list(reads)  # those of this ranking alone


def _matches(library) -> set[int]:  # type: ignore[no-untyped-def]
    return set(library._storage.index.matching(pg.ranked_with(library, QUERY)[0]))


def test_some_articles_match_through_a_stem_alone(store) -> None:  # type: ignore[no-untyped-def]
    expression, _ = pg.ranked_with(store, QUERY)
    text = text_index._one_vector(expression, "f.doc")
    assert text is not None and any(p.columns == "stems" for p in text_index._phrases(expression))
    rows = store._storage.connections.conn.execute(
        "SELECT id FROM articles_fts f WHERE f.doc @@ CAST(? AS tsquery)", [text]
    )
    assert {row[0] for row in rows} < _matches(store)  # some only through a -nya form


@pytest.mark.parametrize("limit", [3, 10, 40, 120, 500])
def test_text_first_gives_the_whole_answer(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    whole, reads = _ranked(store, limit, monkeypatch, first=False)
    assert len(reads) == 0  # every match scored in one statement of its own
    first, reads = _ranked(store, limit, monkeypatch, first=True)
    assert first == whole
    assert len(whole) == min(limit, len(_matches(store)))
    assert 1 <= len(reads) <= 2


@pytest.mark.parametrize("limit", [3, 10])
def test_the_first_read_answers_alone_when_its_last_beats_the_bound(
    store, monkeypatch, limit
) -> None:  # type: ignore[no-untyped-def]
    whole, _ = _ranked(store, limit, monkeypatch, first=False)
    first, reads = _ranked(store, limit, monkeypatch, first=True)
    assert first == whole
    assert len(reads) == 1  # proven by the bound: no second read


@pytest.mark.parametrize("limit", [40, 60])
def test_the_second_read_where_the_first_cannot_be_proven(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    """Asked for 40 or 60, articles matched through a stem alone, with no query word in the
    title, are among the best: the first read is not proven and a second reads them. Taken as
    proven without the bound, the first read alone gives other rows."""
    whole, _ = _ranked(store, limit, monkeypatch, first=False)
    first, reads = _ranked(store, limit, monkeypatch, first=True)
    assert len(reads) == 2 and first == whole
    wrong, reads = _ranked(store, limit, monkeypatch, first=True, wrong=True)
    assert len(reads) == 1
    assert wrong != whole


def test_a_small_match_is_scored_in_one_read(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Its words reach fewer than TEXT_FIRST_ABOVE articles: no text-first read."""
    expression, weights = pg.ranked_with(store, QUERY)
    reads: list[str] = []

    def best(self, terms, head, inner, where, *args):  # type: ignore[no-untyped-def]
        reads.append(where)
        return BEST(self, terms, head, inner, where, *args)

    monkeypatch.setattr(text_index.PostgresTextIndex, "_title_first", lambda self, *args: None)
    monkeypatch.setattr(text_index.PostgresTextIndex, "_best", best)
    rows = store._storage.index.ranked(expression, weights, 10)
    assert len(rows) == 10 and reads == []
    monkeypatch.setattr(text_index, "TEXT_FIRST_ABOVE", 0)
    assert store._storage.index.ranked(expression, weights, 10) == rows
    assert len(reads) == 1
