"""`kemnaker-reader feeds ...`, `fetch` and `import` of feeds and pages, run as a user runs them,
against a local HTTP server."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cli.test_cli import run
from tests.localserver import FIXTURES, LocalServer, Route, serve_standard_feeds


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def _lines(text: str) -> list[str]:
    return text.strip().splitlines()


def test_feeds_add_list_remove(tmp_path):
    db = tmp_path / "a.db"
    out = run(db, "feeds", "add", "https://berita.example.id/rss.xml")
    assert out.returncode == 0 and "following https://berita.example.id/rss.xml" in out.stdout
    out = run(db, "feeds", "add", "https://berita.example.id/rss.xml", "https://b.example.id/a.xml")
    assert _lines(out.stdout)[:2] == [
        "already following https://berita.example.id/rss.xml",
        "following https://b.example.id/a.xml",
    ]
    assert run(db, "feeds", "remove", "https://b.example.id/a.xml").returncode == 0
    out = run(db, "feeds", "list", "--json")
    listed = json.loads(out.stdout)
    assert [(f["url"], f["last_fetched_at"]) for f in listed] == [
        ("https://berita.example.id/rss.xml", None)
    ]
    assert "never fetched" in run(db, "feeds", "list").stdout
    out = run(db, "feeds", "add", "file:///etc/passwd")
    assert (out.returncode, _lines(out.stderr)) == (
        1,
        ["kemnaker-reader: file:///etc/passwd: not an http(s) URL: 'file:///etc/passwd'"],
    )
    assert run(db, "feeds", "remove", "https://berita.example.id/rss.xml").returncode == 0
    out = run(db, "feeds", "remove", "https://berita.example.id/rss.xml")
    assert out.returncode == 1 and "not following" in out.stderr
    assert run(db, "feeds", "list").stdout.startswith("no feeds")
    out = run(db, "feeds")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_fetch_then_fetch_again(tmp_path, server):
    db = tmp_path / "a.db"
    for url in serve_standard_feeds(server).values():
        assert run(db, "feeds", "add", url).returncode == 0
    out = run(db, "fetch")
    # The JSON Feed's third item has no text: one line for it, exit 1, the rest stored.
    assert _lines(out.stderr) == [
        f"kemnaker-reader: {server.url('/feed.json')}: entry 3: no text for 'Tanpa isi'"
    ]
    assert out.returncode == 1
    assert (
        out.stdout.strip()
        == "3 feeds: 7 articles added, 0 updated, 0 unchanged since the last fetch, 0 failed"
    )
    out = run(db, "fetch", "--json")
    assert out.returncode == 0, out.stderr
    assert [(r["status"], r["http_status"], r["added"]) for r in json.loads(out.stdout)] == [
        ("unchanged", 304, 0)
    ] * 3
    assert server.requests_to("/rss.xml")[-1].headers["If-None-Match"] == '"rss-v1"'
    out = run(db, "search", "smelter", "--json")
    assert [hit["title"] for hit in json.loads(out.stdout)] == ["K3 di Smelter Diperketat"]
    listed = run(db, "feeds", "list").stdout
    assert "Berita Ketenagakerjaan · fetched" in listed and "not modified" in listed


def test_fetch_failures_one_line_each_exit_1_keep_the_rest(tmp_path, server):
    db = tmp_path / "a.db"
    good = server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml")
    broken = server.serve_fixture("/broken.xml", "feeds/malformed.xml", "application/rss+xml")
    slow = server.serve("/slow.xml", Route(b"<rss/>", delay=2.0))
    missing = server.url("/gone.xml")
    for url in (good, broken, slow, missing):
        run(db, "feeds", "add", url)
    out = run(db, "fetch", "--timeout", "0.5")
    assert out.returncode == 1
    assert sorted(_lines(out.stderr)) == sorted(
        [
            f"kemnaker-reader: {broken}: malformed feed (mismatched tag)",
            f"kemnaker-reader: {slow}: timed out after 0.5 s",
            f"kemnaker-reader: {missing}: HTTP 404 Not Found",
        ]
    )
    assert "Traceback" not in out.stderr
    assert (
        out.stdout.strip()
        == "4 feeds: 3 articles added, 0 updated, 0 unchanged since the last fetch, 3 failed"
    )
    assert "failed" in run(db, "feeds", "list").stdout
    out = run(db, "fetch", "https://not.followed.example/x")
    assert out.returncode == 1 and "not a followed feed" in out.stderr


def test_import_takes_feed_files_pages_and_urls(tmp_path, server):
    db = tmp_path / "a.db"
    page = server.serve_fixture("/news/vokasi", "pages/jpnn-article.html", "text/html")
    server.serve_fixture("/news/vokasi?page=2", "pages/jpnn-article-page2.html", "text/html")
    feed = server.serve_fixture("/atom", "feeds/atom.xml", "application/atom+xml")
    out = run(
        db,
        "import",
        str(FIXTURES / "feeds" / "rss2.xml"),
        str(FIXTURES / "feeds" / "rss1.rdf"),
        page,
        feed,
        "--json",
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["added"] == 7
    hits = json.loads(run(db, "search", "sertifikasi", "kompetensi", "--json").stdout)
    article = json.loads(run(db, "show", str(hits[0]["id"]), "--json").stdout)
    assert (
        article["source"] == "jpnn.com" and article["published_at"] == "2018-02-19T14:30:00+07:00"
    )
    assert len(article["related"]) == 3
    out = run(
        db, "import", str(FIXTURES / "pages" / "no-article.html"), server.url("/nothing.html")
    )
    assert out.returncode == 1
    assert _lines(out.stderr) == [
        f"kemnaker-reader: {FIXTURES / 'pages' / 'no-article.html'}: no article text found in the page",
        f"kemnaker-reader: {server.url('/nothing.html')}: HTTP 404 Not Found",
    ]


def test_opml_import_and_export(tmp_path):
    db = tmp_path / "a.db"
    out = run(db, "feeds", "import", str(FIXTURES / "feeds.opml"))
    assert out.returncode == 1  # the ftp outline is named and skipped; the rest are followed
    assert _lines(out.stderr) == [
        f"kemnaker-reader: {FIXTURES / 'feeds.opml'}: not an http(s) URL: 'ftp://files.example.id/feed.xml'"
    ]
    assert out.stdout.strip() == "2 feeds added, 0 already followed, 1 skipped"
    exported = run(db, "feeds", "export").stdout
    assert 'xmlUrl="https://atom.example.id/atom.xml"' in exported
    target = tmp_path / "out.opml"
    assert run(db, "feeds", "export", str(target)).returncode == 0
    other = tmp_path / "b.db"
    assert run(other, "feeds", "import", str(target)).stdout.strip() == (
        "2 feeds added, 0 already followed, 0 skipped"
    )
    out = run(db, "feeds", "import", str(FIXTURES / "feeds" / "rss2.xml"))
    assert out.returncode == 1 and "not an OPML file" in out.stderr
    out = run(db, "feeds", "import", str(tmp_path / "missing.opml"))
    assert out.returncode == 1 and "cannot read" in out.stderr


def test_feed_state_lives_in_the_article_database(tmp_path):
    db = tmp_path / "a.db"
    run(db, "feeds", "add", "https://berita.example.id/rss.xml")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT url FROM feeds").fetchall() == [
            ("https://berita.example.id/rss.xml",)
        ]
