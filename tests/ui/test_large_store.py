"""The headline list's work must not grow with the store: 100,000 rows cost what 100 do."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from reader.core.db.sqlite import sqlite3
from reader.core.library import Library, open_library
from reader.core.models import Headline, HeadlineFilter
from reader.ui.widgets.headline_list import PAGE_SIZE, HeadlineList
from tests.ui.conftest import settle, test_app


def build_store(path: Path, rows: int) -> None:
    """A store of `rows` minimal articles, inserted straight into the table (no search index):
    made by SQLite itself from a counter (a Python row each cost twice the CPU)."""
    open_library(path).close()  # the schema
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "WITH RECURSIVE n(x) AS (SELECT 0 WHERE ? > 0 UNION ALL "
            "SELECT x + 1 FROM n WHERE x + 1 < ?) "
            "INSERT INTO articles (title, title_key, body, sort_key, content_hash, imported_at, "
            "source, published_at) "
            "SELECT 'Headline ' || x, 'headline ' || x, 'Body of article ' || x || '.', "
            "printf('%08d', x), 'h' || x, '2026-01-01T00:00:00+00:00', 'bench', "
            "'2018-02-28T08:00:00+00:00' FROM n",
            (rows, rows),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


class CountingLibrary:
    """Wraps the library to count the headline rows the UI asks for."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self.headline_calls = 0
        self.rows = 0

    def headlines(
        self, offset: int = 0, limit: int = 50, view: HeadlineFilter | None = None
    ) -> list[Headline]:
        self.headline_calls += 1
        rows = self._library.headlines(offset, limit, view)
        self.rows += len(rows)
        return rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)


async def fetched(library: CountingLibrary) -> list[tuple[int, int]]:
    """(calls, rows) after the first paint, after `j`, and after `End` (jump to the oldest)."""
    app = test_app(library)  # type: ignore[arg-type]
    seen = []
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)  # the count (a worker), the first window, the first article
        seen.append((library.headline_calls, library.rows))
        await pilot.press("j")
        await pilot.pause()
        seen.append((library.headline_calls, library.rows))
        await pilot.press("end")
        await pilot.pause()
        seen.append((library.headline_calls, library.rows))
        headlines = app.query_one(HeadlineList)
        assert headlines.cursor == headlines.total - 1
        assert headlines.current.title == "Headline 0"  # the oldest row really is shown
    return seen


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("sizes")
    paths = {}
    for rows in (100, 100_000):
        paths[rows] = folder / f"{rows}.db"
        build_store(paths[rows], rows)
    return paths


@pytest.mark.paints_every_frame  # a frame's painting fetches the rows it shows
def test_rows_fetched_do_not_grow_with_the_store(stores: dict[int, Path]) -> None:
    with open_library(stores[100]) as small_library, open_library(stores[100_000]) as large_library:
        small = CountingLibrary(small_library)
        large = CountingLibrary(large_library)
        assert large.count() == 100_000
        small_seen = asyncio.run(fetched(small))
        large_seen = asyncio.run(fetched(large))
    first_paint, after_j, after_end = large_seen
    # First paint: one window of rows, the same as for the small store.
    assert first_paint == small_seen[0]
    assert 0 < first_paint[1] <= PAGE_SIZE
    # Moving the cursor within the window fetches nothing more.
    assert after_j == first_paint
    # Jumping to the oldest of 100,000 fetches one more window, not the rows in between.
    assert after_end[0] - after_j[0] <= 2
    assert after_end[1] - after_j[1] <= 2 * PAGE_SIZE
