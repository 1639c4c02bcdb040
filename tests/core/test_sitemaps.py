"""Sites without a feed: their sitemap found (robots.txt, /sitemap.xml), its newest pages read
with the page rules, each stored once; bad, missing and off-site sitemaps as one line."""

from __future__ import annotations

import gzip

import pytest

from reader.core.errors import SitemapError
from reader.core.ingest.sitemaps import parse_sitemap, sitemaps_in_robots
from reader.core.services import feeds as feed_service
from tests.localserver import LocalServer, Route

HOME = b"""<!DOCTYPE html><html lang="id"><head><title>Kabar Kerja</title></head>
<body><nav><a href="/">Beranda</a> <a href="/berita">Berita</a></nav></body></html>"""

# path -> (title, its date as the sitemap gives it, the element that gives it)
PAGES = {
    "/berita/upah-minimum": ("Dewan Pengupahan Membahas Upah Minimum", "2026-11-20", "lastmod"),
    "/berita/pelatihan-vokasi": (
        "Balai Latihan Kerja Membuka Kelas Baru",
        "2026-11-28T08:00:00+07:00",
        "news",
    ),
    "/berita/pekerja-migran": (
        "Perlindungan Pekerja Migran Diperkuat",
        "2026-11-25T10:30:00Z",
        "lastmod",
    ),
}
NEWEST_FIRST = ["/berita/pelatihan-vokasi", "/berita/pekerja-migran", "/berita/upah-minimum"]


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def _article(title: str, day: str) -> bytes:
    words = title.lower()
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{title} | Kabar Kerja</title><meta property="og:site_name" content="Kabar Kerja">
<meta property="article:published_time" content="{day}"></head><body>
<nav><a href="/">Beranda</a></nav><article><h1>{title}</h1>
<p>Kementerian Ketenagakerjaan menyampaikan kabar tentang {words} kepada para wartawan di
Jakarta pada pekan ini, setelah rapat bersama serikat pekerja dan asosiasi pengusaha.</p>
<p>Menurut kementerian, langkah tentang {words} itu disusun bersama pemerintah daerah agar
para pekerja di banyak provinsi mendapat manfaat yang sama dalam waktu dekat.</p>
<p>Serikat pekerja menyambut baik rencana itu dan meminta pengawasan di lapangan diperketat
supaya aturan benar-benar dijalankan oleh perusahaan.</p></article></body></html>""".encode()


def _urlset(server: LocalServer, paths: list[str], extra: str = "") -> bytes:
    entries = []
    for path in paths:
        _title, day, where = PAGES[path]
        when = (
            f"<news:news><news:publication_date>{day}</news:publication_date></news:news>"
            if where == "news"
            else f"<lastmod>{day}</lastmod>"
        )
        entries.append(
            f"<url><loc>{server.url(path)}</loc>{when}"
            f"<image:image><image:loc>{server.url('/img/x.jpg')}</image:loc></image:image></url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
        + "\n".join(entries)
        + extra
        + "\n</urlset>\n"
    ).encode()


def serve_site(server: LocalServer, paths: list[str] | None = None) -> str:
    """A site whose home page announces no feed; robots.txt names a sitemap index whose newer
    child lists the article pages (the older child lists nothing)."""
    home = server.serve("/", Route(HOME, "text/html"))
    robots = (
        f"User-agent: *\nDisallow: /cari  # search\n\nSitemap: {server.url('/sitemap_index.xml')}\n"
    )
    server.serve("/robots.txt", Route(robots.encode(), "text/plain"))
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{server.url("/sitemap-2019.xml")}</loc><lastmod>2019-01-31</lastmod></sitemap>
<sitemap><loc>{server.url("/sitemap-berita.xml")}</loc><lastmod>2026-11-28</lastmod></sitemap>
</sitemapindex>"""
    server.serve("/sitemap_index.xml", Route(index.encode(), "application/xml"))
    server.serve("/sitemap-2019.xml", Route(_urlset(server, []), "application/xml"))
    elsewhere = (
        "<url><loc>https://lain.example.id/berita/x</loc><lastmod>2026-11-29</lastmod></url>"
    )
    urlset = _urlset(server, paths if paths is not None else list(PAGES), elsewhere)
    server.serve("/sitemap-berita.xml", Route(urlset, "application/xml"))
    for path, (title, day, _) in PAGES.items():
        server.serve(path, Route(_article(title, day), "text/html; charset=utf-8"))
    return home


def _page_requests(server: LocalServer) -> list[str]:
    return [seen.path for seen in server.requests if seen.path.startswith("/berita/")]


def test_a_home_page_without_a_feed_is_followed_through_its_sitemap(library, server):
    home = serve_site(server)
    assert library.add_feed(home)
    result = library.fetch()[0]
    assert not result.failed, result.error
    assert (result.url, result.sitemap, result.added) == (
        home,
        server.url("/sitemap_index.xml"),
        3,
    )
    # Read newest first, by the news publication date or <lastmod>; the page of another site
    # and the image are never asked for.
    assert _page_requests(server) == NEWEST_FIRST
    assert "/img/x.jpg" not in [seen.path for seen in server.requests]
    stored = [library.get(h.id) for h in library.headlines(0, 10)]
    assert [a.url for a in stored if a is not None] == [server.url(p) for p in NEWEST_FIRST]
    assert {a.source for a in stored if a is not None} == {"Kabar Kerja"}
    (feed,) = library.feeds()
    assert (feed.url, feed.kind, feed.title, feed.last_added) == (home, "sitemap", "Kabar Kerja", 3)

    # The next round finds the sitemap again and reads no page it has stored.
    before = len(server.requests_to("/"))
    again = library.fetch()[0]
    assert (again.status, again.added, again.sitemap, again.error) == ("fetched", 0, None, None)
    assert _page_requests(server) == NEWEST_FIRST
    assert len(server.requests_to("/")) == before  # the home page is not fetched again
    assert library.count() == 3


def test_only_the_newest_pages_are_read_in_a_round(library, server, monkeypatch):
    monkeypatch.setattr(feed_service, "SITEMAP_PAGES", 2)
    home = serve_site(server, paths=["/berita/upah-minimum", "/berita/pekerja-migran"])
    library.add_feed(home)
    assert library.fetch()[0].added == 2
    # A page appears in the sitemap: the next round reads it alone, then the older one is due.
    server.serve(
        "/sitemap-berita.xml",
        Route(_urlset(server, list(PAGES)), "application/xml"),
    )
    monkeypatch.setattr(feed_service, "SITEMAP_PAGES", 1)
    assert library.fetch()[0].added == 1
    assert _page_requests(server)[-1] == "/berita/pelatihan-vokasi"
    assert library.fetch()[0].added == 0
    assert library.count() == 3


@pytest.mark.sqlite_only  # finding a site's sitemap, above the store: the same on both backends
def test_without_robots_txt_the_well_known_sitemap_is_read(library, server):
    home = server.serve("/", Route(HOME, "text/html"))
    server.serve("/sitemap.xml", Route(_urlset(server, ["/berita/upah-minimum"]), "text/xml"))
    title, day, _ = PAGES["/berita/upah-minimum"]
    server.serve("/berita/upah-minimum", Route(_article(title, day), "text/html"))
    library.add_feed(home)
    result = library.fetch()[0]
    assert (result.added, result.sitemap, result.error) == (1, server.url("/sitemap.xml"), None)


def test_a_broken_sitemap_is_one_line_and_the_other_feeds_arrive(library, server):
    good = server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml")
    home = server.serve("/", Route(HOME, "text/html"))
    server.serve("/robots.txt", Route(b"Sitemap: /sitemap.xml\n", "text/plain"))
    broken = b'<?xml version="1.0"?>\n<urlset>\n<url><loc>/a</loc></urll>\n</urlset>'
    server.serve("/sitemap.xml", Route(broken, "application/xml"))
    library.add_feed(good)
    library.add_feed(home)
    results = {r.url: r for r in library.fetch()}
    assert results[good].added == 3 and not results[good].failed
    assert results[home].error == (
        "no article text found in the page; it announces no feed, and no sitemap could be read "
        "(/sitemap.xml: malformed sitemap (mismatched tag, line 3))"
    )
    assert library.feed(home).kind == "feed"  # nothing found: nothing changed


def test_a_site_whose_sitemap_breaks_later_reports_it_and_keeps_its_pages(library, server):
    home = serve_site(server)
    library.add_feed(home)
    assert library.fetch()[0].added == 3
    server.serve("/sitemap_index.xml", Route(b"<html><body>Maaf</body></html>", "text/html"))
    result = library.fetch()[0]
    assert (result.status, result.error) == (
        "failed",
        "no sitemap could be read (/sitemap_index.xml: not a sitemap (the root element is <html>))",
    )
    assert library.count() == 3 and library.feed(home).failures == 1


@pytest.mark.sqlite_only  # finding a site's sitemap, above the store: the same on both backends
def test_missing_robots_and_sitemaps_are_named_in_one_line(library, server):
    home = server.serve("/", Route(HOME, "text/html"))
    library.add_feed(home)
    (result,) = library.fetch()
    assert result.error == (
        "no article text found in the page; it announces no feed, and no sitemap could be read "
        "(robots.txt: HTTP 404 Not Found; /sitemap.xml: HTTP 404 Not Found; "
        "/sitemap_index.xml: HTTP 404 Not Found)"
    )


@pytest.mark.sqlite_only  # finding a site's sitemap, above the store: the same on both backends
def test_a_sitemap_of_another_site_is_not_followed(library, server):
    home = server.serve("/", Route(HOME, "text/html"))
    robots = b"Sitemap: https://lain.example.id/sitemap.xml\n"
    server.serve("/robots.txt", Route(robots, "text/plain"))
    library.add_feed(home)
    assert library.fetch()[0].error.endswith(
        "no sitemap could be read "
        "(sitemap https://lain.example.id/sitemap.xml is on another site, not followed)"
    )
    # A sitemap of this site that lists only other sites' pages.
    server.serve("/robots.txt", Route(b"Sitemap: /sitemap.xml\n", "text/plain"))
    elsewhere = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://lain.example.id/berita/1</loc></url></urlset>"
    )
    server.serve("/sitemap.xml", Route(elsewhere.encode(), "application/xml"))
    assert library.fetch()[0].error.endswith(
        "it announces no feed, and the sitemap (/sitemap.xml) lists only pages of other sites"
    )
    assert [seen.path for seen in server.requests if "berita" in seen.path] == []


# -- the XML and robots.txt --------------------------------------------------------------------


def test_parse_sitemap_dates_namespaces_and_gzip():
    data = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc> https://s.example.id/a </loc><lastmod>2026-11-01</lastmod>
    <news:news><news:publication_date>2026-11-28T07:00:00+07:00</news:publication_date>
    </news:news></url>
  <url><loc>https://s.example.id/b</loc><lastmod>kemarin</lastmod></url>
  <url><lastmod>2026-11-02</lastmod></url>
</urlset>"""
    for body in (data, gzip.compress(data)):
        sitemap = parse_sitemap(body)
        assert sitemap.kind == "urlset"
        a, b = sitemap.entries
        assert (a.url, a.modified.isoformat()) == (
            "https://s.example.id/a",
            "2026-11-28T00:00:00+00:00",
        )
        assert (b.url, b.modified) == ("https://s.example.id/b", None)  # a date it cannot read
    index = parse_sitemap(
        b"<sitemapindex><sitemap><loc>https://s.example.id/1.xml</loc></sitemap></sitemapindex>"
    )
    assert index.kind == "index" and [e.url for e in index.entries] == [
        "https://s.example.id/1.xml"
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><urlset><url><loc>&b;</loc></url></urlset>',
            "not a sitemap (it declares entities, which are refused)",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<urlset><url><loc>&x;</loc></url></urlset>",
            "not a sitemap (it declares entities, which are refused)",
        ),
        (b"<rss><channel/></rss>", "not a sitemap (the root element is <rss>)"),
        (b"", "malformed sitemap (no element found, line 1)"),
        (b"\x1f\x8b\x08garbage", "not a sitemap (bad gzip body: "),
    ],
)
def test_a_bad_sitemap_raises_one_line(data, reason):
    with pytest.raises(SitemapError) as raised:
        parse_sitemap(data)
    assert str(raised.value).startswith(reason) and "\n" not in str(raised.value)


def test_sitemap_lines_of_robots_txt():
    robots = (
        b"User-agent: *\nDisallow: /cari\n# Sitemap: https://s.example.id/commented.xml\n"
        b"SITEMAP:https://s.example.id/a.xml\nSitemap: /b.xml # relative\n"
        b"Sitemap: https://s.example.id/a.xml\nSitemap:\n"
    )
    assert sitemaps_in_robots(robots, "https://s.example.id/robots.txt") == [
        "https://s.example.id/a.xml",
        "https://s.example.id/b.xml",
    ]
