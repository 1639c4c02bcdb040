"""A large feed or JSON Lines file's import (issue 11): the process reading the file only reads
it; each entry is made an article where the import prepares articles (a helper process once an
import spans two chunks). What lands, and what fails, is what reading the file whole gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reader.core.ingest import read_inputs
from reader.core.library import Library
from reader.core.models import Article, ImportFailure, Unbuilt
from reader.core.services import indexing, prepare
from tests.conftest import sql

ITEMS = 150  # three chunks of 50 (below): the helper process prepares them


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[type]:
    """The kinds of entry the import hands to its preparing (the helper process once there
    are two chunks): the real prepared_chunks, watched."""
    if not prepare.PARALLEL_PREPARE:
        pytest.skip("one core: the import prepares its chunks in its own process")
    monkeypatch.setattr(prepare, "CHUNK", 50)  # the helper process takes chunks from two on
    kinds: list[type] = []
    real = indexing.prepared_chunks

    def watched(items: Any) -> Any:
        def noted() -> Any:
            for item in items:
                kinds.append(type(item))
                yield item

        return real(noted())

    monkeypatch.setattr(indexing, "prepared_chunks", watched)
    return kinds


def _feed(path: Path) -> Path:
    items = []
    for n in range(ITEMS):
        if n in (7, 77):  # neither title nor text: a failure naming its entry
            items.append("<item><link>https://example.id/kosong</link></item>")
            continue
        items.append(
            f"<item><title>Pelatihan kerja angkatan {n}</title>"
            f"<link>https://kemnaker.go.id/berita/{n}</link>"
            f"<pubDate>Tue, 14 Nov 2023 {n % 24:02d}:{n % 60:02d}:00 +0700</pubDate>"
            f"<description>&lt;p&gt;Balai latihan kerja membuka angkatan {n} bagi pencari "
            f"kerja.&lt;/p&gt;&lt;p&gt;Pendaftaran gratis.&lt;/p&gt;</description></item>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Berita Kemnaker</title><link>https://kemnaker.go.id/</link>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path


@pytest.mark.sqlite_only  # reading and preparing; the store is only where it lands
def test_a_large_feed_files_entries_are_built_where_they_are_prepared(
    library: Library, tmp_path: Path, handed_over: list[type]
) -> None:
    feed = _feed(tmp_path / "kemnaker.xml")
    lazy = list(read_inputs([str(feed)], lazy=True))
    assert len(lazy) == ITEMS and all(isinstance(item, Unbuilt) for item in lazy)
    whole = list(read_inputs([str(feed)]))  # made articles here, as a fetch reads a feed
    expected = [item for item in whole if isinstance(item, Article)]
    assert len(expected) == ITEMS - 2

    result = library.import_inputs([str(feed)])

    assert handed_over == [Unbuilt] * ITEMS  # made articles in the helper process

    assert (result.added, result.updated, result.unchanged) == (ITEMS - 2, 0, 0)
    failures = [item for item in whole if isinstance(item, ImportFailure)]
    assert [f.message() for f in result.failed] == [f.message() for f in failures]
    assert [f.error for f in result.failed] == [
        "entry 8: no title and no text",
        "entry 78: no title and no text",
    ]
    stored = sql(library, "SELECT url, title, body, source, published_at FROM articles ORDER BY id")
    assert list(stored) == [
        (a.url, a.title, a.body, a.source, a.published_at)
        for a in (prepare.prepare(item).article for item in expected)
    ]


@pytest.mark.sqlite_only
def test_a_large_json_lines_files_lines_are_decoded_where_they_are_prepared(
    library: Library, tmp_path: Path, handed_over: list[type]
) -> None:
    lines = [
        json.dumps(
            {
                "title": f"Upah minimum kota {n} naik",
                "body": f"Dewan pengupahan kota {n} menyepakati kenaikan upah minimum.",
                "url": f"https://kemnaker.go.id/upah/{n}",
                "published": f"2026-11-{n % 28 + 1:02d}T08:00:00+07:00",
            }
        )
        for n in range(ITEMS)
    ]
    lines[10] = '{"title": "tanpa isi"}'  # no body
    lines[60] = '{"title": "terpotong", "body": '  # cut short
    lines[90] = "[" * 100_000 + "]" * 100_000  # nested too deeply
    path = tmp_path / "upah.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lazy = list(read_inputs([str(path)], lazy=True))
    assert len(lazy) == ITEMS and all(isinstance(item, Unbuilt) for item in lazy)
    whole = list(read_inputs([str(path)]))
    expected = [item for item in whole if isinstance(item, Article)]
    assert len(expected) == ITEMS - 3

    result = library.import_inputs([str(path)])

    assert handed_over == [Unbuilt] * ITEMS
    assert (result.added, result.updated, result.unchanged) == (ITEMS - 3, 0, 0)
    failures = [item for item in whole if isinstance(item, ImportFailure)]
    assert [f.message() for f in result.failed] == [f.message() for f in failures]
    assert [f.line for f in result.failed] == [11, 61, 91]
    stored = sql(library, "SELECT url, title, body, published_at FROM articles ORDER BY id")
    assert list(stored) == [
        (a.url, a.title, a.body, a.published_at)
        for a in (prepare.prepare(item).article for item in expected)
    ]
