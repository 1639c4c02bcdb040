"""The second step of an import computes a chunk's MinHash at once (minhash.chunk_*, through
indexing.grouped_chunk): the same shingles, signatures, bands and word counts as the article
by article reference below (`grouping`, what step two computed of each article before), or
stored stories would change."""

from __future__ import annotations

import functools
import json
import random
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pytest

from reader.core import minhash
from reader.core.services import indexing
from reader.core.text import surface_string

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "indosum-demo.jsonl"


@dataclass
class Grouping:
    """What step two needs of one stored article: its words and its MinHash signature and
    bands (None when the body has no shingles)."""

    id: int
    words: set[str]
    signature: bytes
    bands: list[int] | None


def grouping(article_id: int, title: str, body: str) -> Grouping:
    """The reference, one article at a time: the surface string of each paragraph gives its
    words (title, lead and rest together) and its shingles."""
    paragraphs = body.split("\n\n")
    surfaces = [surface_string(paragraph) for paragraph in paragraphs]
    words = set(surface_string(title).split())
    for surface in surfaces:
        words.update(surface.split())
    shingle_set = minhash.shingles_of_words(minhash.shingle_words(paragraphs, surfaces))
    signature = minhash.signature(shingle_set)
    return Grouping(
        id=article_id,
        words=words,
        signature=minhash.to_blob(signature),
        bands=minhash.band_keys(signature) if len(shingle_set) else None,
    )


@functools.cache
def _bodies() -> list[tuple[int, str, str]]:
    """Real articles, and the edges: no words, fewer than three, repeated words, a lead sign
    and a credit line alone, one very long body (more shingles than a signature block)."""
    rows = []
    with DEMO.open(encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            article = json.loads(line)
            rows.append((i + 1, article["title"], article["body"]))
            if len(rows) == 150:
                break
    rng = random.Random(7)
    words = " ".join(rows[0][2].split()[:40]).split()
    edges = [
        ("kosong", "!!!"),
        ("satu", "kata"),
        ("dua", "dua kata"),
        ("tiga", "satu dua tiga"),
        ("ulang", "kata kata kata kata kata kata"),
        ("tanda", "jpnn.com, JAKARTA - Baca juga: sesuatu\n\nRedaktur: Seseorang"),
        ("panjang", " ".join(rng.choice(words) + str(rng.randrange(900)) for _ in range(3000))),
    ]
    rows += [(1000 + i, title, body) for i, (title, body) in enumerate(edges)]
    rng.shuffle(rows)
    return rows


@functools.cache
def _reference() -> dict[int, Grouping]:
    """Each article's grouping, by id: the same for every chunk size, computed once."""
    return {row[0]: grouping(*row) for row in _bodies()}


@pytest.mark.parametrize("chunk", [1, 7, 500])
def test_a_chunk_at_once_gives_what_each_article_gives(chunk: int) -> None:
    rows = _bodies()
    reference = _reference()
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        expected = [reference[row[0]] for row in part]
        found, words = indexing.grouped_chunk(part)
        assert [tuple(g) for g in found] == [(e.id, e.signature, e.bands) for e in expected]
        assert words == Counter(chain.from_iterable(e.words for e in expected))
    assert any(g.bands is None for g in reference.values())  # the edges are there


def test_the_chunk_functions_match_the_single_ones_piece_by_piece() -> None:
    word_lists = [[], ["a"], ["a", "b"], ["a", "b", "c"], ["x"] * 9, [str(i) for i in range(700)]]
    sets = minhash.chunk_shingles(word_lists)
    for words, found in zip(word_lists, sets, strict=True):
        assert found.tolist() == minhash.shingles_of_words(words).tolist()
    signatures = minhash.chunk_signatures(sets)
    for one, row in zip(sets, signatures, strict=True):
        assert row.tolist() == minhash.signature(one).tolist()
    assert minhash.chunk_band_keys(signatures) == [minhash.band_keys(row) for row in signatures]
    assert minhash.chunk_shingles([]) == []
