"""PostgreSQL ranking: a common word's best matches found among its title matches first give
the same answer, in the same order, as scoring every match."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core.db.postgres import text_index
from reader.core.db.postgres.text_index import _ONE_WORD_MOST, _TITLE_LEAST, _normalised
from reader.core.services.search import WEIGHTS
from reader.core.terms import Phrase
from tests import pg
from tests.conftest import sql

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_ranking")

REAL_RARE = text_index.RARE
PAJAK = Phrase(("pajak",), "text")
FILLER = "kota warga rapat gedung jalan pasar kantor sekolah dinas layanan".split()


def _articles(path: Path) -> Path:
    """130 articles with "pajak" in the title, 60 with it in the lead, 200 with it only in the
    body (some of those many times, high in the body), 50 without it."""
    rng = random.Random(7)
    rows = []

    def words(n: int) -> str:
        return " ".join(rng.choice(FILLER) for _ in range(n))

    for i in range(440):
        kind = "title" if i < 130 else "lead" if i < 190 else "body" if i < 390 else "none"
        title = f"{words(3)} pajak {words(2)}" if kind == "title" else words(6).capitalize()
        lead = f"jakarta, kompas - {words(8)} pajak {words(5)}." if kind == "lead" else words(12)
        mentions = rng.choice([1, 3, 20]) if kind != "none" else 0
        body = " ".join(
            [
                words(rng.randint(0, 30)),
                *[f"pajak {words(rng.randint(0, 8))}" for _ in range(mentions)],
            ]
        )
        rows.append(
            {
                "title": title,
                "body": f"{lead}\n\n{body}\n\n{words(40)}",
                "url": f"https://pajak.example/{i}",
                "source": "kompas",
                "published": f"2018-0{1 + i % 9}-1{i % 10}T08:00:00+07:00",
            }
        )
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from pg.filled_store(
        "ranking", _articles(tmp_path_factory.mktemp("pajak") / "a.jsonl"), tmp_path_factory
    )


def _ranked(library, expression, limit: int, monkeypatch: pytest.MonkeyPatch, title_first: bool):  # type: ignore[no-untyped-def]
    """The ranked (id, rank) rows of `expression` with the title-first read allowed or not,
    and whether it gave the answer (also used by test_pg_and_queries)."""
    used = pg.answers_of(monkeypatch, "_title_first", title_first)
    if text_index.RARE == REAL_RARE:  # a phrase this store holds is never rare here
        monkeypatch.setattr(text_index, "RARE", 0)
    rows = library._storage.index.ranked(expression, WEIGHTS, limit)
    return [(row.id, row.rank) for row in rows], any(used)


def test_the_title_matches_first_give_the_whole_answer(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    every, _ = _ranked(store, PAJAK, 100, monkeypatch, title_first=False)
    first, used = _ranked(store, PAJAK, 100, monkeypatch, title_first=True)
    assert used  # 130 title matches: the 100 best are among them
    assert first == every
    assert len(every) == 100


def test_fewer_title_matches_than_asked_score_every_match(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    every, _ = _ranked(store, PAJAK, 250, monkeypatch, title_first=False)
    first, used = _ranked(store, PAJAK, 250, monkeypatch, title_first=True)
    assert not used  # 130 title matches of 250 asked: every match is scored
    assert first == every
    assert len(every) == 250


def test_the_bounds_hold_on_real_vectors(store) -> None:  # type: ignore[no-untyped-def]
    """ts_rank of "pajak" (weights body 0.1, lead 0.3, title 1): every article without it in the
    title scores below the bound the title-first path relies on, every title match above it."""
    weights = "'{0,0.1,0.3,1}'"
    outside, inside = sql(
        store,
        f"SELECT max(ts_rank({weights}, doc, 'pajak', 32)) FILTER (WHERE NOT "
        "ts_filter(doc, '{a}') @@ 'pajak'), min(ts_rank("
        f"{weights}, doc, 'pajak', 32)) FILTER (WHERE ts_filter(doc, '{{a}}') @@ 'pajak') "
        "FROM articles_fts WHERE doc @@ 'pajak'",
    )[0]
    assert outside > 0.15  # a lead match with more in the body, half-way to the bound
    assert outside < _normalised(_ONE_WORD_MOST * 0.3) < _normalised(_TITLE_LEAST) <= inside + 1e-6
