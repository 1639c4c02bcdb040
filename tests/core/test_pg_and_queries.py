"""PostgreSQL search of two words and more: one GIN read per vector for an "all of", and the
title matches first with every part's bound; the same answers as scoring every match."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.db.postgres import text_index
from reader.core.db.postgres.text_index import _FIRST_WEIGHT_MOST, _normalised
from reader.core.query import parse_query
from reader.core.services.search import QueryBuilder
from reader.core.terms import AnyOf, Expression, Phrase, all_of
from tests import pg
from tests.conftest import sql
from tests.core.test_pg_ranking import _ranked

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_andq")

FILLER = "kota warga rapat gedung jalan pasar kantor sekolah dinas layanan".split()
# (title, lead, body) of each kind of article: where "gaji" and "buruh" are, and how many
KINDS = [
    (120, "gaji buruh", "", ""),
    (80, "gaji", "buruh", "buruh"),
    (80, "buruh", "", "gaji gaji"),
    (100, "", "gaji buruh", "gaji buruh gaji buruh"),
    (12, "", "", "gajinya buruh"),  # "gaji" by its stem alone
    (10, "", "", "ump gaji buruh"),  # a rare word, in the body only
    (40, "gaji", "", ""),
    (30, "", "", ""),
]


def _articles(path: Path) -> Path:
    rng = random.Random(11)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    number = 0
    for count, title, lead, body in KINDS:
        for _ in range(count):
            mentions = rng.choice([1, 2, 6])
            rows.append(
                {
                    "title": f"{words(2)} {title} {words(rng.randint(1, 4))}".capitalize(),
                    "body": f"{words(3)} {lead} {words(6)}.\n\n"
                    + " ".join(f"{body} {words(rng.randint(0, 9))}" for _ in range(mentions))
                    + f"\n\n{words(30)}",
                    "url": f"https://gaji.example/{number}",
                    "source": "kompas",
                    "published": f"2018-0{1 + number % 9}-1{number % 10}T08:00:00+07:00",
                }
            )
            number += 1
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The articles of KINDS, imported once for the run (pg.filled_store): each one stored."""
    for library in pg.filled_store(
        "andq", _articles(tmp_path_factory.mktemp("gaji") / "a.jsonl"), tmp_path_factory
    ):
        stored = sql(library, "SELECT count(*) FROM articles").fetchone()
        assert stored == (sum(kind[0] for kind in KINDS),)
        yield library


def _expression(library, query: str) -> Expression:  # type: ignore[no-untyped-def]
    parts = QueryBuilder(library._storage.index).positive(parse_query(query))
    return all_of([part.expression for part in parts])


@pytest.mark.parametrize(("limit", "first"), [(20, True), (100, True), (150, False), (400, False)])
def test_two_words_title_matches_first_give_the_whole_answer(store, monkeypatch, limit, first):  # type: ignore[no-untyped-def]
    """120 articles have both words in the title: up to 120 hits, the title matches of the
    rarer word hold the answer; more, and every match is scored."""
    expression = _expression(store, "gaji buruh")
    every, _ = _ranked(store, expression, limit, monkeypatch, title_first=False)
    found, used = _ranked(store, expression, limit, monkeypatch, title_first=True)
    assert used is first
    assert found == every
    assert len(every) == min(limit, 120 + 80 + 80 + 100 + 12 + 10)


def test_a_rare_phrase_is_read_whole(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """'ump' (10 articles, in the body alone) weighs far more than the common words: those
    articles rank high without a word in their title, and the title-first search finds them
    by reading every match of the rare phrase."""
    monkeypatch.setattr(text_index, "RARE", 20)
    expression = AnyOf((_expression(store, "gaji buruh"), Phrase(("ump",), "text")))
    every, _ = _ranked(store, expression, 60, monkeypatch, title_first=False)
    found, used = _ranked(store, expression, 60, monkeypatch, title_first=True)
    assert used
    assert found == every
    ump = {row[0] for row in sql(store, "SELECT id FROM articles WHERE body LIKE '%ump %'")}
    assert len(ump) == 10 and ump <= {article for article, _ in every[:30]}


@pytest.mark.parametrize(
    "query", ["gaji buruh", "gaji", "buruh ump", "gaji OR ump", '"gaji buruh" kota', "kota gaji"]
)
def test_an_all_of_read_in_one_scan_matches_the_same_articles(store, monkeypatch, query) -> None:  # type: ignore[no-untyped-def]
    """_match (one tsquery per vector) and _condition (each part tested alone) find the same
    articles, stem-only matches ("gajinya") included."""
    index = store._storage.index
    one_scan = sorted(index.matching(_expression(store, query)))
    monkeypatch.setattr(text_index, "_match", text_index._condition)
    part_by_part = sorted(index.matching(_expression(store, query)))
    assert one_scan == part_by_part
    assert one_scan


def test_stem_only_matches_are_found(store) -> None:  # type: ignore[no-untyped-def]
    index = store._storage.index
    with_stems = set(index.matching(_expression(store, "gaji buruh")))
    assert len(with_stems) == 120 + 80 + 80 + 100 + 12 + 10


def test_a_word_outside_the_title_scores_below_its_largest_weight(store) -> None:  # type: ignore[no-untyped-def]
    """The bound the title-first search uses with weights title >= lead >= body: ts_rank of
    a word is below its first position's weight (its largest), whatever its count."""
    weights = "'{0,0.1,0.3,1}'"
    outside, anywhere = sql(
        store,
        f"SELECT max(ts_rank({weights}, doc, 'buruh', 32)) FILTER (WHERE NOT "
        f"ts_filter(doc, '{{a}}') @@ 'buruh'), max(ts_rank({weights}, doc, 'buruh', 32)) "
        "FROM articles_fts WHERE doc @@ 'buruh'",
    )[0]
    assert outside > 0.12  # in the lead, and six times more in the body
    assert outside < _normalised(_FIRST_WEIGHT_MOST * 0.3)
    assert anywhere < _normalised(_FIRST_WEIGHT_MOST * 1.0)


def test_a_query_of_rare_words_alone_still_reads_the_titles_first(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every phrase rare (this store's words are all under RARE): reading every match of them
    would be the whole search, so the title matches are read first as if none were rare."""
    monkeypatch.setattr(text_index, "RARE", 10**6)
    expression = Phrase(("gaji",), "text")
    every, _ = _ranked(store, expression, 100, monkeypatch, title_first=False)
    found, used = _ranked(store, expression, 100, monkeypatch, title_first=True)
    assert used
    assert found == every
