"""Related news reads a same-story candidate's text only where its stored MinHash signature
agrees with the article's in AGREE_LEAST slots or more (issue 14): the candidates that share a
band by chance are given up on their signatures, not on their texts, and versions are found
as before."""

from __future__ import annotations

import random

from reader.core import minhash
from reader.core.models import Article
from reader.core.services import related
from tests.conftest import sql
from tests.core.test_client_cpu_related import _own, _reference_same_story, _variant


def test_candidates_whose_signatures_disagree_are_not_read(demo_library, monkeypatch):
    library = demo_library
    rng = random.Random(14)
    (original_id,) = sql(
        library, "SELECT id FROM articles WHERE length(body) > 1200 ORDER BY id LIMIT 1"
    )[0]
    original = library.get(original_id)
    assert original is not None
    library.import_articles(
        [
            Article(
                title=original.title,
                body=_variant(original.body, rng, share),
                url=f"https://versions.example/{number}",
                source="versions",
            )
            for number, share in enumerate((0.0, 0.05, 0.15, 0.3))
        ]
    )
    versions = [
        row[0]
        for row in sql(library, "SELECT id FROM articles WHERE source = 'versions' ORDER BY id")
    ]
    everything = [row[0] for row in sql(library, "SELECT id FROM articles ORDER BY id")]
    strangers = rng.sample([i for i in everything if i not in [original_id, *versions]], 40)
    finder = library._related
    real_sharing = finder.bands.sharing_any

    def sharing_any(bands, exclude, limit):  # type: ignore[no-untyped-def]
        # the bands' own candidates and 40 articles sharing a band by chance
        return [*real_sharing(bands, exclude, limit), *strangers]

    monkeypatch.setattr(finder.bands, "sharing_any", sharing_any)
    expected = _reference_same_story(finder, original, [])
    read: list[int] = []
    real_texts = finder.articles.texts

    def texts(ids, chars=None):  # type: ignore[no-untyped-def]
        read.extend(ids)
        return real_texts(ids, chars)

    monkeypatch.setattr(finder.articles, "texts", texts)
    found = finder.same_story(original, [], _own(finder, original))
    assert found == expected
    assert {item.id for item in found} >= set(versions[:2])  # the two close versions
    mine = bytes(_own(finder, original).minhash or b"")
    signed = finder.articles.signed_within(strangers, related.TEXT_CHARS)
    assert len(signed) == len(strangers)
    agreeing = {i for i in strangers if related._agreement(mine, signed[i]) >= related.AGREE_LEAST}
    assert set(read) & set(strangers) == agreeing
    assert len(agreeing) < len(strangers) // 2  # most were given up on their signatures
    assert set(versions[:2]) <= set(read)


def test_agreement_counts_equal_slots():
    slots = list(range(minhash.PERMUTATIONS))
    blob = b"".join(value.to_bytes(4, "little") for value in slots)
    other = b"".join((value if value % 3 else value + 1).to_bytes(4, "little") for value in slots)
    assert related._agreement(blob, blob) == minhash.PERMUTATIONS
    assert related._agreement(blob, other) == minhash.PERMUTATIONS - 21


def test_signed_within_gives_the_signatures_of_bodies_within_the_length(library):
    library.import_articles(
        [
            Article(title="Satu", body="buruh pabrik menuntut pesangon setelah pabrik tutup " * 3),
            Article(title="Dua", body="kafé " * 20 + "buruh pabrik menuntut pesangon lagi"),
        ]
    )
    articles = library._storage.articles
    stored = {row[0]: bytes(row[1]) for row in sql(library, "SELECT id, minhash FROM articles")}
    assert all(len(blob) == minhash.PERMUTATIONS * 4 for blob in stored.values())
    assert articles.signed_within([1, 2, 99], 1000) == stored
    assert articles.signed_within([1, 2], 100) == {}  # both bodies are longer
    assert articles.signed_within([], 1000) == {}
