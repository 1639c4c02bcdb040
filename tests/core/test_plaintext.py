from reader.core.errors import InputError
from reader.core.ingest.plaintext import parse_plaintext
from tests.conftest import SEED

SEED_HEADLINES = [
    "Terjadi Kecelakaan Kerja Berulang, Wamenaker Tinjau Smelter IMIP",
    "Menaker Yassierli dan Mendagri Tito Gelar Rakor, Bahas PHK hingga Upah Minimum 2025",
    "Menaker Yassierli Bertekad Pertahankan WTP Lewat Penguatan Integritas Pegawai",
    "Raker dengan Komisi IX DPR, Menaker Yassierli Paparkan Arah Kebijakan Ketenagakerjaan",
    "Tangis Buruh Sritex Pecah Seusai Wamenaker Immanuel Ebenezer Memastikan Tidak Ada PHK",
    "Peringati Hari Sumpah Pemuda, Ini Pesan Penting Menaker Yassierli untuk Generasi Bangsa",
]
LEAD = "Untuk meningkatkan perlindungan kepada pekerja migran Indonesia"


def test_seed_parses_as_the_issue_says():
    article = parse_plaintext(SEED.read_text("utf-8"), str(SEED))
    assert article.title == "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"
    assert article.source == "jpnn.com"
    assert article.dateline == "JAKARTA"
    assert article.body.count(LEAD) == 1, "the repeated lead is dropped"
    assert article.lead.startswith(LEAD), "the 'jpnn.com, JAKARTA - ' sign is not in the lead"
    assert [r.title for r in article.related] == SEED_HEADLINES
    assert "- Terjadi" not in article.body and "Yassierli" not in article.body
    assert len(article.paragraphs) == 8
    assert article.published_raw == "Senin (19/2)"
    assert article.published_at is None, "no year in the text: left unknown, not guessed"


def test_seed_in_the_store(library):
    result = library.import_inputs([str(SEED)])
    assert (result.added, result.failed) == (1, [])
    stored = library.get(1)
    assert stored.title == "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"
    assert stored.body.count(LEAD) == 1
    assert [r.title for r in stored.related] == SEED_HEADLINES
    assert all(r.target_id is None for r in stored.related)


def test_blank_lines_between_paragraphs_and_no_sign():
    text = "Judul\n\nParagraf satu.\n\nParagraf dua.\n\n- Berita lain\n"
    article = parse_plaintext(text)
    assert article.paragraphs == ["Paragraf satu.", "Paragraf dua."]
    assert article.source is None and [r.title for r in article.related] == ["Berita lain"]


def test_title_only_is_an_error():
    try:
        parse_plaintext("Hanya judul\n- dan tautan\n")
    except InputError as error:
        assert "no body" in str(error)
    else:
        raise AssertionError("expected InputError")
