"""Near-duplicate detection: MinHash over word 3-shingles of an article body.

Site boilerplate ("jpnn.com, JAKARTA -", "(jpnn)", "Baca juga: ...") is removed first, so two
sites printing the same agency copy look alike. Bands of the signature (LSH) find candidates
in the store cheaply; candidates are confirmed on the exact Jaccard of their shingle sets.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from reader.core.text import surface_words

PERMUTATIONS = 63
ROWS_PER_BAND = 3
BANDS = PERMUTATIONS // ROWS_PER_BAND
SAME_STORY = 0.5  # Jaccard at or above which two bodies tell the same story

_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20180219)
_A = _rng.integers(1, 1 << 32, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, size=PERMUTATIONS, dtype=np.uint64)

_LEAD_SIGN = re.compile(
    r"^\s*(?:[\w.-]+\.(?:com|co\.id|id|net|org)|\w[\w ]{0,30}),?\s*(?:[A-Z][A-Z .'/-]{1,40})?\s*[-–—]+\s+"
)
_SIGN_OFF = re.compile(r"\s*\((?:[a-z]{2,12}(?:/[a-z]{2,12})*|ant|antara)\)\s*$", re.IGNORECASE)
_READ_ALSO = re.compile(r"^\s*(?:baca juga|simak juga|lihat juga)\b", re.IGNORECASE)
_CREDITS = re.compile(r"^\s*(?:redaktur|reporter|editor|penulis)\s*[:&]", re.IGNORECASE)


def clean_for_shingles(body: str) -> str:
    """The body without the site's lead sign, sign-off, "Baca juga" and credit lines."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    kept = [p for p in paragraphs if not _READ_ALSO.match(p) and not _CREDITS.match(p)]
    if kept:
        kept[0] = _LEAD_SIGN.sub("", kept[0], count=1)
        kept[-1] = _SIGN_OFF.sub("", kept[-1])
    return "\n".join(kept)


def shingles(body: str) -> set[str]:
    """Word 3-shingles of the cleaned body (a set: a repeated lead adds almost nothing)."""
    words = surface_words(clean_for_shingles(body))
    if len(words) < 3:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def signature(shingle_set: set[str]) -> np.ndarray:
    """The MinHash signature (PERMUTATIONS uint32 values) of a set of shingles."""
    if not shingle_set:
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    hashes = np.fromiter(
        (zlib.crc32(s.encode()) for s in shingle_set), dtype=np.uint64, count=len(shingle_set)
    )
    mixed = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return (mixed.min(axis=0) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 63-bit key per band, for an indexed lookup of candidates."""
    rows = sig.astype(np.uint64).reshape(BANDS, ROWS_PER_BAND)
    keys = rows[:, 0] * np.uint64(0x9E3779B97F4A7C15)
    keys = (keys ^ rows[:, 1]) * np.uint64(0xC2B2AE3D27D4EB4F)
    keys = (keys ^ rows[:, 2]) * np.uint64(0x165667B19E3779F9)
    keys = keys ^ np.arange(BANDS, dtype=np.uint64)
    return [int(k) >> 1 for k in keys]


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.count_nonzero(sig_a == sig_b)) / PERMUTATIONS


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")
