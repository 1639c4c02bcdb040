"""PostgreSQL ranking of a search whose words have other names of one word ("tenaga kerja
asing" or "tka"): reading the articles with one of those names, and those with one of the
query's words in the title, gives the same answer, in the same order, as scoring every match,
when the bound proves it; else every match is scored."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.db.postgres import text_index
from reader.core.terms import AnyOf
from tests import pg

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_namesfirst")

FILLER = "kota warga rapat gedung jalan pasar kantor sekolah layanan baru".split()
QUERY = "tenaga kerja asing"


def _articles(path: Path) -> Path:
    """400 articles: 30 with "tka" in the title and the query's words in the lead (the best);
    60 with "tka" once in the body alone; 40 with the words many times in the lead and body,
    none in the title and no "tka" (left out of the first read, scoring up to its bound); 20
    with a word in the title; the rest with some of the words, a few as -nya forms (stems)."""
    rng = random.Random(21)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    for i in range(400):
        title, lead, body = words(5), words(10), words(30)
        if i < 30:
            title, lead = f"{words(3)} tka", f"{words(4)} tenaga kerja asing {words(4)}"
        elif i < 90:
            body = f"{words(15)} tka {words(15)}"
        elif i < 130:
            lead = f"tenaga kerja asing {words(2)} tenaga kerja asing {words(2)} asing"
            body = " ".join(f"{words(3)} tenaga kerja asing" for _ in range(4))
        elif i < 150:
            title = f"{words(3)} {rng.choice(['tenaga', 'asing'])}"
            body = f"{words(10)} tenaga kerja asing {words(10)}"
        else:
            said = rng.sample(["tenaga", "kerja", "asing", "tenaganya", "asingnya"], 3)
            body = f"{words(10)} {' '.join(said)} {words(10)}"
        rows.append(pg.article_row(i, title.capitalize(), lead, body, "naker.example"))
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from pg.filled_store(
        "namesfirst", _articles(tmp_path_factory.mktemp("tka") / "a.jsonl"), tmp_path_factory
    )


def _ranked(library, limit: int, monkeypatch: pytest.MonkeyPatch, names: bool, wrong=False):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows and whether the names-first read answered: allowed or not,
    the other shortcuts left out (so every match is scored in one read otherwise); `wrong`:
    any `limit` rows taken as proven, whatever their last scores."""
    expression, weights = pg.ranked_with(library, QUERY)
    none = lambda self, *args: None  # noqa: E731
    for read in ("_title_first", "_shared_first", "_lifted_phrases", "_text_first"):
        monkeypatch.setattr(text_index.PostgresTextIndex, read, none)
    monkeypatch.setattr(text_index, "TEXT_FIRST_ABOVE", 0)  # this store is small
    if wrong:
        monkeypatch.setattr(text_index, "_above", lambda rows, limit, _: len(rows) >= limit)
    answered = pg.answers_of(monkeypatch, "_names_first", names)
    rows = library._storage.index.ranked(expression, weights, limit)
    monkeypatch.undo()
    return [(row.id, row.rank) for row in rows], any(answered)


def test_the_query_has_a_name_of_one_word(store) -> None:  # type: ignore[no-untyped-def]
    expression, _ = pg.ranked_with(store, QUERY)
    assert isinstance(expression, AnyOf)
    assert any(getattr(item, "words", None) == ("tka",) for item in expression.items)


@pytest.mark.parametrize("limit", [3, 10, 25])
def test_the_names_and_titles_give_the_whole_answer(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    whole, used = _ranked(store, limit, monkeypatch, names=False)
    assert not used and len(whole) == limit
    first, used = _ranked(store, limit, monkeypatch, names=True)
    assert used  # proven by the bound
    assert first == whole


@pytest.mark.parametrize("limit", [50, 80, 500])
def test_when_the_bound_is_not_beaten_every_match_is_scored(store, monkeypatch, limit) -> None:  # type: ignore[no-untyped-def]
    """Asked for 50 or more, the articles with the words in the lead and body, which the
    first read leaves out, are among the best: it does not answer. Taken as proven without
    the bound (at 50 and 80: enough rows read), the first read alone gives other rows."""
    whole, _ = _ranked(store, limit, monkeypatch, names=False)
    first, used = _ranked(store, limit, monkeypatch, names=True)
    assert not used
    assert first == whole
    if limit < 100:
        wrong, used = _ranked(store, limit, monkeypatch, names=True, wrong=True)
        assert used
        assert wrong != whole
