"""Saved article pages and page URLs: jpnn.com's layout, other sites, multi-page articles."""

from __future__ import annotations

import pytest

from reader.core.ingest import read_inputs
from reader.core.ingest.pages import PageError, parse_page, split_lead
from reader.core.models import Article, ImportFailure
from tests.localserver import FIXTURES, LocalServer, Route

PAGES = FIXTURES / "pages"
JPNN = PAGES / "jpnn-article.html"
JPNN_2 = PAGES / "jpnn-article-page2.html"
CANONICAL = "https://www.jpnn.com/news/kemnaker-perkuat-pelatihan-vokasi-di-blk"
BOILERPLATE = (
    "Baca Juga",
    "Redaktur",
    "Reporter",
    "(jpnn)",
    "jpnn)",
    "ADVERTISEMENT",
    "IKLAN",
    "Politik",
    "Home",
    "Selanjutnya",
    "BERITA TERKAIT",
    "Ribuan Lowongan",
    "Upah Minimum 2018",
    "loadAd",
    "dataLayer",
    "©",
)


def _only_article(items) -> Article:
    items = list(items)
    assert [i for i in items if isinstance(i, ImportFailure)] == []
    assert len(items) == 1
    return items[0]


def test_a_jpnn_page_by_jpnn_rules():
    page = parse_page(JPNN.read_bytes(), str(JPNN))
    article = page.article
    assert article.title == "Kemnaker Perkuat Pelatihan Vokasi di Balai Latihan Kerja"
    assert article.url == CANONICAL
    assert (article.source, article.dateline) == ("jpnn.com", "JAKARTA")
    assert article.published_at == "2018-02-19T14:30:00+07:00"
    assert article.published_raw == "Senin, 19 Februari 2018 – 14:30 WIB"
    assert article.paragraphs == [
        "Kementerian Ketenagakerjaan (Kemnaker) memperkuat pelatihan vokasi di balai latihan kerja "
        "(BLK) untuk menjawab kebutuhan industri.",
        "Menteri Ketenagakerjaan M. Hanif Dhakiri mengatakan pelatihan vokasi menjadi kunci "
        "mengurangi pengangguran & meningkatkan daya saing pekerja, di Jakarta, Senin (19/2).",
        "Tahun ini, lanjut dia, Kemnaker menargetkan 10.000 peserta pelatihan di seluruh BLK milik "
        "pemerintah.",
        '"Kami ingin lulusan BLK langsung terserap oleh industri," kata Hanif.',
    ]
    for text in BOILERPLATE:
        assert text not in article.body, text
    assert [(r.title, r.url) for r in article.related] == [
        (
            "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran",
            "https://www.jpnn.com/news/kemnaker-terus-tingkatkan-perlindungan-pekerja-migran",
        ),
        ("Menaker Bahas PHK hingga Upah Minimum", "https://www.jpnn.com/news/menaker-bahas-phk"),
        (
            "Wamenaker Tinjau Tenaga Kerja Asing di Smelter",
            "https://www.jpnn.com/news/tka-di-smelter",
        ),
    ]
    assert page.next_pages == [CANONICAL + "?page=2"]


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_saved_pages_of_one_article_are_joined_without_the_repeated_lead(library):
    article = _only_article(read_inputs([str(JPNN_2), str(JPNN)]))  # any order
    paragraphs = article.paragraphs
    assert paragraphs[0].startswith("Kementerian Ketenagakerjaan (Kemnaker) memperkuat")
    assert sum("memperkuat pelatihan vokasi di balai" in p for p in paragraphs) == 1
    assert paragraphs[-2:] == [
        "Selain pelatihan, Kemnaker juga menyiapkan sertifikasi kompetensi bagi lulusan BLK agar "
        "diakui oleh dunia usaha.",
        "Program ini akan diperluas ke daerah kantong pekerja migran.",  # "(esy/jpnn)" dropped
    ]
    assert article.url == CANONICAL and len(article.related) == 3
    result = library.import_articles([article])
    assert result.added == 1
    stored = library.get(1)
    assert stored.source == "jpnn.com" and stored.published_at == "2018-02-19T14:30:00+07:00"


def test_a_page_url_fetches_and_joins_its_continuation():
    with LocalServer() as server:
        url = server.serve_fixture("/news/vokasi", "pages/jpnn-article.html", "text/html")
        server.serve_fixture(
            "/news/vokasi?page=2", "pages/jpnn-article-page2.html", "text/html; charset=utf-8"
        )
        article = _only_article(read_inputs([url]))
        assert [seen.path for seen in server.requests] == ["/news/vokasi", "/news/vokasi?page=2"]
    assert article.url == CANONICAL
    assert article.origin == url
    assert article.paragraphs[-1] == "Program ini akan diperluas ke daerah kantong pekerja migran."
    assert len(article.paragraphs) == 6


def test_a_missing_continuation_keeps_the_first_page():
    with LocalServer() as server:
        url = server.serve_fixture("/news/vokasi", "pages/jpnn-article.html", "text/html")
        items = list(read_inputs([url]))
    failures = [i for i in items if isinstance(i, ImportFailure)]
    articles = [i for i in items if isinstance(i, Article)]
    assert [f.message() for f in failures] == [
        f"{url}?page=2: page of {url} skipped: HTTP 404 Not Found"
    ]
    assert len(articles) == 1 and len(articles[0].paragraphs) == 4


def test_another_site_through_trafilatura():
    article = _only_article(read_inputs([str(PAGES / "generic-article.html")]))
    assert article.title == "Pemerintah Tetapkan Upah Minimum Provinsi 2024"
    assert article.url == "https://kabarburuh.example.id/2023/11/ump-2024"
    assert article.source == "kabarburuh.example.id"
    assert article.published_at == "2023-11-21T09:15:00+08:00"
    assert article.paragraphs[0].startswith("Pemerintah menetapkan kenaikan upah minimum")
    assert len(article.paragraphs) == 3
    assert "Beranda" not in article.body and "©" not in article.body


@pytest.mark.parametrize(
    ("meta", "source"),
    [
        ('<meta property="og:site_name" content=" Kabar\nBuruh ">', "Kabar Buruh"),
        ('<meta name="application-name" content="KabarBuruh.id">', "KabarBuruh.id"),
        (
            '<meta name="application-name" content="Aplikasi">'
            '<meta property="og:site_name" content="Kabar Buruh">',
            "Kabar Buruh",  # og:site_name first
        ),
        ("", "kabarburuh.example.id"),  # no name given: the host, without "www."
    ],
)
def test_a_pages_source_is_the_sites_name(tmp_path, meta, source):
    html = (PAGES / "generic-article.html").read_text(encoding="utf-8")
    saved = tmp_path / "page.html"
    saved.write_text(html.replace("<head>", "<head>" + meta, 1), encoding="utf-8")
    assert _only_article(read_inputs([str(saved)])).source == source


def test_a_jpnn_lead_names_the_source_of_a_page_as_in_plain_text(tmp_path):
    html = JPNN.read_text(encoding="utf-8")
    saved = tmp_path / "jpnn.html"
    saved.write_text(
        html.replace("<head>", '<head><meta property="og:site_name" content="JPNN.com">', 1),
        encoding="utf-8",
    )
    article = parse_page(saved.read_bytes(), str(saved)).article
    assert (article.source, article.dateline) == ("jpnn.com", "JAKARTA")


def test_a_page_without_an_article_fails_with_a_reason(tmp_path):
    items = list(read_inputs([str(PAGES / "no-article.html")]))
    assert [i.message() for i in items] == [
        f"{PAGES / 'no-article.html'}: no article text found in the page"
    ]
    junk = tmp_path / "junk.html"
    junk.write_bytes(b"\x00\x01\xff\xfe<<<>>>")
    empty = tmp_path / "empty.htm"
    empty.write_bytes(b"")
    for path in (junk, empty):
        items = list(read_inputs([str(path)]))
        assert len(items) == 1 and isinstance(items[0], ImportFailure), items


def test_day_month_dates_take_the_year_from_the_page_or_stay_unknown():
    html = """<html><head><title>Buruh Demo</title></head><body><article><h1>Buruh Demo</h1>
    <div class="tanggal">Kamis, 1 Mei 2014 | 10:00 WITA</div>
    <p>jpnn.com, MAKASSAR - Ribuan buruh berunjuk rasa di depan kantor gubernur, Kamis (1/5).</p>
    <p>Mereka menuntut kenaikan upah minimum dan penghapusan sistem alih daya di perusahaan.</p>
    </article></body></html>"""
    article = parse_page(html, "x.html").article
    assert (article.source, article.dateline) == ("jpnn.com", "MAKASSAR")
    assert article.published_at == "2014-05-01T10:00:00+08:00"
    undated = html.replace('<div class="tanggal">Kamis, 1 Mei 2014 | 10:00 WITA</div>', "")
    article = parse_page(undated, "x.html").article
    assert article.published_raw == "Kamis (1/5)"
    assert article.published_at is None  # no year anywhere: unknown rather than guessed
    in_url = undated.replace(
        "<head>", '<head><link rel="canonical" href="https://x.id/read/2014/05/01/demo">'
    )
    assert (
        parse_page(in_url, "x.html").article.published_at == "2014-05-01"
    )  # the year from the URL
    numeric = undated.replace("<h1>", '<span class="date">1/5/2014</span><h1>')
    assert parse_page(numeric, "x.html").article.published_at == "2014-05-01"


def test_split_lead():
    assert split_lead("jpnn.com, JAKARTA - Isi berita.") == ("jpnn.com", "JAKARTA", "Isi berita.")
    assert split_lead("JPNN.com, BANDA ACEH – Isi.") == ("JPNN.com", "BANDA ACEH", "Isi.")
    assert split_lead("Isi berita biasa tanpa lead.") is None


def test_parse_page_raises_page_error_not_a_traceback():
    with pytest.raises(PageError):
        parse_page(b"", "x.html")


def test_escape_sequences_and_controls_in_a_page_never_reach_the_text():
    html = (
        "<html><head><title>Judul</title></head><body><h1>Judul Berita</h1>"
        "<p>jpnn.com, JAKARTA - Ini \x1b[31mmerah\x1b[0m dan \x1b]0;judul\x07 teks biasa yang "
        "cukup panjang untuk sebuah artikel.</p><div class='ads'>x</div>ekor\x00</body></html>"
    )
    for data in (html, html.encode()):
        body = parse_page(data, "x.html").article.body
        assert body == "Ini merah dan teks biasa yang cukup panjang untuk sebuah artikel.\n\nekor"


def test_mangled_feeds_and_pages_give_failures_not_tracebacks():
    import random

    from reader.core.ingest import parse_bytes

    rng = random.Random(5)
    sources = [p.read_bytes() for p in sorted(FIXTURES.rglob("*")) if p.is_file()]
    for _ in range(300):
        data = bytearray(rng.choice(sources))
        for _ in range(rng.randrange(1, 12)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cut = bytes(data[: rng.randrange(len(data) + 1)]) if rng.random() < 0.3 else bytes(data)
        suffix = rng.choice([".xml", ".html", ".json", ".atom"])
        for item in parse_bytes(cut, "f" + suffix, suffix):
            assert not isinstance(item, ImportFailure) or item.error


def test_pages_linked_only_from_later_pages_are_followed_and_bounded():
    def page(number: int, links: list[int]) -> bytes:
        pager = " ".join(f'<a href="?page={n}">{n}</a>' for n in links)
        return (
            f"<html><head><title>Berita Panjang</title></head><body><h1>Berita Panjang</h1>"
            f"<div><p>jpnn.com, JAKARTA - Paragraf pembuka yang diulang di setiap halaman.</p>"
            f"<p>Isi halaman nomor {number} dari berita panjang tentang pekerja migran.</p></div>"
            f'<div class="pagination">{pager}</div></body></html>'
        ).encode()

    with LocalServer() as server:
        url = server.serve("/panjang", Route(page(1, [2]), "text/html"))
        for n in range(2, 40):
            server.serve(f"/panjang?page={n}", Route(page(n, [n - 1, n + 1]), "text/html"))
        article = _only_article(read_inputs([url]))
    assert article.paragraphs[:3] == [
        "Paragraf pembuka yang diulang di setiap halaman.",
        "Isi halaman nomor 1 dari berita panjang tentang pekerja migran.",
        "Isi halaman nomor 2 dari berita panjang tentang pekerja migran.",
    ]
    assert len(article.paragraphs) == 1 + 20  # the lead once, then 20 pages (the limit)


def test_the_page_encoding_comes_from_the_header_the_meta_or_utf8():
    text = "Pekerja di Manado menerima tunjangan hari raya (THR) — kata Menaker, “sesuai aturan”."
    body = (
        f"<html><head><title>THR Cair</title>{{meta}}</head><body><h1>THR Cair</h1>"
        f"<div><p>jpnn.com, MANADO - {text}</p></div></body></html>"
    )
    plain = body.format(meta="")
    assert parse_page(plain.encode("utf-8"), "x.html").article.body == text  # no declaration
    latin = plain.replace("—", "-").replace("“", '"').replace("”", '"')
    expected = text.replace("—", "-").replace("“", '"').replace("”", '"')
    assert parse_page(latin.encode("latin-1"), "x", charset="iso-8859-1").article.body == expected
    declared = body.format(meta='<meta charset="windows-1252">').replace("—", "-")
    declared = declared.replace("“", '"').replace("”", '"').replace("Manado", "Manadó")
    assert "Manadó" in parse_page(declared.encode("cp1252"), "x.html").article.body
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + plain
    assert parse_page(xhtml.encode(), "x.html").article.body == text


def test_a_title_loses_the_site_name_but_not_its_own_second_half():
    def title(head: str) -> str:
        html = (
            f"<html><head>{head}</head><body><div><p>jpnn.com, JAKARTA - Isi berita yang cukup "
            "panjang untuk dianggap sebagai sebuah artikel.</p></div></body></html>"
        )
        return parse_page(html, "x.html").article.title

    assert title("<title>THR Wajib Dibayar - JPNN.com</title>") == "THR Wajib Dibayar"
    assert (
        title(
            '<meta property="og:site_name" content="Kabar Buruh">'
            "<title>UMP Naik | Kabar Buruh</title>"
        )
        == "UMP Naik"
    )
    assert title("<title>Upah Naik - Ini Rinciannya</title>") == "Upah Naik - Ini Rinciannya"


def test_berita_terkait_takes_only_its_own_list():
    html = (
        "<html><head><title>Judul</title></head><body><nav><a href='/a'>Menu A</a></nav>"
        "<div><p>jpnn.com, JAKARTA - Isi berita yang cukup panjang untuk dianggap artikel.</p>"
        "</div><h3>Berita Terkait</h3><ul><li><a href='/r1'>Terkait Satu</a></li>"
        "<li><a href='/r2'>Terkait Dua</a></li></ul><h3>Terpopuler</h3>"
        "<ul><li><a href='/p'>Populer</a></li></ul><footer><a href='/f'>Kontak</a></footer>"
        "</body></html>"
    )
    related = parse_page(html, "x.html", "https://www.jpnn.com/news/x").article.related
    assert [(r.title, r.url) for r in related] == [
        ("Terkait Satu", "https://www.jpnn.com/r1"),
        ("Terkait Dua", "https://www.jpnn.com/r2"),
    ]


def test_the_article_date_wins_over_a_latest_news_box():
    html = (
        "<html><head><title>Judul</title></head><body>"
        "<aside><ul><li><span class='date'>Selasa, 2 Januari 2024 08:00 WIB</span>"
        "<a href='/lain'>Berita lain</a></li></ul></aside>"
        "<article><h1>Judul</h1><div class='date'>Senin, 19 Februari 2018 – 14:30 WITA</div>"
        "<div><p>jpnn.com, JAKARTA - Isi berita yang cukup panjang untuk dianggap artikel.</p>"
        "</div></article></body></html>"
    )
    article = parse_page(html, "x.html").article
    assert article.published_at == "2018-02-19T14:30:00+08:00"


def test_a_page_too_large_for_trafilatura_is_read_from_its_densest_paragraphs(monkeypatch):
    import reader.core.ingest.pages as pages

    html = (FIXTURES / "pages" / "generic-article.html").read_bytes()
    by_trafilatura = parse_page(html, "g.html").article
    monkeypatch.setattr(pages, "MAX_TRAFILATURA_CHARS", len(html) - 1)
    by_density = parse_page(html, "g.html").article
    assert by_density.body == by_trafilatura.body
    assert by_density.body.startswith("Pemerintah menetapkan kenaikan upah minimum provinsi")
    assert "Beranda" not in by_density.body and "©" not in by_density.body


def test_markup_that_starts_no_tag_is_text_or_nothing_never_a_slow_rescan():
    # The standard library's parser rescanned the rest of the input at each such "<" (20 KB of
    # "<a " took 5 s; bench/bench_pages.py measures the growth). These are the answers.
    from reader.core.ingest.html_text import html_to_text

    assert html_to_text("Upah < 5 juta dan 1<2, <p>naik</p>") == "Upah < 5 juta dan 1<2,\n\nnaik"
    assert html_to_text("Judul <a " * 3) == "Judul"
    assert html_to_text("<p>x</p><!-- tidak ditutup") == "x"
    assert html_to_text("Gaji &amp; THR&nbsp;naik<br>lagi") == "Gaji & THR naik lagi"
    assert html_to_text("a\x00b <script>alert(1)</script>c") == "ab c"


def test_boxes_dropped_in_a_row_keep_the_text_between_them():
    html = (
        "<html><body><h1>Judul Berita Panjang</h1><div><p>jpnn.com, JAKARTA - Pekerja migran "
        "mendapat perlindungan baru dari pemerintah pusat tahun ini.</p>"
        + "<ins>iklan</ins>sisa "
        * 3
        + "<p>Paragraf kedua yang cukup panjang untuk dihitung sebagai isi artikel.</p></div>"
        "</body></html>"
    )
    body = parse_page(html, "x.html").article.body
    assert body.split("\n\n")[1:] == [
        "sisa sisa sisa",
        "Paragraf kedua yang cukup panjang untuk dihitung sebagai isi artikel.",
    ]
