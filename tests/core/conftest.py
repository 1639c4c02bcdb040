"""The store-level tests run against both backends: SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

BACKENDS = ["sqlite", "postgres"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("sqlite_only")
        params = ["sqlite"] if marker is not None else BACKENDS
        metafunc.parametrize("backend", params, indirect=True, scope="session")
