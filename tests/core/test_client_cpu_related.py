"""Related news' same-story check with less client CPU (issue 14): the same items as before.

minhash.same_story_score gives up a candidate once even its best case cannot reach
SAME_STORY, and minhash.cleaned_words splits an ASCII body in C; each is compared here with
the plain computation it stands for (minhash.shingle_set, set_jaccard, text.surface_words).
"""

from __future__ import annotations

import random

import pytest

from reader.core import minhash
from reader.core.minhash import cleaned_words, same_story_score
from reader.core.models import Article, RelatedItem, StoredArticle
from reader.core.services import related
from reader.core.services.related import RelatedFinder
from reader.core.text import surface_words
from tests.conftest import sql

ODD_TEXTS = [
    "",
    "satu",
    "satu dua",
    "satu dua tiga",
    "Jakarta, CNN Indonesia -- Harga BERAS naik 5%_lagi; anak-anak (ant)",
    "“Kami menolak,” kata Ketua—dengan tegas… harga €12 atau £10.",
    "Café résumé naïve: kata serapan é, ß und İstanbul, Kelvin \u212a dan ſ.",
    "angka ٣ dan ½ dan ² serta x\u0301 ganda",
    "tab\there\x1fdan\x1cpemisah\u00a0nbsp\u2003em",
    "under_score snake_case __init__ 123abc abc123",
    "Baca juga: berita lain\n\nParagraf pertama di sini.\n\nReporter: Budi",
]


def _reference_score(exact: float) -> float | None:
    """What same_story_score must give for a body whose shingle set's Jaccard with `mine`
    is `exact`: the score where it reaches the threshold, else None."""
    return exact if exact >= minhash.SAME_STORY else None


def _variant(body: str, rng: random.Random, share: float, *, head: bool = False) -> str:
    """The body with `share` of its words replaced: at random, or its first ones (`head`),
    so that a candidate's early shingles differ and only its later ones match."""
    words = body.split(" ")
    count = int(len(words) * share)
    places = range(count) if head else rng.sample(range(len(words)), count)
    for i in places:
        words[i] = f"kata{rng.randrange(10**6)}"
    return " ".join(words)


# Pure functions of the demo corpus's bodies, the same texts on either backend (test_postgres:
# a copy there and back keeps every article): read from one store.
@pytest.mark.sqlite_only
def test_cleaned_words_are_the_words_minhash_shingles(demo_library_ro):
    bodies = [row[0] for row in sql(demo_library_ro, "SELECT body FROM articles").fetchall()]
    assert len(bodies) > 100
    for text in [*ODD_TEXTS, *bodies]:
        assert cleaned_words(text) == surface_words(minhash.clean_for_shingles(text)), text[:80]
    assert any(not body.isascii() for body in bodies) and any(body.isascii() for body in bodies)


@pytest.mark.sqlite_only  # as above: the bodies are the corpus's, on either backend
def test_same_story_score_is_set_jaccard_where_it_reaches_the_threshold(demo_library_ro):
    rng = random.Random(14)
    bodies = [
        row[0]
        for row in sql(
            demo_library_ro, "SELECT body FROM articles WHERE length(body) > 400 ORDER BY id"
        ).fetchall()
    ][:60]
    near = reached = 0
    for body in bodies:
        mine = minhash.shingle_set(body)
        others = [_variant(body, rng, share) for share in (0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.3)]
        # the first words changed: early shingles miss, later ones match (a scan that gave
        # up on the words read so far alone would lose these)
        others += [_variant(body, rng, share, head=True) for share in (0.2, 0.3, 0.35, 0.4)]
        others += [body + "\n\n" + body.split("\n\n")[0], *rng.sample(bodies, 5), *ODD_TEXTS]
        for other in others:
            # the exact Jaccard of the two shingle sets, worked out once for both uses
            exact = minhash.set_jaccard(mine, minhash.shingle_set(other))
            expected = _reference_score(exact)
            assert same_story_score(mine, other) == expected
            near += 0.4 <= exact < 0.6
            reached += expected is not None
    assert reached > 100 and near > 40  # both sides of the threshold were tried


def test_a_candidate_is_given_up_before_all_its_shingles_are_hashed(monkeypatch):
    """The point of the bound: an unrelated body is left after a part of its words."""
    rng = random.Random(3)
    vocabulary = [f"kata{i}" for i in range(3000)]
    mine = minhash.shingle_set(" ".join(rng.choice(vocabulary) for _ in range(300)))
    other = " ".join(rng.choice(vocabulary) for _ in range(300))
    looked: list[str] = []
    table = minhash._WordHashes()

    class Counting(minhash._WordHashes):
        def __missing__(self, word: str) -> tuple[int, int, int]:
            looked.append(word)
            return table[word]

    monkeypatch.setattr(minhash, "_WORD_HASHES", Counting())
    assert same_story_score(mine, other) is None
    assert 0 < len(looked) < 200  # of 300 words


def _own(finder: RelatedFinder, article: StoredArticle) -> related.Own:
    """The article's sort key and signature as related news reads them with it."""
    found = finder.articles.for_related(article.id)
    assert found is not None
    return related.Own(found[1], found[2])


def _reference_same_story(
    finder: RelatedFinder, article: StoredArticle, also: list[int]
) -> list[RelatedItem]:
    """RelatedFinder.same_story as it was: every candidate's headline read, every candidate's
    whole shingle set hashed."""
    own_row = _own(finder, article)
    keys = None
    if len(article.body) <= related.TEXT_CHARS and own_row.minhash:
        keys = minhash.blob_band_keys(bytes(own_row.minhash))
    if keys is None:
        own = minhash.shingles(article.body[: related.TEXT_CHARS])
        if not len(own):
            return []
        keys = minhash.band_keys(minhash.signature(own))
    candidates = finder.bands.sharing_any(keys, article.id, related.BAND_CANDIDATES)
    wanted = list(dict.fromkeys([*candidates, *also]))
    mine = minhash.shingle_set(article.body[: related.TEXT_CHARS])
    if not wanted or not mine:
        return []
    texts = finder.articles.texts(wanted, related.TEXT_CHARS)
    items = []
    for headline in finder.articles.headlines_by_id([i for i in wanted if i in texts]):
        score = minhash.set_jaccard(mine, minhash.shingle_set(texts[headline.id][1]))
        if score >= minhash.SAME_STORY:
            items.append(related._item(headline, "same-story", score))
    items.sort(key=lambda item: -item.score)
    return items


def test_same_story_finds_what_it_found_before(demo_library, monkeypatch):
    library = demo_library
    rng = random.Random(141)
    originals = [
        row[0]
        for row in sql(
            library, "SELECT id FROM articles WHERE length(body) > 1200 ORDER BY id LIMIT 6"
        )
    ]
    variants = []
    for number, original_id in enumerate(originals):
        original = library.get(original_id)
        assert original is not None
        # versions at several distances, a few of them copies (equal scores keep their order)
        for share in (0.0, 0.0, 0.05, 0.15, 0.25, 0.35):
            variants.append(
                Article(
                    title=original.title,
                    body=_variant(original.body, rng, share, head=share == 0.25),
                    url=f"https://versions.example/{number}/{len(variants)}",
                    source="versions",
                    published_at=original.published_at,
                )
            )
    # Each imported article reads its text and its close candidates' in one read at most
    # (a version has up to five close ones here: the versions before it).
    articles = library._indexer.articles
    reads: list[list[int]] = []
    texts = articles.texts
    with monkeypatch.context() as patch:
        patch.setattr(articles, "texts", lambda ids, *rest: reads.append(ids) or texts(ids, *rest))
        library.import_articles(variants)
    assert max(map(len, reads)) > 2 and len(reads) <= len(variants)
    finder = library._related
    everything = [row[0] for row in sql(library, "SELECT id FROM articles ORDER BY id")]
    chosen = [*originals, *everything[-len(variants) :], *rng.sample(everything, 30)]
    found = 0
    for article_id in chosen:
        article = library.get(article_id)
        assert article is not None
        also = rng.sample(everything, 5)
        expected = _reference_same_story(finder, article, also)
        assert finder.same_story(article, also, _own(finder, article)) == expected
        found += len(expected)
    assert found > 60
