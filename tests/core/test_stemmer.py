"""Root families: Snowball (a dependency) with the nasal-prefix variants, Sastrawi joining them
when installed. They widen a query that found fewer hits than a page."""

import pytest

from reader.core.models import Article
from reader.core.services import stemmer

needs_sastrawi = pytest.mark.skipif(
    not stemmer.sastrawi_installed(), reason="PySastrawi not installed"
)


@pytest.fixture
def without_sastrawi():
    """The default install: PyStemmer only."""
    stemmer.use_sastrawi(False)
    yield
    stemmer.use_sastrawi(True)


def ids(library, query):
    return [hit.id for hit in library.search(query, 10).hits]


@pytest.fixture
def jobs(library):
    library.import_articles(
        [
            Article(title="Lowongan", body="Ribuan warga bekerja di pabrik baru."),
            Article(title="Kebun", body="Petani memanen anggur."),
            Article(title="BPS", body="Angka pengangguran turun."),
            Article(title="Hakim", body="Keputusan hakim dibacakan."),
            Article(title="Pabrik", body="Pekerjaan di pabrik itu berat."),
        ]
    )
    return library


@pytest.fixture
def forms(library):
    """Each article holds one form of a root whose first consonant a nasal prefix absorbs."""
    library.import_articles(
        [
            Article(title="Surat", body="Buruh menulis surat kepada direksi."),
            Article(title="Ekspor", body="Pabrik itu mengirim barang ke Jepang."),
            Article(title="Sengketa", body="Pemilik pabrik digugat serikat pekerja."),
            Article(title="Konser", body="Penyanyi dangdut menghibur para buruh."),
            Article(title="Data", body="Angka itu menunjukkan kenaikan upah."),
            Article(title="Kontrak", body="Kontrak kerja ditandatangani kemarin."),
        ]
    )
    return library


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tulis", 1),  # men + vowel: t
        ("ditulis", 1),
        ("penulis", 1),
        ("kirim", 2),  # meng + vowel: k
        ("dikirim", 2),
        ("pengiriman", 2),
        ("milik", 3),  # pem + vowel: Snowball's p, and m
        ("dimiliki", 3),
        ("nyanyi", 4),  # peny: Snowball's s, and ny
        ("bernyanyi", 4),
        ("ditunjukkan", 5),  # menunjukkan -> unjuk, ditunjukkan -> tunjuk
        ("tunjuk", 5),
    ],
)
def test_a_root_only_query_finds_its_article_without_sastrawi(
    forms, without_sastrawi, query, expected
):
    assert not stemmer.sastrawi_in_use()
    assert ids(forms, query)[:1] == [expected]


def test_a_word_whose_root_is_in_the_store_finds_it_after_the_exact_hits(jobs, without_sastrawi):
    hits = jobs.search("pekerjaan", 10).hits
    assert hits[0].id == 5, "the exact form first"
    assert 1 in [h.id for h in hits], "bekerja shares the root kerja"
    by_id = {h.id: h for h in hits}
    assert by_id[1].score <= by_id[5].score
    assert "«bekerja»" in by_id[1].snippet


def test_the_nasal_variants_meet_the_other_forms():
    assert stemmer.keys("menulis") & stemmer.keys("ditulis") == {"tulis"}
    assert stemmer.keys("mengirim") & stemmer.keys("kirim") == {"kirim"}
    assert "milik" in stemmer.keys("pemilik")
    assert "nyanyi" in stemmer.keys("penyanyi")
    assert stemmer.nasal_variants("membuat", stemmer.snowball("membuat")) == []


@pytest.mark.parametrize("sastrawi", [False, True])
def test_protected_words_never_join_a_family(jobs, sastrawi):
    if sastrawi and not stemmer.sastrawi_installed():
        pytest.skip("PySastrawi not installed")
    stemmer.use_sastrawi(sastrawi)
    try:
        assert ids(jobs, "anggur") == [2]
        assert ids(jobs, "pengangguran") == [3]
        assert ids(jobs, "pemutusan") == []
        assert stemmer.keys("pengangguran") == {"pengangguran"}
    finally:
        stemmer.use_sastrawi(True)


@needs_sastrawi
def test_sastrawi_joins_the_keys_only_when_in_use():
    word = "pemberitahuan"
    root = stemmer.sastrawi_root(word)
    stemmer.use_sastrawi(False)
    try:
        without = stemmer.keys(word)
    finally:
        stemmer.use_sastrawi(True)
    assert stemmer.sastrawi_in_use()
    assert stemmer.keys(word) == without | {root}


def test_a_family_counts_as_one_term(library, without_sastrawi):
    """An article that uses the family's common form often outranks one with a rare form once
    (FTS5 alone would rank the rare form first, for its idf)."""
    library.import_articles(
        [
            Article(
                title="Startup", body="Bisnis baru itu tumbuh. Bisnis itu untung. Bisnis lagi."
            ),
            Article(title="Selebritas", body="Artis itu kini berbisnis pakaian di kota."),
        ]
        + [
            Article(title=f"Pasar {n}", body=f"Bisnis kecil di pasar {n} ramai pembeli.")
            for n in range(3)
        ]
        + [
            Article(title=f"Cuaca {n}", body=f"Hujan turun di kota {n} sore ini.")
            for n in range(20)
        ]
    )
    assert ids(library, "pebisnis")[:1] == [1]
