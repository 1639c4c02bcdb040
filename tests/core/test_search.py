import pytest

from reader.core.dates import wib_day
from reader.core.highlight import SNIPPET_CLOSE, SNIPPET_OPEN
from reader.core.models import Article
from tests.conftest import sql

SEED_TITLE = "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"


def ids(library, query, limit=1000):
    return [hit.id for hit in library.search(query, limit).hits]


def seed_id(library):
    return sql(library, "SELECT id FROM articles WHERE source = 'jpnn.com'").fetchone()[0]


def test_pekerja_migran_finds_the_seed_first(demo_library_ro):
    hits = demo_library_ro.search("pekerja migran", 10).hits
    assert hits[0].title == SEED_TITLE
    assert (
        f"{SNIPPET_OPEN}pekerja{SNIPPET_CLOSE} {SNIPPET_OPEN}migran{SNIPPET_CLOSE}"
        in hits[0].snippet
    )


def test_words_are_anded(demo_library_ro):
    both = set(ids(demo_library_ro, "presiden jokowi"))
    assert both and both <= set(ids(demo_library_ro, "presiden")) & set(
        ids(demo_library_ro, "jokowi")
    )
    assert len(both) < len(set(ids(demo_library_ro, "presiden")))


def test_phrase_prefix_exclude_or(demo_library_ro):
    s = demo_library_ro
    phrase = set(ids(s, '"tindak pidana perdagangan orang"'))
    assert seed_id(s) in phrase
    assert set(ids(s, "migr*")) >= set(ids(s, '"migran"')) | set(ids(s, '"migrasi"'))
    assert seed_id(s) not in ids(s, "pekerja -iom")
    assert seed_id(s) in ids(s, "pekerja")
    either = set(ids(s, "calya OR iom"))
    assert seed_id(s) in either and set(ids(s, "calya")) <= either


def test_filters(demo_library_ro):
    s = demo_library_ro
    assert ids(s, "source:jpnn.com migran") == [seed_id(s)]
    cnn = s.search("source:cnn pemerintah", 50).hits
    assert cnn and all(h.source == "cnn indonesia" for h in cnn)
    dated = s.search("since:2017-06-01 until:2017-06-30 presiden", 50).hits
    assert dated and all("2017-06-01" <= wib_day(h.published_at) <= "2017-06-30" for h in dated)
    assert s.search("source:jpnn.com", 5).hits[0].id == seed_id(s)  # filters alone list articles
    titled = s.search("title:jokowi", 50).hits
    assert titled and all("jokowi" in h.title.lower() for h in titled)


@pytest.mark.parametrize(
    ("filters", "words", "where"),
    [
        ("source:cnn", "pemerintah", "lower(source) LIKE 'cnn%'"),
        ("source:cnnindonesia.com", "pemerintah", "url LIKE '%://www.cnnindonesia.com/%'"),
        (
            "source:kumparan.com source:suara",
            "indonesia",
            "url LIKE '%://kumparan.com/%' OR source = 'suara'",
        ),
        ("since:2017-06-01", "presiden", "sort_key >= '2017-06-01'"),
        ("until:2017-03-31", "indonesia", "sort_key <> '' AND sort_key < '2017-03-31T17'"),
        (
            "source:cnn since:2017-03-01 until:2017-09-30",
            "indonesia",
            "source = 'cnn indonesia' AND sort_key >= '2017-02-28T17' "
            "AND sort_key < '2017-09-30T17'",
        ),
    ],
)
def test_a_filtered_search_ranks_as_the_whole_ranking_restricted(
    demo_library_ro, filters, words, where
):
    """Filters pick articles; they never change their scores or order: a filtered search is
    the unfiltered ranking with the other articles left out (the filters are read from
    indexes before ranking, not tested on every match)."""
    s = demo_library_ro
    allowed = {row[0] for row in sql(s, f"SELECT id FROM articles WHERE {where}")}
    whole = [h for h in s.search(words, 1000).hits if h.id in allowed]
    filtered = s.search(f"{filters} {words}", 20).hits
    assert len(filtered) == 20 and len(whole) > 20
    assert [(h.id, h.score) for h in filtered] == [(h.id, h.score) for h in whole[:20]]


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "OR",
        "AND",
        "NOT",
        "-",
        "*",
        ":",
        "a*",
        '"',
        "title:",
        "source:",
        "since:kemarin",
        "'; DROP TABLE articles; --",
        "😀🔥",
        "pekerja 😀",
        "NEAR(a b)",
        "{title}: x",
        "^x",
        "x AND",
        "- - -",
        "OR OR pekerja",
        "((",
        "\x00\x1b[31m",
        "a" * 5000,
        "since:2018-13-40",
    ],
)
def test_any_string_is_a_valid_query(demo_library_ro, query):
    result = demo_library_ro.search(query, 5)
    assert isinstance(result.hits, list)
    # The parser made it safe: the index never had to reject it (no plain-words fallback).
    assert not result.fallback
    assert demo_library_ro.count() == 410  # and nothing was dropped


@pytest.mark.parametrize("junk", ["pekerja ((((", '"pekerja', "pekerja NEAR(", "OR OR pekerja"])
def test_a_real_word_with_junk_finds_the_word(demo_library_ro, junk):
    plain = ids(demo_library_ro, "pekerja")
    assert len(plain) > 5
    assert ids(demo_library_ro, junk) == plain


@pytest.mark.sqlite_only  # FTS5's query syntax (PostgreSQL's queries are built, not parsed)
def test_a_query_the_index_rejects_falls_back_to_its_plain_words(demo_library_ro, monkeypatch):
    from reader.core.db import fts

    plain = ids(demo_library_ro, "pekerja")
    real_render = fts.render
    calls = []

    def rejected_once(expression, **layout):
        calls.append(expression)
        return "pekerja AND (((" if len(calls) == 1 else real_render(expression, **layout)

    monkeypatch.setattr(fts, "render", rejected_once)
    result = demo_library_ro.search("pekerja", 1000)
    assert result.fallback
    assert [hit.id for hit in result.hits] == plain


@pytest.mark.sqlite_only  # FTS5's query syntax (PostgreSQL's queries are built, not parsed)
def test_a_query_error_is_never_swallowed(demo_library_ro, monkeypatch):
    from reader.core.db import fts
    from reader.core.errors import QueryError

    monkeypatch.setattr(fts, "render", lambda expression, **layout: "pekerja AND (((")
    with pytest.raises(QueryError, match="rejected"):
        demo_library_ro.search("pekerja", 10)


def test_light_stem_pekerjanya_and_reduplication(library):
    library.import_articles(
        [
            Article(title="Satu", body="Para pekerjanya menuntut upah."),
            Article(title="Dua", body="Pekerja-pekerja pabrik mogok."),
            Article(title="Tiga", body="Seorang pekerja pabrik mogok."),
        ]
    )
    assert set(ids(library, "pekerja")) == {1, 2, 3}
    assert set(ids(library, "pekerjanya")) == {1, 2, 3}
    assert ids(library, "pekerjanya")[0] == 1, "the exact form ranks first"
    assert set(ids(library, "pekerja-pekerja")) == {1, 2, 3}
    assert ids(library, '"pekerja pekerja"') == [2]


def test_phk_finds_pemutusan_hubungan_kerja(library):
    library.import_articles(
        [
            Article(title="Pabrik tekstil", body="Ratusan buruh terkena pemutusan hubungan kerja."),
            Article(title="Putusan hakim", body="Keputusan hakim dibacakan kemarin."),
            Article(title="Gelombang PHK", body="PHK massal terjadi."),
        ]
    )
    result = library.search("PHK", 10)
    assert {h.id for h in result.hits} == {1, 3}
    snippet = next(h.snippet for h in result.hits if h.id == 1)
    assert (
        f"{SNIPPET_OPEN}pemutusan{SNIPPET_CLOSE} {SNIPPET_OPEN}hubungan{SNIPPET_CLOSE}" in snippet
    )
    assert ids(library, "pemutusan") == [1], "pemutusan never matches keputusan"


def test_matcher_spans_for_highlighting(library):
    library.import_articles(
        [
            Article(title="Judul", body="Para pekerjanya dan buruh migran."),
            Article(title="Lain", body="Seorang pekerja."),
        ]
    )
    result = library.search("pekerja migran", 5)
    text = "Para pekerjanya dan buruh migran."
    assert [text[a:b] for a, b in result.matcher.spans(text)] == ["pekerjanya", "buruh", "migran"]


def test_when_no_article_has_every_word_the_search_relaxes(demo_library_ro):
    strict = demo_library_ro.search("pekerja migran", 10)
    assert not strict.relaxed and not any(h.relaxed for h in strict.hits)
    result = demo_library_ro.search("pekerja migran calya", 10)
    assert result.relaxed and all(h.relaxed for h in result.hits)
    assert result.hits[0].title == SEED_TITLE, "most words matched first"


def test_a_long_pasted_sentence_finds_its_article(demo_library_ro):
    sentence = (
        "Sejak 2005, IOM Indonesia telah membantu lebih dari 8.900 korban TPPO dengan "
        "berbagai macam bentuk bantuan seperti shelter dan konsultasi gratis"
    )
    result = demo_library_ro.search(sentence, 5)
    assert result.relaxed and result.hits[0].title == SEED_TITLE


def test_pengangguran_never_matches_anggur(library):
    library.import_articles(
        [
            Article(title="Kebun", body="Petani memanen anggur di kebun."),
            Article(title="Data BPS", body="Angka pengangguran terbuka turun."),
        ]
    )
    assert ids(library, "pengangguran") == [2]
    assert ids(library, "anggur") == [1]


def test_a_detached_clitic_is_not_an_exclusion(library):
    library.import_articles([Article(title="Jam pintar", body="Strap jam itu lentur dan nyaman.")])
    assert ids(library, "strap -nya lentur") == [1]
    assert ids(library, "strap -lentur") == []


def test_an_unclosed_quote_falls_back_to_the_words(demo_library_ro):
    assert ids(demo_library_ro, '"pekerja migran') == ids(demo_library_ro, "pekerja migran")


def test_snippets_never_mark_stopwords_alone(library):
    library.import_articles(
        [Article(title="Pasar", body="Harga cabai dan bawang naik menjelang lebaran.")]
    )
    result = library.search("dan durian", 5)
    assert result.relaxed and [h.id for h in result.hits] == [1]
    assert SNIPPET_OPEN not in result.hits[0].snippet, "`dan` alone is not a match worth showing"
    text = "Harga cabai dan bawang naik."
    assert result.matcher.spans(text) == []
    both = library.search("cabai dan bawang", 5).hits[0].snippet
    assert f"{SNIPPET_OPEN}cabai{SNIPPET_CLOSE} {SNIPPET_OPEN}dan{SNIPPET_CLOSE}" in both


def test_a_stem_only_match_does_not_outrank_the_word_itself(library):
    library.import_articles(
        [
            Article(title="Satu", body="Pemerintah membuatnya untuk para petani di desa itu."),
            Article(title="Dua", body="Pemerintah membuat aturan untuk para petani di desa itu."),
        ]
    )
    assert ids(library, "membuat petani")[:1] == [2]


@pytest.mark.sqlite_only  # case-blind LIKE (PostgreSQL's LIKE minds case)
def test_a_source_filter_names_a_source_or_a_site(library):
    """source:NAME keeps an article whose source is NAME (or starts with it) or whose url is
    on the site NAME, with or without www., in any case; a url that only mentions the site
    further on is on another site. Ranked, newest first and strict matching agree."""
    urls = {
        "https://kumparan.com/a": True,
        "HTTP://WWW.Kumparan.COM/b": True,
        "https://kumparan.com.evil.example/c": False,
        "https://other.example/r?u=https://kumparan.com/d": False,
        "https://kumparan.com": False,  # no slash after the host: not a page of the site
        "ftp://kumparan.com/f": False,
        "kumparan.com/g": False,
        "https://notkumparan.com/h": False,
        "https://kumparan_com/i": False,  # _ is no wildcard
    }
    articles = [
        Article(title=f"Banjir {i}", body="Banjir di kota.", url=url, source="lain")
        for i, url in enumerate(urls)
    ]
    articles.append(Article(title="Banjir nama", body="Banjir lagi.", source="Kumparan.com"))
    articles.append(Article(title="Banjir awal", body="Banjir lagi.", source="kumparan.com news"))
    library.import_articles(articles)
    by_url = dict(sql(library, "SELECT url, id FROM articles WHERE url IS NOT NULL"))
    named = {
        i for (i,) in sql(library, "SELECT id FROM articles WHERE lower(source) LIKE 'kumparan%'")
    }
    expected = {by_url[url] for url, on_site in urls.items() if on_site} | named
    assert len(expected) == 4
    assert set(ids(library, "source:kumparan.com banjir")) == expected
    assert {h.id for h in library.search("source:kumparan.com banjir", 50, sort="newest").hits} == (
        expected
    )
    assert set(library._matching("source:kumparan.com banjir")) == expected  # as topics hold
