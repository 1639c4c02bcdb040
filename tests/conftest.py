from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Library, open_library

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = DATA / "seed" / "000_2d42871219c94602.txt"
DEMO = DATA / "demo" / "indosum-demo.jsonl"


class Rows(list[tuple[Any, ...]]):
    def fetchone(self) -> tuple[Any, ...] | None:
        return self[0] if self else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self)


def sql(library: Library, statement: str, params: tuple[Any, ...] = ()) -> Rows:
    """Look inside a store from a test, on a connection of its own (the reader's own SQL
    lives in reader/core/db)."""
    with closing(sqlite3.connect(library.path)) as conn:
        return Rows(conn.execute(statement, params).fetchall())


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """An empty store in a fresh file."""
    with open_library(tmp_path / "articles.db") as library:
        yield library


@pytest.fixture(scope="session")
def _demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "articles.db"
    with open_library(path) as library:
        result = library.import_inputs([str(SEED), str(DEMO)])
        assert result.added == 410 and not result.failed
    return path


@pytest.fixture
def demo_library(_demo_db: Path, tmp_path: Path) -> Iterator[Library]:
    """The seed and the demo corpus (real IndoSum articles), a fresh copy per test."""
    path = tmp_path / "demo.db"
    shutil.copy(_demo_db, path)
    with open_library(path) as library:
        yield library


@pytest.fixture(scope="session")
def demo_library_ro(_demo_db: Path) -> Iterator[Library]:
    """The same store, shared by tests that only read."""
    with open_library(_demo_db) as library:
        yield library
