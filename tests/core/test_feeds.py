"""Feeds: parsing RSS/Atom/JSON Feed, the careful HTTP GET, subscriptions, fetching, OPML."""

from __future__ import annotations

import json

import pytest

from reader.core.errors import FeedError, FetchError
from reader.core.ingest import read_inputs
from reader.core.ingest.feeds import feed_date, parse_feed, parse_json_feed
from reader.core.ingest.fetch import detect_format
from reader.core.ingest.html_text import html_to_text
from reader.core.ingest.http import get
from reader.core.models import Article, ImportFailure
from reader.core.services.feeds import read_opml
from tests.localserver import FIXTURES, LocalServer, Route, serve_standard_feeds


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def _articles(items) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def _failures(items) -> list[ImportFailure]:
    return [item for item in items if isinstance(item, ImportFailure)]


# -- parsing -----------------------------------------------------------------------------------


def test_rss2_entries_become_plain_paragraphs_with_offset_dates():
    items = list(read_inputs([str(FIXTURES / "feeds" / "rss2.xml")]))
    assert _failures(items) == []
    first, second, third = _articles(items)
    assert first.title == "Menaker & BP2MI Bahas Perlindungan PMI"
    assert first.body == (
        "Menteri Ketenagakerjaan bertemu Kepala BP2MI membahas perlindungan pekerja migran "
        "Indonesia (PMI).\n\nPertemuan itu membahas penempatan & pelatihan calon PMI ke luar "
        "negeri.\n\nKeduanya sepakat memperkuat layanan terpadu satu atap."
    )
    for article in (first, second, third):
        assert (
            "<" not in article.body and "&amp;" not in article.body and "&nbsp;" not in article.body
        )
        assert "iklan" not in article.body and "color" not in article.body
    # The jpnn lead inside an entry gives its dateline; the source is the feed's title.
    assert (first.source, first.dateline) == ("Berita Ketenagakerjaan", "JAKARTA")
    assert first.published_at == "2018-02-19T14:30:00+07:00"
    assert first.published_raw == "Mon, 19 Feb 2018 14:30:00 +0700"
    assert first.category == "Ketenagakerjaan"
    # Escaped HTML in a description, a relative link resolved against the channel's link.
    assert (
        second.body
        == "Upah minimum provinsi di Sulawesi Selatan naik tahun ini.\n\nSerikat buruh menyambut baik."
    )
    assert second.url == "https://berita.example.id/2018/03/ump-makassar"
    assert second.source == "Berita Ketenagakerjaan"
    assert second.published_at == "2018-03-20T09:00:00+08:00"
    # An Indonesian date in a feed, with the WIT zone (UTC+9).
    assert third.published_at == "2018-04-04T10:15:00+09:00"


def test_rss1_rss091_atom_and_json_feed():
    rss1 = _articles(read_inputs([str(FIXTURES / "feeds" / "rss1.rdf")]))
    assert [(a.title, a.published_at) for a in rss1] == [
        ("BLK Komunitas Bertambah", "2018-05-02T08:00:00+07:00")
    ]
    rss091 = _articles(read_inputs([str(FIXTURES / "feeds" / "rss091.xml")]))
    assert [(a.title, a.url, a.published_at) for a in rss091] == [
        ("Pelatihan Kerja Dibuka", "https://lama.example.id/pelatihan", None)
    ]
    atom = _articles(read_inputs([str(FIXTURES / "feeds" / "atom.xml")]))
    k3 = atom[0]
    assert k3.title == "K3 di Smelter Diperketat"  # an HTML title, tags gone
    assert k3.body == (
        "Pengawasan keselamatan dan kesehatan kerja (K3) di smelter diperketat."
        "\n\nWamenaker meninjau langsung & meminta laporan."
    )
    assert k3.published_at == "2018-06-01T10:00:00+08:00"
    assert k3.category == "K3"
    assert [(r.title, r.url) for r in k3.related] == [
        ("Kecelakaan Kerja Berulang", "https://atom.example.id/kecelakaan")
    ]
    assert atom[1].published_at is None  # no date in the entry: unknown, not guessed

    items = list(read_inputs([str(FIXTURES / "feeds" / "jsonfeed.json")]))
    jkp, tka = _articles(items)
    assert jkp.body == (
        "Klaim jaminan kehilangan pekerjaan (JKP) meningkat & BPJS siap membayar."
        "\n\nKenaikan terjadi di kota industri."
    )
    assert (jkp.published_at, jkp.category, jkp.source) == (
        "2018-07-01T08:00:00+09:00",
        "Jaminan Sosial",
        "JSON Feed Naker",
    )
    assert (
        tka.title == "Pemerintah mengevaluasi izin tenaga kerja asing."
    )  # no title: first sentence
    assert tka.published_at == "2018-07-02T08:00:00+00:00"
    assert [f.message() for f in _failures(items)] == [
        f"{FIXTURES / 'feeds' / 'jsonfeed.json'}: entry 3: no text for 'Tanpa isi'"
    ]


# -- sources: the feed's title, the same for every entry of every format ------------------------


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
@pytest.mark.parametrize(
    ("fixture", "title", "count"),
    [
        ("rss2.xml", "Berita Ketenagakerjaan", 3),
        ("rss1.rdf", "Kabar RDF", 1),
        ("rss091.xml", "Kabar Lama", 1),
        ("atom.xml", "Atom Tenaga Kerja", 2),
        ("jsonfeed.json", "JSON Feed Naker", 2),
    ],
)
def test_every_entry_of_a_feed_has_the_feeds_title_as_its_source(library, fixture, title, count):
    result = library.import_inputs([str(FIXTURES / "feeds" / fixture)])
    assert result.added == count
    stored = library.headlines(0, 10)
    assert [h.source for h in stored] == [title] * count
    # The same name on the article itself, and a jpnn lead keeps only its dateline.
    articles = [library.get(h.id) for h in stored]
    assert {a.source for a in articles} == {title}
    if fixture == "rss2.xml":
        assert {a.dateline for a in articles} == {"JAKARTA", None}


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
@pytest.mark.parametrize(
    ("fixture", "site"),
    [
        ("untitled.xml", "sunyi.example.id"),  # "www." dropped; a blank title is no title
        ("untitled-atom.xml", "hening.example.id"),
        ("untitled.json", "senyap.example.id"),
    ],
)
def test_a_feed_without_a_title_gives_the_sites_name(library, fixture, site):
    assert library.import_inputs([str(FIXTURES / "feeds" / fixture)]).failed == []
    stored = [library.get(h.id) for h in library.headlines(0, 10)]
    assert stored and {a.source for a in stored} == {site}


def test_a_jpnn_lead_in_an_untitled_feed_gives_its_dateline_not_a_second_source():
    pmi, las = _articles(read_inputs([str(FIXTURES / "feeds" / "untitled.xml")]))
    assert (pmi.source, pmi.dateline) == ("sunyi.example.id", "SURABAYA")
    assert pmi.body.startswith("Sebanyak 120 pekerja migran")
    assert (las.source, las.dateline) == ("sunyi.example.id", None)


def test_a_feed_title_becomes_one_clean_short_line():
    long_title = "Kabar Kerja " + "sangat panjang " * 20
    rss = (
        '<rss version="2.0"><channel><title>  Kabar\n  Buruh \x1b[31m&amp; Serikat </title>'
        "<item><title>A</title><link>https://k.example.id/a</link>"
        "<description>Isi berita tentang buruh.</description></item></channel></rss>"
    )
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">&lt;b&gt;Kabar&lt;/b&gt; '
        "Naker</title><entry><title>A</title><link href='https://n.example.id/a'/><id>a</id>"
        "<summary>Isi berita tentang naker.</summary></entry></feed>"
    )
    info: dict[str, str | None] = {}
    (article,) = _articles(parse_feed(rss.encode(), "k.xml", info=info))
    assert article.source == info["title"] == "Kabar Buruh & Serikat"
    (article,) = _articles(parse_feed(atom.encode(), "n.xml"))
    assert article.source == "Kabar Naker"
    feed = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": long_title,
            "items": [{"id": "1", "title": "A", "content_text": "Isi berita panjang."}],
        }
    )
    (article,) = _articles(parse_json_feed(feed, "j.json"))
    assert article.source is not None and article.source.startswith("Kabar Kerja sangat")
    assert len(article.source) <= 100 and article.source.endswith(("sangat…", "panjang…"))
    assert long_title.startswith(article.source[:-1])  # cut between words


def test_malformed_and_non_feeds_fail_with_a_reason():
    items = list(read_inputs([str(FIXTURES / "feeds" / "malformed.xml")]))
    assert len(items) == 1 and isinstance(items[0], ImportFailure)
    assert items[0].error.startswith("malformed feed (mismatched tag)")
    assert _failures(parse_feed(b"\x00\xff garbage", "x.xml")) != []
    assert [f.error for f in parse_json_feed("{", "f.json")] == [
        "malformed JSON Feed (Expecting property name enclosed in double quotes, column 2)"
    ]
    assert [f.error for f in parse_json_feed('{"version": "x"}', "f.json")] == [
        'malformed JSON Feed (no "items" list)'
    ]
    assert (
        list(
            parse_feed(
                b'<rss version="2.0"><channel><title>Kosong</title></channel></rss>', "e.xml"
            )
        )
        == []
    )


def test_html_to_text_keeps_words_drops_markup():
    html = (
        '<div>Satu &amp; <b>dua</b><br>tiga<script>alert("x")</script></div>'
        "<p>Empat&nbsp;lima &lt;tag&gt;</p><style>p{}</style><p>enam<br/><br/>tujuh</p>"
    )
    assert html_to_text(html) == "Satu & dua tiga\n\nEmpat lima <tag>\n\nenam\n\ntujuh"
    assert html_to_text("<p>\x1b[31mmerah\x1b[0m</p>") == "merah"
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mon, 19 Feb 2018 14:30:00 +0700", "2018-02-19T14:30:00+07:00"),
        ("Mon, 19 Feb 2018 07:30:00 GMT", "2018-02-19T07:30:00+00:00"),
        ("2018-02-19T14:30:00Z", "2018-02-19T14:30:00+00:00"),
        ("2018-02-19T14:30:00+08:00", "2018-02-19T14:30:00+08:00"),
        ("Senin, 19 Februari 2018 – 14:30 WIB", "2018-02-19T14:30:00+07:00"),
        ("Senin, 19 Februari 2018 14:30 WITA", "2018-02-19T14:30:00+08:00"),
        ("Sen, 19 Feb 2018 14:30 WIT", "2018-02-19T14:30:00+09:00"),
        ("19/2/2018", "2018-02-19"),
        ("Senin (19/2)", None),  # no year: left unknown
        ("kemarin", None),
    ],
)
def test_feed_dates_keep_their_offset(raw, expected):
    assert feed_date(raw) == expected


def test_detect_format_by_name_type_and_first_bytes():
    rss = (FIXTURES / "feeds" / "rss2.xml").read_bytes()
    assert detect_format(rss, "x.xml") == "feed"
    assert detect_format(rss, "http://h/feed", "text/html") == "feed"  # a feed served as HTML
    assert (
        detect_format((FIXTURES / "feeds" / "rss091.xml").read_bytes(), "http://h/f", None)
        == "feed"
    )
    assert (
        detect_format(b'{"version": "https://jsonfeed.org/version/1", "items": []}', "f.json")
        == "jsonfeed"
    )
    assert detect_format(b'{"title": "x"}', "f.json") == "json"
    assert detect_format(b"<html><body>x</body></html>", "http://h/a", None) == "page"
    assert detect_format(b"\x89PNG", "http://h/logo", "image/png") is None


# -- HTTP --------------------------------------------------------------------------------------


def test_get_follows_a_redirect_and_reports_http_status(server):
    target = server.serve("/target.xml", Route(b"<rss/>", "application/rss+xml"))
    server.serve("/moved", Route(status=301, location="/target.xml"))
    response = get(server.url("/moved"))
    assert (response.status, response.url, response.body) == (200, target, b"<rss/>")
    with pytest.raises(FetchError) as error:
        get(server.url("/nowhere"))
    assert (str(error.value), error.value.status) == ("HTTP 404 Not Found", 404)


def test_redirects_are_bounded_and_stay_on_http(server):
    for n in range(10):
        server.serve(f"/hop{n}", Route(status=302, location=f"/hop{n + 1}"))
    with pytest.raises(FetchError, match="too many redirects"):
        get(server.url("/hop0"), max_redirects=3)
    targets = [
        "ftp://example.id/feed.xml",
        "file:///etc/passwd",
        "data:text/plain,x",
        "javascript:alert(1)",
    ]
    for n, target in enumerate(targets):
        server.serve(f"/away{n}", Route(status=302, location=target))
        with pytest.raises(FetchError, match="redirect to a non-http\\(s\\) URL refused"):
            get(server.url(f"/away{n}"))
    for url in ("file:///etc/passwd", "ftp://example.id/x", "javascript:alert(1)", "http://"):
        with pytest.raises(FetchError, match="not an http"):
            get(url)


def test_a_slow_server_times_out(server):
    server.serve("/slow.xml", Route(b"<rss/>", delay=30.0))  # a timeout not kept would read it
    with pytest.raises(FetchError) as error:
        get(server.url("/slow.xml"), timeout=0.4)
    assert str(error.value) == "timed out after 0.4 s"


def test_an_oversized_body_is_refused_with_or_without_its_length(server):
    big = b"<rss>" + b"x" * 5000 + b"</rss>"
    server.serve("/big.xml", Route(big))
    server.serve("/big-stream.xml", Route(big, declare_length=False))
    for path in ("/big.xml", "/big-stream.xml"):
        with pytest.raises(FetchError, match="response larger than 4 KiB"):
            get(server.url(path), max_bytes=4096)


def test_conditional_get_sends_validators_and_understands_304(server):
    server.serve(
        "/c.xml", Route(b"<rss/>", etag='"v1"', last_modified="Mon, 19 Feb 2018 07:30:00 GMT")
    )
    first = get(server.url("/c.xml"))
    again = get(server.url("/c.xml"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b"" and again.etag == '"v1"'
    sent = server.requests_to("/c.xml")[-1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 19 Feb 2018 07:30:00 GMT"


# -- subscriptions and fetching ----------------------------------------------------------------


def test_add_list_remove(library):
    assert library.add_feed("https://a.example.id/rss.xml")
    assert not library.add_feed("https://a.example.id/rss.xml")  # once only
    assert library.add_feed("http://b.example.id/atom.xml", "B")
    assert [(f.url, f.title) for f in library.feeds()] == [
        ("https://a.example.id/rss.xml", None),
        ("http://b.example.id/atom.xml", "B"),
    ]
    with pytest.raises(FeedError, match="not an http"):
        library.add_feed("ftp://x.id/feed")
    assert library.remove_feed("https://a.example.id/rss.xml")
    assert not library.remove_feed("https://a.example.id/rss.xml")
    assert [f.url for f in library.feeds()] == ["http://b.example.id/atom.xml"]


def test_fetch_stores_every_format_and_refetch_adds_nothing(library, server):
    urls = serve_standard_feeds(server)
    for url in urls.values():
        library.add_feed(url)
    seen = []
    results = library.fetch(progress=lambda done, total, r: seen.append((done, total)))
    assert [(r.status, r.added, r.failed) for r in results] == [
        ("fetched", 3, False),
        ("fetched", 2, False),
        ("fetched", 2, False),
    ]
    assert results[2].entry_failures[0].error == "entry 3: no text for 'Tanpa isi'"
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    assert library.count() == 7
    state = {f.url: f for f in library.feeds()}
    assert state[urls["rss"]].title == "Berita Ketenagakerjaan"
    assert state[urls["rss"]].etag == '"rss-v1"'
    assert state[urls["json"]].last_added == 2

    again = library.fetch()
    assert [(r.status, r.added, r.http_status) for r in again] == [("unchanged", 0, 304)] * 3
    assert library.count() == 7
    rss_sent = server.requests_to("/rss.xml")[-1].headers
    atom_sent = server.requests_to("/atom.xml")[-1].headers
    json_sent = server.requests_to("/feed.json")[-1].headers
    assert rss_sent["If-None-Match"] == '"rss-v1"' and "If-Modified-Since" not in rss_sent
    assert atom_sent["If-Modified-Since"] == "Sun, 03 Jun 2018 04:26:40 GMT"
    assert json_sent["If-None-Match"] == 'W/"json-1"' and "If-Modified-Since" in json_sent
    assert all("If-None-Match" not in seen.headers for seen in server.requests[:3])


def test_fetched_articles_are_named_as_feeds_list_names_their_feed(library, server):
    urls = serve_standard_feeds(server)
    untitled = server.serve_fixture("/untitled.xml", "feeds/untitled.xml", "application/rss+xml")
    # Titles given by a person (or an OPML file) are replaced by the feed's own on fetch.
    library.add_feed(urls["rss"], "Nama dari OPML")
    library.add_feed(urls["atom"])
    library.add_feed(urls["json"], "Nama Saya")
    library.add_feed(untitled, "Feed Sunyi")
    assert all(not r.failed for r in library.fetch())
    titles = {f.url: f.title for f in library.feeds()}
    assert titles == {
        urls["rss"]: "Berita Ketenagakerjaan",
        urls["atom"]: "Atom Tenaga Kerja",
        urls["json"]: "JSON Feed Naker",
        untitled: "Feed Sunyi",  # the document has no title: the given one stays
    }
    sources: dict[str | None, set[str | None]] = {}
    for headline in library.headlines(0, 50):
        article = library.get(headline.id)
        assert article is not None and article.source == headline.source
        sources.setdefault(article.origin, set()).add(article.source)
    assert sources == {
        urls["rss"]: {"Berita Ketenagakerjaan"},
        urls["atom"]: {"Atom Tenaga Kerja"},
        urls["json"]: {"JSON Feed Naker"},
        untitled: {"sunyi.example.id"},  # the site's name, never the server's host
    }


def test_a_feed_without_validators_refetched_whole_adds_nothing(library, server):
    url = server.serve_fixture("/plain.xml", "feeds/rss2.xml", "application/rss+xml")
    library.add_feed(url)
    assert library.fetch()[0].added == 3
    result = library.fetch()[0]
    assert (result.status, result.added, result.unchanged) == ("fetched", 0, 3)


def test_failures_are_one_line_each_and_the_rest_arrives(library, server):
    good = server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml", etag='"a"')
    broken = server.serve_fixture(
        "/broken.xml", "feeds/malformed.xml", "application/rss+xml", etag='"b"'
    )
    slow = server.serve("/slow.xml", Route(b"<rss/>", delay=4.0))
    big = server.serve("/big.xml", Route(b"<rss>" + b"x" * 3000 + b"</rss>"))
    page = server.serve("/empty.html", Route(b"<html><body><p>Menu</p></body></html>", "text/html"))
    missing = server.url("/gone.xml")
    moved = server.serve("/old.xml", Route(status=301, location="/rss.xml"))
    for url in (good, broken, slow, big, page, missing, moved):
        library.add_feed(url)
    # A second of timeout: at 0.5 s, a quick feed timed out once on a machine at load 12.
    results = {r.url: r for r in library.fetch(timeout=1.0, max_bytes=2048 * 4)}
    assert server.peak > 1  # concurrent: the slow feed does not hold the rest
    # Both end at /rss.xml, fetched at once: whichever is stored first adds its 3 articles.
    first, second = sorted((results[good], results[moved]), key=lambda r: -r.added)
    assert (first.added, second.added, second.unchanged) == (3, 0, 3)
    assert results[moved].status == "fetched"
    assert results[broken].error.startswith("malformed feed (mismatched tag)")
    assert results[slow].error == "timed out after 1 s"
    assert results[missing].error == "HTTP 404 Not Found" and results[missing].http_status == 404
    assert results[page].error == "no article text found in the page"
    results = {r.url: r for r in library.fetch([big], max_bytes=1024)}
    assert results[big].error == (
        "response larger than 1 KiB; raise the limit with 'fetch --max-size MIB' "
        "or fetch_max_size (MiB) in the [ui] table of the config file"
    )
    state = {f.url: f for f in library.feeds()}
    assert state[broken].etag is None  # a failed feed is fetched whole next time
    assert state[broken].failures == 1 and state[broken].last_error.startswith("malformed")
    assert state[good].failures == 0 and state[good].last_error is None


def test_many_feeds_are_fetched_concurrently(library, server):
    for n in range(16):
        url = server.serve_fixture(
            f"/f{n}.xml", "feeds/rss091.xml", "application/rss+xml", delay=0.25
        )
        library.add_feed(url)
    results = library.fetch(workers=8)
    assert [r.failed for r in results] == [False] * 16
    assert 1 < server.peak <= 8  # several at a time, never more than the workers
    assert library.count() == 1  # the same entry in every feed: stored once


def test_opml_import_and_export(library, tmp_path):
    data = (FIXTURES / "feeds.opml").read_bytes()
    result = library.import_opml(data)
    added, known, problems = result.added, result.known, result.problems
    assert (added, known) == (2, 0)
    assert problems == ["not an http(s) URL: 'ftp://files.example.id/feed.xml'"]
    again = library.import_opml(data)
    assert (again.added, again.known) == (0, 2)
    exported = library.export_opml()
    assert read_opml(exported) == [
        ("https://berita.example.id/rss.xml", "Berita Ketenagakerjaan"),
        ("https://atom.example.id/atom.xml", "Atom Tenaga Kerja"),
    ]
    with pytest.raises(FeedError, match="not a valid OPML"):
        read_opml(b"<opml><body>")
    with pytest.raises(FeedError, match="not an OPML file"):
        read_opml(b"<rss/>")


def test_a_broken_feed_keeps_what_was_recovered_and_is_fetched_whole_again(library, server):
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Separuh</title>'
        b"<item><title>Buruh &amp; Pengusaha Sepakat</title><link>https://s.example.id/1</link>"
        b"<description>Kesepakatan upah tercapai di Bekasi.</description></item>"
        b"<item><title>Terpotong <b>di sini</title></channel>"
    )
    url = server.serve("/half.xml", Route(body, etag='"h"'))
    library.add_feed(url)
    result = library.fetch()[0]
    assert result.failed and result.error.startswith("malformed feed (")
    assert result.error.endswith("1 entry recovered")
    assert result.added == 1 and library.get(1).title == "Buruh & Pengusaha Sepakat"
    assert library.feed(url).etag is None
    library.fetch()
    assert "If-None-Match" not in server.requests_to("/half.xml")[-1].headers


def test_an_undated_entry_takes_its_day_and_month_from_the_text_and_the_year_from_its_url():
    rss = (
        b'<rss version="2.0"><channel><title>T</title><link>https://t.example.id/</link>'
        b"<item><title>A</title><link>https://t.example.id/read/2018/02/19/a</link>"
        b"<description>Menaker berbicara di Jakarta, Senin (19/2).</description></item>"
        b"<item><title>B</title><link>https://t.example.id/b</link>"
        b"<description>Menaker berbicara di Jakarta, Senin (19/2).</description></item>"
        b"</channel></rss>"
    )
    a, b = _articles(parse_feed(rss, "t.xml"))
    assert (a.published_at, a.published_raw) == ("2018-02-19", "Senin (19/2)")
    assert (b.published_at, b.published_raw) == (None, "Senin (19/2)")  # no year: unknown


def test_a_subscribed_home_page_is_replaced_by_the_feed_it_announces(library, server):
    server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml", etag='"r"')
    home = server.serve(
        "/",
        Route(
            b'<html><head><title>Berita</title><link rel="alternate" type="application/rss+xml" '
            b'href="/rss.xml"></head><body><nav>Menu</nav></body></html>',
            "text/html",
        ),
    )
    library.add_feed(home)
    result = library.fetch()[0]
    assert (result.url, result.moved_to, result.added) == (home, server.url("/rss.xml"), 3)
    assert [(f.url, f.etag) for f in library.feeds()] == [(server.url("/rss.xml"), '"r"')]
    assert library.fetch()[0].status == "unchanged"


def test_gzip_bodies_are_unpacked_within_the_size_limit(server):
    import gzip

    rss = (FIXTURES / "feeds" / "rss2.xml").read_bytes()
    server.serve("/gz.xml", Route(gzip.compress(rss), headers={"Content-Encoding": "gzip"}))
    response = get(server.url("/gz.xml"))
    assert response.body == rss
    assert server.requests_to("/gz.xml")[0].headers["Accept-Encoding"] == "gzip"
    bomb = gzip.compress(b"<rss>" + b" " * 200_000 + b"</rss>")  # 200 kB from a few hundred bytes
    server.serve("/bomb.xml", Route(bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="response larger than 64 KiB"):
        get(server.url("/bomb.xml"), max_bytes=64 * 1024)
    server.serve("/badgz.xml", Route(b"not gzip at all", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match="bad gzip body"):
        get(server.url("/badgz.xml"))


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_a_feed_charset_given_only_by_the_http_header_is_honoured(library, server):
    rss = (
        '<rss version="2.0"><channel><title>Latin</title><link>https://l.example.id/</link>'
        "<item><title>Pekerja Manadó</title><link>https://l.example.id/1</link>"
        "<description>Upah pekerja di Manadó naik.</description></item></channel></rss>"
    )
    url = server.serve("/latin.xml", Route(rss.encode("latin-1"), "text/xml; charset=iso-8859-1"))
    library.add_feed(url)
    assert library.fetch()[0].added == 1
    assert library.get(1).title == "Pekerja Manadó"


def test_feed_urls_differing_only_in_scheme_or_host_case_are_one_feed(library):

    assert library.add_feed("HTTP://Example.COM/Feed.xml") is True
    assert library.add_feed("http://example.com/Feed.xml") is False
    assert [f.url for f in library.feeds()] == ["http://example.com/Feed.xml"]
    assert library.remove_feed("http://EXAMPLE.com/Feed.xml") is True
