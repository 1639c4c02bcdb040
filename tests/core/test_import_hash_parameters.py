"""The MinHash parameters are written out in minhash.py (loading numpy.random to draw them cost
every hashing process of an import 50-80 ms): they must be exactly the ones drawn from the seed,
or every stored signature and band would stop matching new ones."""

from __future__ import annotations

import numpy as np

from reader.core import minhash


def test_the_written_parameters_are_the_drawn_ones() -> None:
    written = minhash._hash_parameters()
    drawn = minhash.drawn_parameters()
    for mine, theirs in zip(written, drawn, strict=True):
        assert mine.dtype == theirs.dtype == np.uint64
        assert mine.shape == theirs.shape == (minhash.PERMUTATIONS,)
        assert np.array_equal(mine, theirs)
    assert all(int(a) % 2 == 1 for a in written[0])  # multiply-shift needs odd multipliers


def test_signatures_do_not_change() -> None:
    """A signature made now equals one made with the drawn parameters."""
    shingles = minhash.shingles("Upah minimum provinsi naik tahun depan kata menteri di Jakarta.")
    a, b = minhash.drawn_parameters()
    mixed = (np.multiply.outer(shingles, a) + b) >> np.uint64(32)
    assert np.array_equal(minhash.signature(shingles), mixed.min(axis=0).astype(np.uint32))
