"""PostgreSQL ranking of "any of" with a phrase of common words among its items (an alias of
the query's words: "tenaga kerja indonesia" of "pekerja migran"): reading that phrase only
where the article also holds one of the query's words gives the same answer, in the same order,
as scoring every match, or says it cannot."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.db.postgres import text_index
from reader.core.services.search import WEIGHTS
from reader.core.terms import AllOf, AnyOf, Phrase
from tests import pg

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_lifted")

FILLER = "kota warga rapat gedung jalan pasar kantor sekolah dinas layanan".split()
EXPRESSION = AnyOf(
    (
        AllOf((Phrase(("pekerja",), "text"), Phrase(("migran",), "text"))),
        Phrase(("tenaga", "kerja", "indonesia"), "text"),
        Phrase(("tki",), "text"),
    )
)


def _articles(path: Path) -> Path:
    """400 articles: the phrase's words (next to each other or apart) in most, with or without
    "pekerja" or "migran" or "tki", in the title, lead or body; 16 with the phrase alone, in
    the title and lead."""
    rng = random.Random(5)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    for i in range(400):
        held = rng.sample(["pekerja", "migran", "tki"], rng.choice([0, 0, 1, 1, 2, 3]))
        if rng.random() < 0.15:
            held.append(
                "tenaga kerja indonesia" if rng.random() < 0.4 else "tenaga dan kerja di indonesia"
            )
        rng.shuffle(held)
        in_title = held[:1] if rng.random() < 0.3 else []
        if i % 25 == 0:  # the phrase alone, in the title: it scores high
            held, in_title = ["tenaga kerja indonesia"], ["tenaga kerja indonesia"]
        title = " ".join([words(4), *in_title]).capitalize()
        lead = " ".join([words(10), *held[1:2]])
        body = " ".join(f"{words(rng.randint(0, 20))} {word}" for word in held * rng.choice([1, 3]))
        rows.append(pg.article_row(i, title, lead, f"{body} {words(30)}", "kerja.example"))
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from pg.filled_store(
        "lifted", _articles(tmp_path_factory.mktemp("kerja") / "a.jsonl"), tmp_path_factory
    )


def _ranked(library, limit: int, monkeypatch: pytest.MonkeyPatch, lifted: bool):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows, the lifted read allowed or not, and whether it answered."""
    used = pg.answers_of(monkeypatch, "_lifted_phrases", lifted)
    monkeypatch.setattr(text_index, "RARE", 10)  # this store is small: its words are common
    # The phrase as a phrase: where the vectors hold its token (phrases.py), that is read.
    monkeypatch.setattr(library._storage.index, "_phrases", frozenset())
    rows = library._storage.index.ranked(EXPRESSION, WEIGHTS, limit)
    return [(row.id, row.rank) for row in rows], any(used)


@pytest.mark.parametrize("limit", [3, 5])
def test_the_phrase_read_with_the_query_words_gives_the_whole_answer(
    store, monkeypatch, limit
) -> None:  # type: ignore[no-untyped-def]
    whole, _ = _ranked(store, limit, monkeypatch, lifted=False)
    first, used = _ranked(store, limit, monkeypatch, lifted=True)
    assert used  # the lifted read answered
    assert first == whole
    assert len(whole) == limit


@pytest.mark.parametrize("limit", [20, 50])
def test_when_it_cannot_answer_every_match_is_scored(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    """Asked for more, some of the articles with the phrase alone (in their title) are among
    the best: the lifted read says so, and every match is scored (a bound of 0 answered wrong
    ids here)."""
    whole, _ = _ranked(store, limit, monkeypatch, lifted=False)
    first, used = _ranked(store, limit, monkeypatch, lifted=True)
    assert not used
    assert first == whole
