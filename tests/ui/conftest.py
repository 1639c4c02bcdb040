"""Fixtures for the UI tests: a copy of the bundled store per test, and the app factory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reader.cli import import_bundled
from reader.core.store import Store
from reader.ui.app import ReaderApp, UIConfig, make_app


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled articles imported once; tests get copies."""
    path = tmp_path_factory.mktemp("bundled") / "articles.db"
    store = Store(path)
    import_bundled(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def store(bundled_db: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "articles.db"
    shutil.copy(bundled_db, path)
    store = Store(path)
    yield store
    store.close()


def test_app(store: Store, **config) -> ReaderApp:
    """The app as the CLI builds it, with the input cursor's blink off for stable pictures."""
    return make_app(store, UIConfig(cursor_blink=False, **config))


test_app.__test__ = False  # a helper, not a test


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages be handled (never a sleep)."""
    while True:
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue  # an exclusive worker was replaced: wait for its successor
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return
