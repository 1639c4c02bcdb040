"""PostgreSQL reads a body of at most `chars` bytes whole instead of cutting it with substr
(PostgresArticles._body_prefix): the same texts as substr's first `chars` characters, for
bodies of one-byte and several-byte characters, shorter and longer than the cut."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.core.db.articles import Articles
from tests import pg

# The module's tests on one worker: the store they read is imported once a run (pg.filled_store).
pytestmark = pytest.mark.xdist_group("filled_bodyprefix")

BODIES = [
    "pendek",
    "Pekerja migran di Malaysia menunggu kepastian gaji mereka bulan ini",
    "Ñoño é à ü " * 6,
    "“Kutipan” — pekerja 日本 ✓ " * 9,
    "x" * 20,  # 51 bytes with its lead and end
]


def _articles(path: Path) -> Path:
    rows = [
        pg.article_row(i, f"Judul {i}", body, f"{body} akhir {i}", "teks.example")
        for i, body in enumerate(BODIES)
    ]
    return pg.write_rows(path, rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    yield from pg.filled_store(
        "bodyprefix", _articles(tmp_path_factory.mktemp("teks") / "a.jsonl"), tmp_path_factory
    )


def _texts(articles: Any, chars: int | None, prefix: Any = None) -> Any:
    ids = list(range(1, len(BODIES) + 1))
    if prefix is None:
        return articles.texts(ids, chars)
    real = articles._body_prefix
    articles._body_prefix = prefix.__get__(articles)
    try:
        return articles.texts(ids, chars)
    finally:
        articles._body_prefix = real


@pytest.mark.parametrize("chars", [1, 5, 10, 37, 64, 80, 200, 100_000, None])
def test_the_texts_are_substrs(store, chars) -> None:  # type: ignore[no-untyped-def]
    articles = store._storage.articles
    found = _texts(articles, chars)
    assert found == _texts(articles, chars, Articles._body_prefix)  # substr alone
    assert len(found) == len(BODIES)
    whole = _texts(articles, None)
    for article_id, (title, body) in found.items():
        assert title == whole[article_id][0]
        assert body == (whole[article_id][1] if chars is None else whole[article_id][1][:chars])


def test_a_wrong_length_test_gives_other_texts(store) -> None:  # type: ignore[no-untyped-def]
    """The comparison catches a test of the length that lets a longer body through whole."""

    def wrong(self: Any, chars: int | None) -> str:
        return f"CASE WHEN octet_length(body) <= {2 * (chars or 0)} THEN body ELSE substr(body, 1, {chars}) END"

    articles = store._storage.articles
    assert _texts(articles, 40, wrong) != _texts(articles, 40, Articles._body_prefix)
