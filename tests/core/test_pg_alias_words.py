"""PostgreSQL ranking of typed words that are a name of the alias table ("tenaga kerja
indonesia", other names "pmi", "tki", "pekerja migran", "buruh migran", "pekerja migran
indonesia"): reading first the matches that hold a word of the other names (and, as needed,
those with a typed word in the title) gives the same answer, in the same order, as scoring
every match, when the bound proves it; else every match is scored."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.db.postgres import text_index
from reader.core.terms import AllOf, AnyOf
from tests import pg

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_aliaswords")

FILLER = "kota warga rapat gedung jalan pasar kantor sekolah layanan baru".split()
QUERY = "tenaga kerja indonesia"


def _articles(path: Path) -> Path:
    """1,000 articles: 40 with "pekerja" and "indonesia" side by side many times, no other name
    (a phrase of the other names scores them by that pair: the best); 30 with "tki" in the
    title and the typed words in the lead; 40 with the typed words in the lead and body and no
    word of the other names (left out of the first reads, scoring up to their bound); 20 with
    "tenaga kerja" in the title; 20 as the first 40 but matched through a stem (tenaganya); 20
    as those left out but with "pekerja" a few words from "indonesia" (read first, scoring
    between the typed words' bounds outside and inside titles, below those with the words in
    the title); 130 with each typed word once in the body and "pekerja" far from them (read
    first, weak); 250 with some of the words; 600 with none."""
    rng = random.Random(14)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    for i in range(1000):
        title, lead, body = words(5), words(10), words(30)
        if i < 30:
            title, lead = f"{words(3)} tki", f"{words(4)} tenaga kerja indonesia {words(4)}"
        elif i < 70:
            lead = f"pekerja indonesia {words(2)} tenaga kerja pekerja indonesia"
            body = " ".join(f"{words(2)} pekerja indonesia" for _ in range(6))
        elif i < 110:
            lead = f"tenaga kerja {words(2)} indonesia {words(4)}"
            body = f"{words(10)} tenaga {words(3)} kerja {words(10)}"
        elif i < 130:
            title = f"{words(2)} tenaga kerja {words(1)}"
            body = f"{words(10)} tenaga kerja di indonesia {words(10)}"
        elif i < 150:
            lead = f"pekerja indonesia {words(2)} tenaganya kerja pekerja indonesia"
            body = " ".join(f"{words(2)} pekerja indonesia" for _ in range(5))
        elif i < 170:
            lead = f"tenaga kerja {words(2)} indonesia {words(4)}"
            body = f"{words(10)} tenaga {words(3)} kerja pekerja {words(9)} indonesia {words(10)}"
        elif i < 300:
            body = f"pekerja {words(25)} tenaga {words(5)} kerja {words(5)} indonesia"
        elif i < 400:
            said = rng.sample(["tenaga", "kerja", "indonesia", "tenaganya", "pekerja"], 3)
            body = f"{words(10)} {' '.join(said)} {words(10)}"
        rows.append(pg.article_row(i, title.capitalize(), lead, body, "naker.example"))
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("tki") / "a.jsonl"
    yield from pg.filled_store("aliaswords", _articles(path), tmp_path_factory)


def _ranked(library, limit: int, monkeypatch: pytest.MonkeyPatch, first: bool, wrong=None):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows and whether the alias words' first read answered: allowed
    or not, the other shortcuts left out (so every match is scored in one read otherwise);
    `wrong`: a function that puts a wrong rule in place."""
    expression, weights = pg.ranked_with(library, QUERY)
    none = lambda self, *args: None  # noqa: E731
    for read in ("_title_first", "_shared_first", "_lifted_phrases", "_names_first", "_text_first"):
        monkeypatch.setattr(text_index.PostgresTextIndex, read, none)
    monkeypatch.setattr(text_index, "TEXT_FIRST_ABOVE", 0)  # this store is small
    monkeypatch.setattr(text_index, "ALIAS_READ_MOST", 1e9)  # a question of cost, not of rows
    if wrong is not None:
        wrong(monkeypatch)
    answered = pg.answers_of(monkeypatch, "_alias_words_first", first)
    rows = library._storage.index.ranked(expression, weights, limit)
    monkeypatch.undo()
    return [(row.id, row.rank) for row in rows], any(answered)


def _any_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any `limit` rows taken as proven, whatever their last scores."""
    monkeypatch.setattr(text_index, "_above", lambda rows, limit, _: len(rows) >= limit)


def _one_word_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each other name read by its rarest word alone, and a phrase taken to score nothing
    where one of its words is absent (it scores its words by pairs: two left are enough)."""
    real_most = text_index._left_out_most

    def rarest(names, own, frequencies):  # type: ignore[no-untyped-def]
        return frozenset(
            min(sorted(name.words), key=lambda word: frequencies.get(word, 0)) for name in names
        )

    def most(terms, read, titles):  # type: ignore[no-untyped-def]
        held = [
            term
            for term in terms
            if len(term.phrase.words) == 1 or not set(term.phrase.words) & read
        ]
        return real_most(held, read, titles)

    monkeypatch.setattr(text_index, "_first_words", rarest)
    monkeypatch.setattr(text_index, "_left_out_most", most)


def test_the_query_is_its_typed_words_or_the_other_names(store) -> None:  # type: ignore[no-untyped-def]
    expression, _ = pg.ranked_with(store, QUERY)
    assert isinstance(expression, AnyOf) and isinstance(expression.items[0], AllOf)
    names = {getattr(item, "words", None) for item in expression.items[1:]}
    assert {("tki",), ("pekerja", "migran", "indonesia")} <= names
    assert ("tenaga", "kerja", "indonesia") not in names


def test_a_phrase_scores_nothing_without_two_of_its_words(store) -> None:  # type: ignore[no-untyped-def]
    """What the bound stands on, asked of PostgreSQL's ts_rank: a phrase of several words in
    a vector holding one of them scores its floor; two of them apart score."""
    conn = store._storage.connections.conn
    query = "'pekerja' <-> 'migran' <-> 'indonesia'"

    def rank(vector: str) -> float:
        row = conn.execute(
            "SELECT ts_rank(CAST(? AS float4[]), CAST(? AS tsvector), CAST(? AS tsquery), 32)",
            ("{0,0.1,0.3,1}", vector, query),
        ).fetchone()
        return float(row[0])

    for vector in ["'indonesia':1A,2A,3B,9C", "'pekerja':1A,3A 'kota':2A", "'migran':4C"]:
        assert rank(vector) <= text_index._RANK_FLOOR
    assert rank("'pekerja':1A 'indonesia':3A") > 0.1
    assert rank("'migran':40C 'indonesia':41C") > 0.01


@pytest.mark.parametrize("limit", [3, 20, 60, 90, 100, 120])
def test_the_other_names_words_give_the_whole_answer(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    """The first read answers, or with the titles' read where the articles with "tenaga kerja"
    in the title are among the best (from 100), above some read first that score more than
    the typed words' bounds outside titles."""
    whole, used = _ranked(store, limit, monkeypatch, first=False)
    assert not used and len(whole) == limit
    first, used = _ranked(store, limit, monkeypatch, first=True)
    assert used  # proven by the bound
    assert first == whole


@pytest.mark.parametrize("limit", [150, 200, 500])
def test_when_the_bound_is_not_beaten_every_match_is_scored(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    """Asked for 150 or more, the articles with the typed words alone, which the first reads
    leave out, are among the best: they do not answer. Taken as proven without the bound (at
    150 and 200: enough rows read), the first reads alone give other rows."""
    whole, _ = _ranked(store, limit, monkeypatch, first=False)
    first, used = _ranked(store, limit, monkeypatch, first=True)
    assert not used
    assert first == whole
    if limit < 300:
        wrong, used = _ranked(store, limit, monkeypatch, first=True, wrong=_any_rows)
        assert used
        assert wrong != whole


def test_a_phrase_read_by_one_word_misses_its_pairs(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Read by "migran" alone, "pekerja migran indonesia" leaves out the articles with
    "pekerja" beside "indonesia", which it scores: taken to score nothing there, the bound
    proves a wrong answer."""
    whole, _ = _ranked(store, 20, monkeypatch, first=False)
    wrong, used = _ranked(store, 20, monkeypatch, first=True, wrong=_one_word_a_name)
    assert used
    assert wrong != whole
