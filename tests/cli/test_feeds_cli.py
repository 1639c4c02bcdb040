"""`feeds ...`, `fetch` and `import` of feeds and pages, against a local HTTP server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.cli import output
from reader.core.db.sqlite import sqlite3
from reader.core.library import Library
from tests.cli.conftest import Invoke, lines
from tests.core.test_sitemaps import serve_site
from tests.localserver import FIXTURES, LocalServer, Route, serve_standard_feeds


def test_feeds_add_list_remove(invoke: Invoke, library: Library) -> None:
    db = library.path
    out = invoke(db, "feeds", "add", "https://berita.example.id/rss.xml")
    assert out.exit_code == 0
    assert lines(out.stdout) == [
        "following https://berita.example.id/rss.xml",
        "'kemnaker-reader fetch' brings their articles",
    ]
    out = invoke(
        db, "feeds", "add", "https://berita.example.id/rss.xml", "https://b.example.id/a.xml"
    )
    assert lines(out.stdout)[:2] == [
        "already following https://berita.example.id/rss.xml",
        "following https://b.example.id/a.xml",
    ]
    out = invoke(db, "feeds", "remove", "https://b.example.id/a.xml")
    assert (out.exit_code, out.stdout) == (
        0,
        "stopped following https://b.example.id/a.xml; its articles stay\n",
    )
    listed = json.loads(invoke(db, "feeds", "list", "--json").stdout)
    assert [(f["url"], f["last_fetched_at"]) for f in listed] == [
        ("https://berita.example.id/rss.xml", None)
    ]
    assert set(listed[0]) == {
        "url",
        "title",
        "added_at",
        "etag",
        "last_modified",
        "last_fetched_at",
        "last_status",
        "last_error",
        "last_added",
        "failures",
        "kind",
    }
    assert lines(invoke(db, "feeds", "list").stdout) == [
        "https://berita.example.id/rss.xml",
        "    - · never fetched",
    ]
    out = invoke(db, "feeds", "add", "file:///etc/passwd")
    assert (out.exit_code, out.stderr) == (
        1,
        "kemnaker-reader: file:///etc/passwd: not an http(s) URL: 'file:///etc/passwd'\n",
    )
    assert invoke(db, "feeds", "remove", "https://berita.example.id/rss.xml").exit_code == 0
    out = invoke(db, "feeds", "remove", "https://berita.example.id/rss.xml")
    assert out.exit_code == 1 and out.stderr == (
        "kemnaker-reader: not following https://berita.example.id/rss.xml "
        "(see 'kemnaker-reader feeds list')\n"
    )
    assert invoke(db, "feeds", "list").stdout.startswith("no feeds")
    out = invoke(db, "fetch")
    assert (out.exit_code, out.stdout) == (
        0,
        "no feeds to fetch; add one with 'kemnaker-reader feeds add URL'\n",
    )


def test_fetch_then_fetch_again(invoke: Invoke, library: Library, server: LocalServer) -> None:
    db = library.path
    for url in serve_standard_feeds(server).values():
        assert invoke(db, "feeds", "add", url).exit_code == 0
    out = invoke(db, "fetch")
    # The JSON Feed's third item has no text: one line for it, exit 1, the rest stored.
    assert lines(out.stderr) == [
        f"kemnaker-reader: {server.url('/feed.json')}: entry 3: no text for 'Tanpa isi'"
    ]
    assert out.exit_code == 1
    assert out.stdout == (
        "3 feeds: 7 articles added, 0 updated, 0 unchanged since the last fetch, 0 failed\n"
    )
    out = invoke(db, "fetch", "--json")
    assert out.exit_code == 0, out.stderr
    results = json.loads(out.stdout)
    assert [(r["status"], r["http_status"], r["added"]) for r in results] == [
        ("unchanged", 304, 0)
    ] * 3
    assert set(results[0]) == {
        "url",
        "moved_to",
        "sitemap",
        "status",
        "http_status",
        "added",
        "updated",
        "unchanged",
        "error",
        "entry_failures",
    }
    assert server.requests_to("/rss.xml")[-1].headers["If-None-Match"] == '"rss-v1"'
    out = invoke(db, "search", "smelter", "--json")
    assert [hit["title"] for hit in json.loads(out.stdout)] == ["K3 di Smelter Diperketat"]
    listed = invoke(db, "feeds", "list").stdout
    assert "Berita Ketenagakerjaan · fetched" in listed and "not modified" in listed


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_fetch_failures_one_line_each_exit_1_keep_the_rest(
    invoke: Invoke,
    library: Library,
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    terminal: bool,
) -> None:
    monkeypatch.setattr(output, "stderr_is_terminal", lambda: terminal)  # a progress bar or not
    db = library.path
    good = server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml")
    broken = server.serve_fixture("/broken.xml", "feeds/malformed.xml", "application/rss+xml")
    slow = server.serve("/slow.xml", Route(b"<rss/>", delay=2.0))
    missing = server.url("/gone.xml")
    for url in (good, broken, slow, missing):
        invoke(db, "feeds", "add", url)
    out = invoke(db, "fetch", "--timeout", "0.5")
    assert out.exit_code == 1
    assert sorted(lines(out.stderr)) == sorted(
        [
            f"kemnaker-reader: {broken}: malformed feed (mismatched tag)",
            f"kemnaker-reader: {slow}: timed out after 0.5 s",
            f"kemnaker-reader: {missing}: HTTP 404 Not Found",
        ]
    )
    assert out.stdout == (
        "4 feeds: 3 articles added, 0 updated, 0 unchanged since the last fetch, 3 failed\n"
    )
    assert "failed" in invoke(db, "feeds", "list").stdout
    out = invoke(db, "fetch", "https://not.followed.example/x")
    assert out.exit_code == 1 and out.stderr == (
        "kemnaker-reader: https://not.followed.example/x: not a followed feed "
        "(add it with 'kemnaker-reader feeds add URL')\n"
    )


def test_fetch_only_the_feeds_named(invoke: Invoke, library: Library, server: LocalServer) -> None:
    urls = serve_standard_feeds(server)
    for url in urls.values():
        invoke(library.path, "feeds", "add", url)
    out = invoke(library.path, "fetch", urls["rss"], "--json")
    assert [r["url"] for r in json.loads(out.stdout)] == [urls["rss"]]
    assert server.requests_to("/atom.xml") == []


def test_import_takes_feed_files_pages_and_urls(
    invoke: Invoke, library: Library, server: LocalServer
) -> None:
    db = library.path
    page = server.serve_fixture("/news/vokasi", "pages/jpnn-article.html", "text/html")
    server.serve_fixture("/news/vokasi?page=2", "pages/jpnn-article-page2.html", "text/html")
    feed = server.serve_fixture("/atom", "feeds/atom.xml", "application/atom+xml")
    rss, rdf = str(FIXTURES / "feeds" / "rss2.xml"), str(FIXTURES / "feeds" / "rss1.rdf")
    out = invoke(db, "import", rss, rdf, page, feed, "--json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["added"] == 7
    hits = json.loads(invoke(db, "search", "sertifikasi", "kompetensi", "--json").stdout)
    article = json.loads(invoke(db, "show", str(hits[0]["id"]), "--json").stdout)
    assert article["source"] == "jpnn.com"
    assert article["published_at"] == "2018-02-19T14:30:00+07:00"
    assert len(article["related"]) == 3
    no_article = FIXTURES / "pages" / "no-article.html"
    out = invoke(db, "import", str(no_article), server.url("/nothing.html"))
    assert out.exit_code == 1
    assert lines(out.stderr) == [
        f"kemnaker-reader: {no_article}: no article text found in the page",
        f"kemnaker-reader: {server.url('/nothing.html')}: HTTP 404 Not Found",
    ]


def undated(opml: str) -> str:
    """An OPML export without its dateCreated (two exports may fall in different seconds)."""
    assert opml.count("<dateCreated>") == 1
    return re.sub(r"<dateCreated>[^<]*</dateCreated>", "", opml)


def test_opml_import_and_export(invoke: Invoke, library: Library, tmp_path: Path) -> None:
    db = library.path
    out = invoke(db, "feeds", "import", str(FIXTURES / "feeds.opml"))
    assert out.exit_code == 1  # the ftp outline is named and skipped; the rest are followed
    assert lines(out.stderr) == [
        f"kemnaker-reader: {FIXTURES / 'feeds.opml'}: "
        "not an http(s) URL: 'ftp://files.example.id/feed.xml'"
    ]
    assert out.stdout == "2 feeds added, 0 already followed, 1 skipped\n"
    exported = invoke(db, "feeds", "export").stdout
    assert 'xmlUrl="https://atom.example.id/atom.xml"' in exported
    assert undated(invoke(db, "feeds", "export", "-").stdout) == undated(exported)
    target = tmp_path / "out.opml"
    assert invoke(db, "feeds", "export", str(target)).exit_code == 0
    assert undated(target.read_text(encoding="utf-8")) == undated(exported)
    out = invoke(tmp_path / "b.db", "feeds", "import", str(target))
    assert out.stdout == "2 feeds added, 0 already followed, 0 skipped\n"
    rss = FIXTURES / "feeds" / "rss2.xml"
    out = invoke(db, "feeds", "import", str(rss))
    assert out.exit_code == 1
    assert out.stderr.startswith(f"kemnaker-reader: {rss}: not an OPML file")
    out = invoke(db, "feeds", "import", str(tmp_path / "missing.opml"))
    assert out.exit_code == 1 and out.stderr == (
        f"kemnaker-reader: {tmp_path / 'missing.opml'}: cannot read (No such file or directory)\n"
    )
    out = invoke(db, "feeds", "export", str(tmp_path / "no" / "such" / "dir.opml"))
    assert out.exit_code == 1 and "cannot write (No such file or directory)" in out.stderr


def test_feed_state_lives_in_the_article_database(invoke: Invoke, library: Library) -> None:
    invoke(library.path, "feeds", "add", "https://berita.example.id/rss.xml")
    with sqlite3.connect(library.path) as conn:
        assert conn.execute("SELECT url FROM feeds").fetchall() == [
            ("https://berita.example.id/rss.xml",)
        ]


def test_a_site_without_a_feed_is_followed_through_its_sitemap(
    invoke: Invoke, library: Library, server: LocalServer
) -> None:
    db = library.path
    home = serve_site(server)
    assert invoke(db, "feeds", "add", home).exit_code == 0
    out = invoke(db, "fetch")
    assert out.exit_code == 0, out.stderr
    assert lines(out.stderr) == [
        f"{home}: announces no feed; following the site's sitemap, "
        f"{server.url('/sitemap_index.xml')}"
    ]
    assert out.stdout == (
        "1 feed: 3 articles added, 0 updated, 0 unchanged since the last fetch, 0 failed\n"
    )
    listed = lines(invoke(db, "feeds", "list").stdout)
    assert listed[0] == home
    assert listed[1].startswith("    Kabar Kerja · fetched ")
    assert listed[1].endswith(", 3 new pages, read through its sitemap (the site has no feed)")
    out = invoke(db, "fetch", "--json")
    (result,) = json.loads(out.stdout)
    assert (result["status"], result["added"], result["sitemap"]) == ("fetched", 0, None)
    (feed,) = json.loads(invoke(db, "feeds", "list", "--json").stdout)
    assert feed["kind"] == "sitemap"
