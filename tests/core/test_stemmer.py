"""The full-stemming fallback (optional PySastrawi): widens a query that found too little."""

import pytest

from reader.core.models import Article
from reader.core.services import stemmer

needs_sastrawi = pytest.mark.skipif(not stemmer.available(), reason="PySastrawi not installed")


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


@needs_sastrawi
def test_a_word_whose_root_is_in_the_store_finds_it_after_the_exact_hits(jobs):
    hits = jobs.search("pekerjaan", 10).hits
    assert hits[0].id == 5, "the exact form first"
    assert 1 in [h.id for h in hits], "bekerja shares the root kerja"
    by_id = {h.id: h for h in hits}
    assert by_id[1].score <= by_id[5].score
    assert "«bekerja»" in by_id[1].snippet


@needs_sastrawi
def test_protected_words_never_join_a_family(jobs):
    assert [h.id for h in jobs.search("anggur", 10).hits] == [2]
    assert [h.id for h in jobs.search("pengangguran", 10).hits] == [3]
    assert jobs.search("pemutusan", 10).hits == []
    assert stemmer.root("pengangguran") == "pengangguran"


def test_without_the_stemmer_search_stays_exact(jobs, monkeypatch):
    monkeypatch.setattr(stemmer, "available", lambda: False)
    assert [h.id for h in jobs.search("pekerjaan", 10).hits] == [5]
