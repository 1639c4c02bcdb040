"""PostgreSQL ranking of "any of these words" (related news' more-like-this): the best matches
found among the articles that hold two of the words or one in the title give the same answer,
in the same order, as scoring every match."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.db.postgres import text_index
from reader.core.services.related import SIMILAR_WEIGHTS
from reader.core.terms import AnyOf, Phrase
from tests import pg

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_shared")

WORDS = "nelayan tambak garam rumput laut dermaga perahu jaring".split()
FILLER = "kota warga rapat gedung jalan pasar kantor sekolah dinas layanan".split()


def _articles(path: Path) -> Path:
    """400 articles: most hold one of WORDS in the body, some several (in the title, lead or
    body, some many times), a few none."""
    rng = random.Random(11)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    for i in range(400):
        held = rng.sample(WORDS, rng.choice([0, 1, 1, 1, 1, 1, 2, 2, 3, 5]))
        in_title = held[:1] if rng.random() < 0.2 else []
        title = " ".join([words(4), *in_title]).capitalize()
        lead = " ".join([words(10), *held[1:2]])
        body = " ".join(f"{words(rng.randint(0, 20))} {word}" for word in held * rng.choice([1, 4]))
        rows.append(pg.article_row(i, title, lead, f"{body} {words(30)}", "laut.example"))
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from pg.filled_store(
        "shared", _articles(tmp_path_factory.mktemp("laut") / "a.jsonl"), tmp_path_factory
    )


def _ranked(library, limit: int, monkeypatch: pytest.MonkeyPatch, shared: bool):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows of the words, the shared-first read allowed or not, and
    whether it gave the answer."""
    used = pg.answers_of(monkeypatch, "_shared_first", shared)
    monkeypatch.setattr(text_index, "SHARED_FIRST_ABOVE", 0)  # this store is small
    expression = AnyOf(tuple(Phrase((word,), "text") for word in WORDS))
    rows = library._storage.index.ranked(expression, SIMILAR_WEIGHTS, limit)
    return [(row.id, row.rank) for row in rows], any(used)


@pytest.mark.parametrize("limit", [5, 20, 60])
def test_the_articles_sharing_words_first_give_the_whole_answer(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    whole, _ = _ranked(store, limit, monkeypatch, shared=False)
    first, used = _ranked(store, limit, monkeypatch, shared=True)
    assert used  # the shared-first read answered
    assert first == whole
    assert len(whole) == limit


def test_when_they_cannot_answer_every_match_is_scored(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Asked for more than the articles that share words: some that hold one word alone are
    among the best, and the whole is scored."""
    whole, _ = _ranked(store, 300, monkeypatch, shared=False)
    first, used = _ranked(store, 300, monkeypatch, shared=True)
    assert not used
    assert first == whole


def _recording_reads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The reads of the shared-first read, as it makes them: "pairs", or the number of words
    whose title matches it read."""
    reads: list[object] = []
    real = text_index.PostgresTextIndex._best

    def best(self, terms, head, inner, where, where_params, *args):  # type: ignore[no-untyped-def]
        reads.append(where_params[0].count("(") if "ts_filter" in where else "pairs")
        return real(self, terms, head, inner, where, where_params, *args)

    monkeypatch.setattr(text_index.PostgresTextIndex, "_best", best)
    return reads


def _reads(library, limit: int, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows of the shared-first read and its reads: "pairs", or the
    number of words whose title matches it read."""
    reads = _recording_reads(monkeypatch)
    rows, used = _ranked(library, limit, monkeypatch, shared=True)
    assert used
    return rows, list(reads)


@pytest.mark.parametrize("limit", [5, 20])
def test_the_pairs_alone_answer_when_no_title_could_beat_them(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    whole, _ = _ranked(store, limit, monkeypatch, shared=False)
    first, reads = _reads(store, limit, monkeypatch)
    assert reads == ["pairs"]
    assert first == whole


def test_the_titles_of_the_words_the_pairs_do_not_beat_are_read(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Asked for 40, the 40th best sharing two words beats the in-title bound of two of the
    eight words: the title matches of the other six are read, and the answer is the whole's."""
    whole, _ = _ranked(store, 40, monkeypatch, shared=False)
    first, reads = _reads(store, 40, monkeypatch)
    assert reads == ["pairs", 6]
    assert first == whole


@pytest.mark.parametrize("limit", [60, 100])
def test_without_the_title_matches_the_answer_differs(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    """With every word's in-title bound taken as 0 (no title matches read, none feared), the
    answer asked for 60 or 100 is not the whole's: the title read is what keeps it right."""
    whole, _ = _ranked(store, limit, monkeypatch, shared=False)
    first, reads = _reads(store, limit, monkeypatch)
    assert first == whole and reads == ["pairs", 8]
    monkeypatch.setattr(text_index, "_inside_titles", lambda term: 0.0)
    wrong, reads = _reads(store, limit, monkeypatch)
    assert reads == ["pairs"]
    assert wrong != whole


def _floored(library, limit: int, floor: float, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows of the words asked with a floor, the reads the shared-first
    read made, and whether it gave the answer."""
    reads = _recording_reads(monkeypatch)
    used = pg.answers_of(monkeypatch, "_shared_first", True)
    monkeypatch.setattr(text_index, "SHARED_FIRST_ABOVE", 0)
    expression = AnyOf(tuple(Phrase((word,), "text") for word in WORDS))
    rows = library._storage.index.ranked(expression, SIMILAR_WEIGHTS, limit, floor=floor)
    return [(row.id, row.rank) for row in rows], list(reads), any(used)


def _at_or_above(rows, floor: float):  # type: ignore[no-untyped-def]
    return [(id_, rank) for id_, rank in rows if -rank >= floor]


@pytest.mark.parametrize("limit", [60, 100, 300])
@pytest.mark.parametrize("nth", [10, 45, 60])
def test_a_floor_keeps_the_rows_at_or_above_it(store, monkeypatch, limit, nth) -> None:  # type: ignore[no-untyped-def]
    """Asked with a floor (the score of the whole answer's nth best), the rows at or above it
    are the whole answer's, in the same order; where no floor lets the shared-first read
    answer (60 and 100: it reads every word's titles; 300: it cannot), the floor does."""
    whole, _ = _ranked(store, limit, monkeypatch, shared=False)
    floor = -whole[nth - 1][1]
    first, reads, used = _floored(store, limit, floor, monkeypatch)
    assert used
    assert len(_at_or_above(whole, floor)) >= nth
    assert _at_or_above(first, floor) == _at_or_above(whole, floor)
    assert reads[0] == "pairs" and len(reads) <= 2


def test_a_high_floor_spares_the_title_reads(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A floor above every word's in-title bound: the pairs alone answer at 60, where without
    it all eight words' titles are read (test_without_the_title_matches_the_answer_differs)."""
    whole, _ = _ranked(store, 60, monkeypatch, shared=False)
    index = store._storage.index
    expression = AnyOf(tuple(Phrase((word,), "text") for word in WORDS))
    terms = index._scored(index._tokens(expression), SIMILAR_WEIGHTS)
    floor = max(text_index._inside_titles(term) for term in terms) * 1.01
    first, reads, used = _floored(store, 60, floor, monkeypatch)
    assert used and reads == ["pairs"]
    assert _at_or_above(whole, floor)  # some rows are above it
    assert _at_or_above(first, floor) == _at_or_above(whole, floor)


def test_a_floor_without_the_title_matches_gives_other_rows(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With every word's in-title bound taken as 0, a floor at the score of the best article
    that only the title read finds leaves that article out: the title read is still what
    keeps the rows at or above the floor right."""
    whole, _ = _ranked(store, 100, monkeypatch, shared=False)
    monkeypatch.setattr(text_index, "_inside_titles", lambda term: 0.0)
    pairs, reads, _ = _floored(store, 100, 0.0, monkeypatch)
    missed = next(row for row in whole if row not in pairs)
    floor = -missed[1]
    wrong, reads, used = _floored(store, 100, floor, monkeypatch)
    assert used and reads == ["pairs"]
    assert missed in _at_or_above(whole, floor)
    assert _at_or_above(wrong, floor) != _at_or_above(whole, floor)


def _scored_after_read(library, monkeypatch: pytest.MonkeyPatch, exclude=None, limit=60):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows of the words (with `exclude` left out) and, for each read of
    the shared-first read, what its rows are tested for after the read picked them out (the
    SQL between the read's subquery and its ORDER BY)."""
    tests: list[str] = []
    real = text_index.PostgresTextIndex._best

    def best(self, terms, head, inner, where, *args):  # type: ignore[no-untyped-def]
        tests.append(inner.split(" ORDER BY", 1)[0])
        return real(self, terms, head, inner, where, *args)

    monkeypatch.setattr(text_index.PostgresTextIndex, "_best", best)
    used = pg.answers_of(monkeypatch, "_shared_first", True)
    monkeypatch.setattr(text_index, "SHARED_FIRST_ABOVE", 0)
    expression = AnyOf(tuple(Phrase((word,), "text") for word in WORDS))
    rows = library._storage.index.ranked(expression, SIMILAR_WEIGHTS, limit, exclude=exclude)
    return [(row.id, row.rank) for row in rows], tests, any(used)


def test_the_rows_the_reads_pick_out_are_not_tested_for_every_word_again(
    store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Each row the pairs or the titles read picks out holds one of the words: the reads test
    nothing more on it (the whole "any of" was tested again on each row's vector, 8% of the
    read's server CPU at 1,600,000 articles), and the answer is the whole's."""
    whole, _ = _ranked(store, 60, monkeypatch, shared=False)
    first, tests, used = _scored_after_read(store, monkeypatch)
    assert used
    assert len(tests) == 2  # the pairs, then every word's titles (as at 60 above)
    assert all("@@" not in test for test in tests), tests
    assert first == whole


def test_with_an_excluded_word_the_rows_are_still_tested(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An excluded word is tested on each row the reads pick out, as before (whether they
    answer or not), and the answer is the one of scoring every match."""
    excluded = Phrase((FILLER[0],), "text")
    first, tests, _ = _scored_after_read(store, monkeypatch, exclude=excluded)
    assert tests and all("@@" in test for test in tests)
    used = pg.answers_of(monkeypatch, "_shared_first", False)
    expression = AnyOf(tuple(Phrase((word,), "text") for word in WORDS))
    rows = store._storage.index.ranked(expression, SIMILAR_WEIGHTS, 60, exclude=excluded)
    assert used == [False]
    assert first == [(row.id, row.rank) for row in rows]


def test_the_title_first_read_of_the_words_tests_nothing_more(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With all but the commonest word rare, the title-first read (the rare words' articles
    whole, the common one's titles) answers "any of these words" as related news asks it: its
    rows hold one of the words and are tested for nothing more, and the answer is the one of
    scoring every match."""
    index = store._storage.index
    expression = AnyOf(tuple(Phrase((word,), "text") for word in WORDS))
    frequencies = sorted(term.frequency for term in index._scored(expression, SIMILAR_WEIGHTS))
    assert frequencies[-2] < frequencies[-1]
    monkeypatch.setattr(text_index, "RARE", frequencies[-2])
    pg.answers_of(monkeypatch, "_title_first", False)
    whole, _ = _ranked(store, 20, monkeypatch, shared=False)
    answered = pg.answers_of(monkeypatch, "_title_first", True)
    first, tests, _ = _scored_after_read(store, monkeypatch, limit=20)
    assert answered == [True]
    assert tests and all("@@" not in test for test in tests), tests
    assert first == whole
