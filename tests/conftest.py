from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.core.ingest import read_inputs
from reader.core.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = DATA / "seed" / "000_2d42871219c94602.txt"
DEMO = DATA / "demo" / "indosum-demo.jsonl"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "articles.db")
    yield store
    store.close()


@pytest.fixture(scope="session")
def _demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "articles.db"
    store = Store(path)
    result = store.add_articles(read_inputs([str(SEED), str(DEMO)]))
    assert result.added == 410 and not result.failed
    store.close()
    return path


@pytest.fixture
def demo_store(_demo_db: Path, tmp_path: Path) -> Store:
    """The seed and the demo corpus (real IndoSum articles), a fresh copy per test."""
    path = tmp_path / "demo.db"
    shutil.copy(_demo_db, path)
    store = Store(path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_store_ro(_demo_db: Path) -> Store:
    """The same store, shared by tests that only read."""
    store = Store(_demo_db)
    yield store
    store.close()
