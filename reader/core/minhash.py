"""Near-duplicate detection: MinHash over word 3-shingles of an article body.

Site boilerplate ("jpnn.com, JAKARTA -", "(jpnn)", "Baca juga: ...") is removed first, so two
sites printing the same agency copy look alike. Bands of the signature (LSH) find candidates
in the store cheaply; candidates are confirmed on the exact Jaccard of their shingle sets.
"""

from __future__ import annotations

import re
import struct
import zlib
from functools import cache
from itertools import chain, islice
from operator import xor
from typing import TYPE_CHECKING

from reader.core.text import ascii_letters_only, surface_string, surface_words

# numpy is imported where it is first used, not with this module: the reader's first screen
# needs neither (the library imports this module with the services that use it), and numpy
# costs about a fifth of a second to load. Each function below binds it again (a dict lookup).
if TYPE_CHECKING:
    import numpy as np

PERMUTATIONS = 63
ROWS_PER_BAND = 3
BANDS = PERMUTATIONS // ROWS_PER_BAND
SAME_STORY = 0.5  # Jaccard at or above which two bodies tell the same story
# A shingle of words a, b, c: (crc32(a) * MIX_A) ^ (crc32(b) * MIX_B) ^ crc32(c), in 32 bits.
MIX_A, MIX_B = 0x9E3779B1, 0x85EBCA77


HASH_SEED = 20180219


@cache
def _hash_parameters() -> tuple[np.ndarray, np.ndarray]:
    """Multiply-shift hashing: ((a * x + b) mod 2**64) >> 32 with a odd is a universal family,
    and numpy's uint64 arithmetic wraps exactly like that. Fixed: stored signatures stay
    comparable. The values are those numpy's default_rng(HASH_SEED) draws (`drawn_parameters`),
    written out because numpy.random costs each process that hashes 50-80 ms of CPU to load
    (tests/core/test_import_hash_parameters.py checks they are the same)."""
    import numpy as np

    return np.array(_MULTIPLIERS, dtype=np.uint64), np.array(_OFFSETS, dtype=np.uint64)


def drawn_parameters() -> tuple[np.ndarray, np.ndarray]:
    """The hash parameters as they were first made: odd multipliers and offsets drawn from
    numpy's default_rng(HASH_SEED)."""
    import numpy as np

    rng = np.random.default_rng(HASH_SEED)
    a = rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 63, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


_MULTIPLIERS = (
    0xC9CBA54A6F848401,
    0xF09AD79519809537,
    0x08C1BAD8597E41DB,
    0x3A6C72355493FAF7,
    0xD7F0C197D1D0C425,
    0x61035A207B0ABDD5,
    0x3F8A50EE50A42619,
    0xDD621067783CD039,
    0x69E58AC3D1A06111,
    0x11BD9D341072A969,
    0x9127C8825BF3A64B,
    0x5B282E5C12BC4587,
    0x30FF72282C35F233,
    0x427208EB8D5B2BAD,
    0xC93D158753C99F9D,
    0x67E60D3B786234F5,
    0xB5008ABDFCFF5D7F,
    0x19AEC9C82F7C2B59,
    0x016CCD474233130B,
    0x523F4B83215ED9F7,
    0xEC3916DB13488A8B,
    0xEB8B9C0F0286920D,
    0x2E6B044BDA717EC9,
    0xBA4356354EDE7091,
    0xFD7827658A1309D1,
    0x11FE66E561176C9B,
    0xF821FC41860AABF9,
    0xFF43A4E97BFFB85F,
    0xCD7ECFFB81621CE1,
    0x7F88118D226F7A69,
    0x88588BD629E1FADD,
    0xD4CC12F6C01DF80B,
    0xC51EEF9435DD59CF,
    0x73E0217AFB1427F1,
    0x00D9AFE5DCFADAE1,
    0x3E410ACCE6D41C5D,
    0x956768F6B839F143,
    0xCCAF240E868B6D2B,
    0x42858FE3B2DA476B,
    0x5AF82BCA481FD007,
    0x66FFC1D5447E08AD,
    0xC092351834CE2D1F,
    0x02C99F90087E8167,
    0x050D6795932C754B,
    0x33208471AA5DA617,
    0xD5E6467791BAFF85,
    0xE4DB89F2AE2E564D,
    0x8C4A866EB3BE07C5,
    0x7DEB73D7F91707B3,
    0xB7A7C8AC572C9849,
    0xC3F3526CD8A3AB71,
    0x9F6E384157482645,
    0x05CA49D4D1C271E9,
    0xBEBAE6AD76E1D449,
    0xD961A210B3BF9A79,
    0x2FE2CEA80E82B023,
    0x4DFCABED6560E21D,
    0xE095C3CD2191BF9D,
    0xB58EEC1B051166AD,
    0xC1652CB6DB2EF5DD,
    0xB582D5BC2E44B4EF,
    0x03090DF11039416B,
    0x6E5932EA3B08359F,
)
_OFFSETS = (
    0x4715D0E720E91F71,
    0x1C8AF7ADABB494EC,
    0x1897FCC13A422142,
    0x313DC3C866C27048,
    0x29347B20D63A10F4,
    0x43C6DA97DBC48DEE,
    0x25A688814E49AB22,
    0x0C0A21E1B4D9BCFD,
    0x7E5026AB228DD7A5,
    0x7F912D68E545D8A7,
    0x7A3AE261A8073E9D,
    0x53D85744F6B18F77,
    0x7C8D49D0193C8394,
    0x4825F116DA8257A3,
    0x5E28EFD04ED8DB8E,
    0x14B2F0A0BFAE2A12,
    0x3757672F2FF3A23F,
    0x594745EB7E9F4E64,
    0x5B1906A711A4BC1A,
    0x774A8F73E37B866E,
    0x0D0EA3AEEBF2AA42,
    0x33FBC8C7CA727058,
    0x779EF12BDC14F56C,
    0x08F9BB9D864AADBE,
    0x3963D0AE69D03077,
    0x083A020FF3C78997,
    0x0F5D4E2EB8D3EF98,
    0x59CD22E19C3820C2,
    0x64E049A509FD30BB,
    0x43688D5923833F59,
    0x5521B951B7AD7684,
    0x0F85E42E53C666FD,
    0x795F5714D00633E0,
    0x7E80ACBEE8F7C647,
    0x062E469337C14ECA,
    0x011E52C102BF03CE,
    0x660C941C569F89E6,
    0x5A46E66512039E10,
    0x32F37FC424EF25C4,
    0x01C31DEDD5E70223,
    0x708BC1E31362DDD0,
    0x153B75340D5A7308,
    0x7FF5F9F71C820525,
    0x6497AC09AB9C9FB0,
    0x330AD119905CE4B6,
    0x09498AED7F5A934C,
    0x546144F8D82CC787,
    0x41B12903A0568166,
    0x381961152A710AD1,
    0x27EA8877181E0BDC,
    0x59C5CE144FD38217,
    0x67022F3C57D2EAB2,
    0x7DF5562E49D4919C,
    0x59B66B9E7DDFCB3B,
    0x6BD4F71B3BB0BDF2,
    0x0A76F457C0E5C001,
    0x4069E1B755D2F74E,
    0x2546C1CE402A36E7,
    0x5860241B774F23DE,
    0x5575AFA0FA044250,
    0x1EC8257E7D7B7148,
    0x3350DE11F52ECDFC,
    0x38B5B64945212BF7,
)


# "jpnn.com, JAKARTA - ", "Jakarta, CNN Indonesia -- ", "Jakarta (ANTARA News) - ": a short
# head (at most six words) before a dash at the very start of the lead.
_SIGN_WORD = r"(?:\(?[A-Z]\S*|\S+\.(?:com|net|org|id)\S*)"
_LEAD_SIGN = re.compile(rf"^\s*(?:{_SIGN_WORD}\s+){{0,5}}?{_SIGN_WORD}\s*[-–—]{{1,2}}\s+")
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


def shingles(body: str) -> np.ndarray:
    """Hashes of the word 3-shingles of the cleaned body, sorted and unique (a set: a repeated
    lead adds almost nothing)."""
    return shingles_of_words(surface_words(clean_for_shingles(body)))


def shingle_words(paragraphs: list[str], surfaces: list[str]) -> list[str]:
    """`surface_words(clean_for_shingles(body))` from the body's paragraphs (split at blank
    lines) and the surface string of each, which the caller has already computed: only a
    paragraph that loses its lead sign or sign-off is read again. (No word spans a paragraph
    break, so the words of the kept paragraphs, in order, are the words of their join.)"""
    kept = [
        i
        for i, p in enumerate(paragraphs)
        if p.strip() and not _READ_ALSO.match(p) and not _CREDITS.match(p)
    ]
    if not kept:
        return []
    texts = [surfaces[i] for i in kept]
    first = _LEAD_SIGN.sub("", paragraphs[kept[0]], count=1)
    if len(kept) == 1:
        first = _SIGN_OFF.sub("", first)
    if first != paragraphs[kept[0]]:
        texts[0] = surface_string(first)
    if len(kept) > 1:
        last = _SIGN_OFF.sub("", paragraphs[kept[-1]])
        if last != paragraphs[kept[-1]]:
            texts[-1] = surface_string(last)
    return " ".join(text for text in texts if text).split(" ") if any(texts) else []


def body_shingle_words(body: str, lead: str, rest: str) -> list[str]:
    """`shingle_words` of the body's paragraphs, from the surface strings of its first
    paragraph (`lead`) and of the rest (`rest`), which an import has already computed: most
    bodies lose nothing to cleaning, and their words are those of the two strings. A body that
    loses something is read again, paragraph by paragraph."""
    paragraphs = body.split("\n\n")
    kept = [i for i, p in enumerate(paragraphs) if p.strip()]
    if not kept:
        return []
    last = paragraphs[kept[-1]]
    removes = (
        any(_READ_ALSO.match(paragraphs[i]) or _CREDITS.match(paragraphs[i]) for i in kept)
        or _LEAD_SIGN.match(paragraphs[kept[0]]) is not None
        or _SIGN_OFF.search(last) is not None
    )
    joined = f"{lead} {rest}" if lead and rest else lead or rest
    # A word that folds to nothing ("\uff9e") leaves an empty word in a surface string, which
    # the join of the paragraphs' strings would not hold.
    if removes or "  " in joined or joined[:1] == " " or joined[-1:] == " ":
        return shingle_words(paragraphs, [surface_string(p) for p in paragraphs])
    return joined.split(" ") if joined else []


def shingles_of_words(words: list[str]) -> np.ndarray:
    """`shingles` of a body whose cleaned words are `words`."""
    import numpy as np

    if not words:
        return np.empty(0, dtype=np.uint64)
    # crc32 of each word, iterated in C: this runs for every word of every imported article.
    h = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    if len(h) >= 3:
        h = (h[:-2] * np.uint64(MIX_A)) ^ (h[1:-1] * np.uint64(MIX_B)) ^ h[2:]
    return np.unique(h & np.uint64(0xFFFFFFFF))


def chunk_shingles(word_lists: list[list[str]]) -> list[np.ndarray]:
    """`shingles_of_words` of each of `word_lists` (a chunk of articles), in a few array
    operations for all of them instead of a few for each."""
    import numpy as np

    lengths = np.fromiter(map(len, word_lists), dtype=np.int64, count=len(word_lists))
    total = int(lengths.sum())
    if not total:
        return [np.empty(0, dtype=np.uint64) for _ in word_lists]
    words = chain.from_iterable(word_lists)
    h = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=total)
    shingled = (h[:-2] * np.uint64(MIX_A)) ^ (h[1:-1] * np.uint64(MIX_B)) ^ h[2:]
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    # An article's shingles start where its words do and stop two words before its end (a
    # shingle never spans two articles); fewer than three words are kept as they are.
    parts = [
        shingled[start : start + length - 2] if length >= 3 else h[start : start + length]
        for start, length in zip(starts.tolist(), lengths.tolist(), strict=True)
    ]
    counts = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    owner = np.repeat(np.arange(len(parts), dtype=np.uint64), counts)
    keyed = (owner << np.uint64(32)) | (np.concatenate(parts) & np.uint64(0xFFFFFFFF))
    keyed.sort()  # each article's shingles together, in order: unique where unlike the last
    keep = np.empty(len(keyed), dtype=bool)
    keep[:1] = True
    np.not_equal(keyed[1:], keyed[:-1], out=keep[1:])
    keyed = keyed[keep]
    bounds = np.searchsorted(keyed >> np.uint64(32), np.arange(len(parts) + 1, dtype=np.uint64))
    values = keyed & np.uint64(0xFFFFFFFF)
    return [values[bounds[i] : bounds[i + 1]] for i in range(len(parts))]


SIGNATURE_BLOCK = 512  # shingles hashed together by chunk_signatures (63 uint64 each: in cache)


def chunk_signatures(shingle_sets: list[np.ndarray]) -> np.ndarray:
    """`signature` of each of `shingle_sets`, one row each (uint32), computed a block of
    articles at a time."""
    import numpy as np

    found = np.full((len(shingle_sets), PERMUTATIONS), 0xFFFFFFFF, dtype=np.uint32)
    a, b = _hash_parameters()
    block: list[int] = []  # articles of the block, none without shingles
    size = 0
    for i, shingle_set in enumerate([*shingle_sets, None]):
        if shingle_set is not None and not len(shingle_set):
            continue
        if block and (shingle_set is None or size + len(shingle_set) > SIGNATURE_BLOCK):
            hashed = np.concatenate([shingle_sets[j] for j in block])
            mixed = np.multiply.outer(hashed, a)
            mixed += b
            mixed >>= np.uint64(32)
            offsets = np.cumsum([0] + [len(shingle_sets[j]) for j in block[:-1]])
            found[block] = np.minimum.reduceat(mixed, offsets, axis=0).astype(np.uint32)
            block, size = [], 0
        if shingle_set is not None:
            block.append(i)
            size += len(shingle_set)
    return found


def chunk_band_keys(signatures: np.ndarray) -> list[list[int]]:
    """`band_keys` of each row of `signatures`."""
    import numpy as np

    rows = signatures.astype(np.uint64).reshape(len(signatures), BANDS, ROWS_PER_BAND)
    keys = rows[:, :, 0] * np.uint64(0x9E3779B97F4A7C15)
    keys = (keys ^ rows[:, :, 1]) * np.uint64(0xC2B2AE3D27D4EB4F)
    keys = (keys ^ rows[:, :, 2]) * np.uint64(0x165667B19E3779F9)
    keys = keys ^ np.arange(BANDS, dtype=np.uint64)
    found: list[list[int]] = (keys >> np.uint64(1)).tolist()
    return found


def shingle_set(body: str) -> frozenset[int]:
    """`shingles(body)` as a set of ints, in plain Python: slower per word than numpy, but a
    few articles' worth (related news confirming candidates) cost less than loading numpy."""
    words = surface_words(clean_for_shingles(body))
    hashes = [zlib.crc32(word.encode()) for word in words]
    if len(hashes) < 3:
        return frozenset(hashes)
    # The low 32 bits of a product depend only on the low 32 bits of its factors: the same
    # values as shingles_of_words' uint64 arithmetic masked to 32 bits.
    return frozenset(
        ((a * MIX_A) ^ (b * MIX_B) ^ c) & 0xFFFFFFFF
        for a, b, c in zip(hashes, hashes[1:], hashes[2:], strict=False)
    )


def set_jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """`jaccard` of two shingle_set() sets."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


# The words of a body as text.surface_words gives them, for a body in ASCII (or whose other
# characters are no letters or digits, such as curly quotes and dashes): there a word is a run
# of [A-Za-z0-9] and folding is lower-casing, so one bytes.translate() and split() in C give
# them, in a third of the time of the regular expression, the join and the lower().
_ASCII_WORDS = bytes(
    (c | 0x20 if chr(c).isalpha() else c) if chr(c).isalnum() else 0x20 for c in range(128)
) + bytes([0x20] * 128)
# Shingles hashed between two looks at what a candidate can still score.
STEP = 32
_LOW = 0xFFFFFFFF


class _WordHashes(dict[str, tuple[int, int, int]]):
    """word -> its crc32 times MIX_A and times MIX_B (low 32 bits), and itself: the three
    parts of the shingle arithmetic that depend on one word, computed once per word a
    process meets (news repeat their words), WORD_HASHES words at most."""

    def __missing__(self, word: str) -> tuple[int, int, int]:
        if len(self) >= WORD_HASHES:
            self.clear()
        crc = zlib.crc32(word.encode())
        found = self[word] = ((crc * MIX_A) & _LOW, (crc * MIX_B) & _LOW, crc)
        return found


WORD_HASHES = 50_000  # about 13 MB when full (tracemalloc, words of 9-13 letters)
_WORD_HASHES = _WordHashes()


def cleaned_words(body: str) -> list[str]:
    """`surface_words(clean_for_shingles(body))`, the words minhash shingles."""
    text = clean_for_shingles(body)
    plain = ascii_letters_only(text)
    if plain is None:  # a letter or digit outside ASCII is part of a word (and folded)
        return surface_words(text)
    return plain.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()


def same_story_score(mine: frozenset[int], body: str) -> float | None:
    """`set_jaccard(mine, shingle_set(body))` where it reaches SAME_STORY,
    else None; `mine` is not empty.

    Most candidates share a band by chance and score far below. Their shingles are hashed
    STEP at a time (the arithmetic of shingle_set, by map() in C), and the candidate
    is given up once even its best case falls short: every shingle not read yet one of
    `mine`'s, and none outside it. That best case is an upper bound of the score, so a
    candidate given up could not have reached SAME_STORY (the same items as hashing all)."""
    words = cleaned_words(body)
    if len(words) < 3:
        hashes = frozenset(map(zlib.crc32, map(str.encode, words)))
        score = set_jaccard(mine, hashes)
        return score if score >= SAME_STORY else None
    size, positions = len(mine), len(words) - 2
    # A little under SAME_STORY: a float product must never give up a candidate that reaches it
    floor = SAME_STORY * (1 - 1e-9)
    inside: set[int] = set()  # distinct shingles of the body that are also `mine`'s
    outside: set[int] = set()  # and those that are not
    for first in range(0, positions, STEP):
        firsts, seconds, thirds = zip(
            *map(_WORD_HASHES.__getitem__, words[first : first + STEP + 2]), strict=True
        )
        # (a * MIX_A) ^ (b * MIX_B) ^ c, in 32 bits, of each three words in a row
        shingles = set(
            map(xor, map(xor, firsts, islice(seconds, 1, None)), islice(thirds, 2, None))
        )
        inside |= shingles & mine
        outside |= shingles - mine
        unread = max(positions - first - STEP, 0)
        if min(size, len(inside) + unread) < floor * (size + len(outside)):
            return None
    # set_jaccard's own division: common / (len(a) + len(b) - common)
    score = len(inside) / (size + len(outside))
    return score if score >= SAME_STORY else None


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    import numpy as np

    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def signature(shingle_set: np.ndarray) -> np.ndarray:
    """The MinHash signature (PERMUTATIONS uint32 values) of a set of shingle hashes."""
    import numpy as np

    if not len(shingle_set):
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    a, b = _hash_parameters()
    mixed = (shingle_set[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    lowest: np.ndarray = mixed.min(axis=0).astype(np.uint32)
    return lowest


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 63-bit key per band, for an indexed lookup of candidates."""
    import numpy as np

    rows = sig.astype(np.uint64).reshape(BANDS, ROWS_PER_BAND)
    keys = rows[:, 0] * np.uint64(0x9E3779B97F4A7C15)
    keys = (keys ^ rows[:, 1]) * np.uint64(0xC2B2AE3D27D4EB4F)
    keys = (keys ^ rows[:, 2]) * np.uint64(0x165667B19E3779F9)
    keys = keys ^ np.arange(BANDS, dtype=np.uint64)
    return [int(k) >> 1 for k in keys]


def blobs_band_keys(blobs: list[bytes]) -> list[list[int]]:
    """`band_keys(from_blob(blob))` of each of `blobs` (stored signatures), at once."""
    import numpy as np

    if not blobs:
        return []
    stacked = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(blobs), PERMUTATIONS)
    return chunk_band_keys(stacked)


_MASK64 = (1 << 64) - 1


def blob_band_keys(blob: bytes) -> list[int] | None:
    """band_keys(from_blob(blob)) in plain Python, without loading numpy (related news asks it
    of a stored signature on the UI's first rest); None for a blob that is not a signature."""
    if len(blob) != PERMUTATIONS * 4:
        return None
    values = struct.unpack(f"<{PERMUTATIONS}I", blob)
    keys = []
    for band in range(BANDS):
        first, second, third = values[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        key = (first * 0x9E3779B97F4A7C15) & _MASK64
        key = ((key ^ second) * 0xC2B2AE3D27D4EB4F) & _MASK64
        key = ((key ^ third) * 0x165667B19E3779F9) & _MASK64
        keys.append((key ^ band) >> 1)
    return keys


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    import numpy as np

    return float(np.count_nonzero(sig_a == sig_b)) / PERMUTATIONS


def estimates(sig: np.ndarray, blobs: list[bytes]) -> list[float]:
    """`estimate(sig, from_blob(blob))` for each of `blobs`, compared in one array operation
    (an import compares each article with up to 20 stored ones)."""
    import numpy as np

    if not blobs or any(len(blob) != PERMUTATIONS * 4 for blob in blobs):
        return [estimate(sig, from_blob(blob)) for blob in blobs]
    stacked = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(blobs), PERMUTATIONS)
    counts: list[int] = np.count_nonzero(stacked == sig, axis=1).tolist()
    return [float(count) / PERMUTATIONS for count in counts]


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(blob, dtype="<u4")
