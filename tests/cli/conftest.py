"""Fixtures for the command's tests: run it in this process (click's runner) on a database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reader.cli import cli
from reader.core.library import Library
from tests.localserver import LocalServer

Invoke = Callable[..., Result]


@pytest.fixture
def invoke() -> Invoke:
    """`invoke(db, *args)` runs `kemnaker-reader --db DB ARGS` in-process (db None: no --db)."""
    runner = CliRunner()

    def run(db: Path | None, *args: str, **env: str | None) -> Result:
        argv = ["--db", str(db), *args] if db is not None else list(args)
        return runner.invoke(cli, argv, env={"KEMNAKER_READER_DB": None, **env})

    return run


@pytest.fixture
def demo_db(demo_library_ro: Library) -> Path:
    """The seed and the demo corpus (410 articles), shared: only for commands that never write."""
    return demo_library_ro.path


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def lines(text: str) -> list[str]:
    return text.strip().splitlines()
