import itertools
import random

import pytest

from reader.core.models import Article
from tests.conftest import SEED, related_of_every_article, sample_named, sampled, sql
from tests.core.related_every import LIMIT, related_the_long_way

REASONS = {"link", "same-story", "similar"}


@pytest.mark.xdist_group("related_every")
def test_related_answers_within_the_contract_for_every_article(demo_library_ro):
    s = demo_library_ro
    answers = related_of_every_article(s, LIMIT)  # the ones the long way is compared with
    assert len(answers) == 410
    for article_id, items in answers.items():
        assert items is not None and len(items) <= LIMIT
        seen = set()
        for item in items:
            assert item.reason in REASONS and isinstance(item.title, str) and item.title
            assert item.id != article_id
            if item.id is not None:
                assert item.id not in seen, "an article appears once"
                seen.add(item.id)
                assert s.headline(item.id) is not None
            else:
                assert item.reason == "link"
    assert s.related(999_999) is None


def test_similar_finds_a_story_on_the_same_subject(demo_library_ro):
    s = demo_library_ro
    seed = sql(s, "SELECT id FROM articles WHERE source = 'jpnn.com'").fetchone()[0]
    similar = [i for i in s.related(seed, 10) if i.reason == "similar"]
    titles = [i.title.lower() for i in similar]
    assert any("pekerja migran" in t or "buruh" in t or "kemnaker" in t for t in titles[:3])


def _republish(article: Article, rng: random.Random) -> Article:
    words = article.body.split(" ")
    for i in rng.sample(range(len(words)), len(words) // 10):
        words[i] = rng.choice(["juga", "pula", "itu", "tersebut", "kini"])
    body = " ".join(words)
    body = body + "\n\n" + body.split("\n\n")[0]  # the lead repeated at the end
    return Article(
        title=article.title.upper(),
        body=body,
        url="https://republish.example/x",
        source="republish",
        published_at=article.published_at,
    )


def test_a_republished_variant_finds_its_original_first_as_same_story(demo_library):
    s = demo_library
    rng = random.Random(7)
    original_ids = [
        row[0]
        for row in sql(s, "SELECT id FROM articles WHERE length(body) > 1500 ORDER BY id LIMIT 5")
    ]
    for original_id in original_ids:
        original = s.get(original_id)
        variant = _republish(original, rng)
        variant.url = f"https://republish.example/{original_id}"
        s.import_articles([variant])
        variant_id = sql(s, "SELECT max(id) FROM articles").fetchone()[0]
        first = s.related(variant_id, 10)[0]
        assert (first.id, first.reason) == (original_id, "same-story")
        assert first.score >= 0.5
        assert [i.id for i in s.related(variant_id, 10)].count(original_id) == 1
        story = dict(
            sql(
                s,
                "SELECT id, coalesce(story_id, id) FROM articles WHERE id IN (?, ?)",
                (original_id, variant_id),
            )
        )
        assert story[variant_id] == story[original_id]


def test_headlines_resolve_to_stored_titles_and_unknown_ones_stay_headlines(library, tmp_path):
    library.import_articles(
        [
            Article(
                title="Menaker Yassierli Bertekad Pertahankan WTP lewat Penguatan Integritas Pegawai",
                body="Isi tentang WTP.",
                url="https://x.id/wtp",
            ),
            Article(
                title="Tangis buruh Sritex pecah seusai Wamenaker Immanuel Ebenezer memastikan tidak ada PHK!",
                body="Isi tentang Sritex.",
                url="https://x.id/sritex",
            ),
        ]
    )
    library.import_inputs([str(SEED)])
    seed_id = sql(library, "SELECT id FROM articles WHERE source = 'jpnn.com'").fetchone()[0]
    links = library.get(seed_id).related
    resolved = {r.title: r.target_id for r in links}
    assert (
        resolved["Menaker Yassierli Bertekad Pertahankan WTP Lewat Penguatan Integritas Pegawai"]
        == 1
    )
    assert (
        resolved[
            "Tangis Buruh Sritex Pecah Seusai Wamenaker Immanuel Ebenezer Memastikan Tidak Ada PHK"
        ]
        == 2
    )
    assert sum(1 for r in links if r.target_id is None) == 4
    items = library.related(seed_id, 10)
    assert [i.reason for i in items[:6]] == ["link"] * 6
    assert [i.id for i in items[:6]] == [None, None, 1, None, 2, None]


def test_a_headline_stored_later_resolves_later(library):
    library.import_inputs([str(SEED)])
    assert all(r.target_id is None for r in library.get(1).related)
    library.import_articles(
        [
            Article(
                title="Terjadi kecelakaan kerja berulang, Wamenaker tinjau smelter IMIP",
                body="Isi.",
                url="https://x.id/imip",
            )
        ]
    )
    assert library.get(1).related[0].target_id == 2


def test_an_article_with_no_near_neighbour_shows_no_similar_articles(library):
    library.import_articles(
        [
            Article(
                title="Buruh tekstil Bandung terkena PHK massal",
                body="Ribuan buruh pabrik tekstil di Bandung terkena pemutusan hubungan kerja "
                "karena pesanan ekspor tekstil turun. Serikat buruh tekstil menuntut pesangon.",
            ),
            Article(
                title="Pabrik tekstil Bandung tutup, buruh menuntut pesangon",
                body="Serikat buruh tekstil Bandung menuntut pesangon setelah pabrik tekstil "
                "tutup dan ribuan buruh kehilangan pekerjaan karena ekspor turun.",
            ),
            Article(
                title="Banjir rendam permukiman di Samarinda",
                body="Hujan deras semalam membuat sungai meluap dan banjir merendam rumah warga "
                "di tiga kelurahan Samarinda; petugas mengevakuasi lansia dengan perahu karet.",
            ),
        ]
        + [
            # Other news, so that words of two articles are rare enough to be distinctive.
            Article(title=f"Harga cabai di pasar {n}", body=f"Harga cabai rawit naik {n} persen.")
            for n in range(15)
        ]
    )
    near = [i for i in library.related(1, 10) if i.reason == "similar"]
    assert [i.id for i in near][:1] == [2]
    assert all(i.score >= 0.2 for i in near), "the floor holds"
    assert library.related(3, 10) == [], "a flood story has no near neighbour: none shown"


def test_related_reads_a_bounded_part_of_each_article(library, monkeypatch):
    from reader.core import minhash
    from reader.core.services import related

    paragraph = "Buruh pabrik tekstil menuntut pesangon setelah pabrik tutup mendadak. "
    # ~2.2 times TEXT_CHARS: what related news reads of it is the same at any length past that
    # (every shingle of a repeated text is in its first copies); importing five times as much
    # cost a fifth of a second on each backend.
    long = (paragraph * 3 + "\n\n") * 1000
    assert len(long) > 2 * related.TEXT_CHARS
    library.import_articles(
        [
            Article(title="Pabrik tekstil tutup", body=paragraph * 3),
            Article(title="Pabrik tekstil tutup lagi", body=long),
        ]
    )
    sizes = []
    for name in ("shingles", "shingle_set"):
        real = getattr(minhash, name)

        def counted(body, real=real):  # type: ignore[no-untyped-def]
            sizes.append(len(body))
            return real(body)

        monkeypatch.setattr(minhash, name, counted)
    assert [item.reason for item in library.related(1, 10)][:1] == ["same-story"]
    assert library.related(2, 10)
    assert sizes and max(sizes) <= related.TEXT_CHARS


def test_stored_band_keys_are_the_ones_numpy_computes():
    import numpy as np

    from reader.core import minhash

    rng = np.random.default_rng(7)
    for _ in range(200):
        sig = rng.integers(0, 1 << 32, size=minhash.PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
        blob = minhash.to_blob(sig)
        assert minhash.blob_band_keys(blob) == minhash.band_keys(minhash.from_blob(blob))
    assert minhash.blob_band_keys(b"") is None
    assert minhash.blob_band_keys(b"\x00" * 12) is None


def test_shingle_sets_in_plain_python_are_numpys(demo_library_ro):
    from reader.core import minhash

    texts = demo_library_ro._storage.articles.texts(list(range(1, 60)), None)
    bodies = [body for _, body in texts.values()] + ["", "satu", "satu dua", "a b c a b c"]
    sets = [minhash.shingle_set(body) for body in bodies]
    for body, found in zip(bodies, sets, strict=True):
        assert found == {int(value) for value in minhash.shingles(body)}
    for a, b in itertools.pairwise(bodies):
        expected = minhash.jaccard(minhash.shingles(a), minhash.shingles(b))
        assert minhash.set_jaccard(minhash.shingle_set(a), minhash.shingle_set(b)) == expected


def test_related_news_loads_no_numpy(demo_library, tmp_path):
    """Same-story candidates come from the signature stored at import and are confirmed on
    shingle sets in plain Python, so the reader's first related news does not pay for loading
    numpy; a republished copy still finds its original first, as the same story."""
    import subprocess
    import sys

    path = demo_library.path
    lone = demo_library.search("pekerja migran", 1).hits[0].id
    assert not [item for item in demo_library.related(lone, 10) if item.reason == "same-story"]
    copy = demo_library.get(lone)
    assert copy is not None
    demo_library.import_articles(
        [Article(title=copy.title, body=copy.body, url="https://copy.example/1", source="copy")]
    )
    (twin,) = sql(demo_library, "SELECT id FROM articles WHERE url = 'https://copy.example/1'")[0]
    demo_library.close()
    script = (
        "import sys\n"
        "from reader.core.library import open_library\n"
        f"with open_library({str(path)!r}) as library:\n"
        f"    items = library.related({lone}, 10)\n"
        "    print('numpy' in sys.modules, end=' ')\n"
        f"    items = library.related({twin}, 10)\n"
        "    print('numpy' in sys.modules, items[0].id, items[0].reason)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "False", str(lone), "same-story"]


@pytest.mark.xdist_group("related_every")
def test_the_floor_handed_to_the_index_changes_no_related_item(demo_library_ro, monkeypatch):
    """Related news hands the index a floor under its similarity floor, which the PostgreSQL
    store's more-like-this read may stop at (its shortcut allowed at any size here): every
    article's related items are those of the index asked with no floor (the long way, which
    undoes related news' other shortcuts too): a sample of the articles in `make test`."""
    from reader.core.db.postgres import text_index
    from reader.core.db.postgres.storage import PostgresStorage
    from reader.core.services.related import MIN_SIMILARITY

    s = demo_library_ro
    if not isinstance(s._storage, PostgresStorage):
        pytest.skip("only the PostgreSQL index reads the floor; SQLite's FTS5 ranks every match")
    whole = related_the_long_way(s)
    assert whole.floors and all(floor > 0 for floor in whole.floors)
    # A rotating sample of the articles (tests/conftest.py: sampled; the pass costs ~2 s of
    # CPU and the server's), always with those whose last similar item scores near the
    # similarity floor (58 of 410), where a floor set too high shows first.
    near = [
        article_id
        for article_id, items in whole.items.items()
        if any(i.reason == "similar" and i.score < MIN_SIMILARITY * 1.1 for i in items)
    ]
    assert len(near) > 20
    ids = sampled(list(whole.items), near)
    monkeypatch.setattr(text_index, "SHARED_FIRST_ABOVE", 0)
    with sample_named(len(ids)):
        floored = {article_id: s.related(article_id, LIMIT) for article_id in ids}
        assert floored == {article_id: whole.items[article_id] for article_id in ids}
