"""Suggested sources: the bundled OPML of Indonesian news feeds, `feeds suggest [--add]`, and a
fetch of local copies of them (nothing here reaches the real sites)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest

from reader.core.library import Library, open_library
from tests.cli.conftest import Invoke, lines
from tests.conftest import DATA
from tests.localserver import LocalServer, Route

SUGGESTIONS = DATA / "feeds" / "indonesia.opml"
SITES = (
    "antaranews.com",
    "cnnindonesia.com",
    "tempo.co",
    "detik.com",
    "jpnn.com",
    "republika.co.id",
    "cnbcindonesia.com",
)


def test_the_bundled_suggestions_are_feeds_the_sites_publish(library: Library) -> None:
    suggested = library.suggested_feeds()
    assert len(suggested) >= 8
    urls = [feed.url for feed in suggested]
    assert len(set(urls)) == len(urls)
    for feed in suggested:
        parts = urlsplit(feed.url)
        assert parts.scheme == "https" and feed.title and not feed.followed
        site = parts.hostname or ""
        assert site.endswith(SITES), site
    assert library.feeds() == [], "suggestions are never followed by themselves"


def _local_copies(server: LocalServer, folder: Path, missing: str) -> dict[str, str]:
    """The suggestions rewritten to the local server, each served as a small RSS feed (but
    the one whose host is `missing`); {local url: title}."""
    text = SUGGESTIONS.read_text(encoding="utf-8")
    served: dict[str, str] = {}
    with open_library(folder / "probe.db") as probe:
        for feed in probe.suggested_feeds():
            parts = urlsplit(feed.url)
            path = f"/{parts.hostname}{parts.path}" + (f"?{parts.query}" if parts.query else "")
            local = server.url(path)
            text = text.replace(f'xmlUrl="{escape(feed.url)}"', f'xmlUrl="{escape(local)}"')
            served[local] = feed.title or ""
            if parts.hostname == missing:
                continue
            item = (
                f"<item><title>Berita dari {escape(feed.title or '')}</title>"
                f"<link>https://{parts.hostname}/berita/{len(served)}</link>"
                "<description>Menaker membahas upah minimum dengan serikat pekerja.</description>"
                "<pubDate>Mon, 19 Feb 2018 10:00:00 +0700</pubDate></item>"
            )
            rss = (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(feed.title or "")}'
                f"</title><link>https://{parts.hostname}/</link>{item}</channel></rss>"
            )
            server.serve(path, Route(rss.encode(), "application/rss+xml"))
    (folder / "feeds").mkdir()
    (folder / "feeds" / "indonesia.opml").write_text(text, encoding="utf-8")
    return served


def test_suggest_add_follows_them_and_a_fetch_of_local_copies_works(
    invoke: Invoke,
    tmp_path: Path,
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundle = tmp_path / "bundled"
    bundle.mkdir()
    served = _local_copies(server, bundle, missing="news.detik.com")
    monkeypatch.setattr("reader.core.library.bundled_data_dir", lambda: bundle)
    db = tmp_path / "articles.db"
    listed = json.loads(invoke(db, "feeds", "suggest", "--json").stdout)
    assert [(f["url"], f["title"], f["followed"]) for f in listed] == [
        (url, title, False) for url, title in served.items()
    ]
    assert json.loads(invoke(db, "feeds", "list", "--json").stdout) == []
    out = invoke(db, "feeds", "suggest", "--add")
    assert out.exit_code == 0, out.output
    assert lines(out.stdout) == [
        f"{len(served)} feeds added, 0 already followed; 'kemnaker-reader fetch' brings their "
        "articles"
    ]
    followed = json.loads(invoke(db, "feeds", "list", "--json").stdout)
    assert [f["url"] for f in followed] == list(served)
    out = invoke(db, "fetch", "--json")
    assert out.exit_code == 1  # the one copy not served is reported, the others land
    results = {r["url"]: r for r in json.loads(out.stdout)}
    failed = [url for url, r in results.items() if r["status"] == "failed"]
    assert len(failed) == 1 and "/news.detik.com/" in failed[0]
    assert results[failed[0]]["error"] == "HTTP 404 Not Found"
    assert sum(r["added"] for r in results.values()) == len(served) - 1
    again = invoke(db, "feeds", "suggest", "--add")
    assert f"0 feeds added, {len(served)} already followed" in again.stdout
    text = invoke(db, "feeds", "suggest").stdout
    assert all(line.startswith("followed ") for line in lines(text))
