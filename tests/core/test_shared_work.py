"""prepare.shared: a large import's chunks are worked by this process and a helper process
together, and handed back in input order, each once.

The helper process imports this module to find `_worked`: pytest is imported only inside the
tests and for the type checker, which keeps it out of the helper (it doubled the helper's
start-up CPU).
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from reader.core.services import prepare

if TYPE_CHECKING:
    import pytest


def _worked(chunk: list[int]) -> tuple[list[int], int]:
    """Runs in either process: which chunk, and where it was worked."""
    time.sleep(0.02)
    return chunk, os.getpid()


def test_chunks_come_back_in_order_worked_here_and_in_the_helper() -> None:
    import pytest

    if not prepare.PARALLEL_PREPARE:
        pytest.skip("one core: no helper process")
    chunks = [[n, n + 1] for n in range(0, 40, 2)]
    results = list(prepare.shared(iter(chunks), _worked))
    assert [chunk for chunk, _ in results] == chunks
    where = [pid for _, pid in results]
    assert where[0] == os.getpid()  # the first while the helper starts
    assert where[1] != os.getpid()  # the second is the helper's
    assert len(set(where)) == 2


def test_one_chunk_or_one_core_works_here(monkeypatch: pytest.MonkeyPatch) -> None:
    assert list(prepare.shared(iter([[1]]), _worked)) == [([1], os.getpid())]
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)
    chunks = [[n] for n in range(5)]
    assert list(prepare.shared(iter(chunks), _worked)) == [(c, os.getpid()) for c in chunks]
    assert list(prepare.shared(iter([]), _worked)) == []
