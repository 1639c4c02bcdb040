"""A large feed or JSON Lines file's import (issue 11): the process reading the file only reads
it; each entry is made an article where the import prepares articles (a helper process once an
import spans two chunks). What lands, and what fails, is what reading the file whole gives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reader.core.ingest import read_inputs
from reader.core.library import open_library
from reader.core.models import Article, ImportFailure, ImportResult, Unbuilt
from reader.core.services import indexing, prepare
from tests.conftest import sql

ITEMS = 150  # three chunks of 50 (below) each file: the helper process prepares them


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


def _lines(path: Path) -> Path:
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
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Imported:
    """One import of the feed file and the JSON Lines file, in that order."""

    feed: Path
    lines: Path
    result: ImportResult
    handed: list[type]  # the kind of each entry the import handed to its preparing
    stored: list[tuple[Any, ...]]  # url, title, body, source, published_at by id


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """Both files imported together into a new store file, with chunks of 50: the helper
    process prepares the chunks from the second on (one helper for both files; each started
    one of its own when they were imported apart). What the import handed to its preparing
    is watched (the real prepared_chunks)."""
    if not prepare.PARALLEL_PREPARE:
        pytest.skip("one core: the import prepares its chunks in its own process")
    folder = tmp_path_factory.mktemp("large-inputs")
    feed, lines = _feed(folder / "kemnaker.xml"), _lines(folder / "upah.jsonl")
    kinds: list[type] = []
    real = indexing.prepared_chunks

    def watched(items: Any) -> Any:
        def noted() -> Any:
            for item in items:
                kinds.append(type(item))
                yield item

        return real(noted())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prepare, "CHUNK", 50)
        patch.setattr(indexing, "prepared_chunks", watched)
        with open_library(folder / "articles.db") as library:
            result = library.import_inputs([str(feed), str(lines)])
            stored = sql(
                library, "SELECT url, title, body, source, published_at FROM articles ORDER BY id"
            )
    assert (result.added, result.updated, result.unchanged) == (2 * ITEMS - 5, 0, 0)
    return Imported(feed, lines, result, kinds, list(stored))


def _of(imported: Imported, path: Path) -> tuple[list[ImportFailure], list[tuple[Any, ...]]]:
    """The import's failures in `path`, and the rows stored from it (the files' URLs differ)."""
    failed = [f for f in imported.result.failed if f.source == str(path)]
    prefix = (
        "https://kemnaker.go.id/berita/"
        if path == imported.feed
        else "https://kemnaker.go.id/upah/"
    )
    return failed, [row for row in imported.stored if row[0].startswith(prefix)]


def test_a_large_feed_files_entries_are_built_where_they_are_prepared(
    imported: Imported,
) -> None:
    feed = imported.feed
    lazy = list(read_inputs([str(feed)], lazy=True))
    assert len(lazy) == ITEMS and all(isinstance(item, Unbuilt) for item in lazy)
    whole = list(read_inputs([str(feed)]))  # made articles here, as a fetch reads a feed
    expected = [item for item in whole if isinstance(item, Article)]
    assert len(expected) == ITEMS - 2

    assert imported.handed[:ITEMS] == [Unbuilt] * ITEMS  # made articles in the helper process

    failed, stored = _of(imported, feed)
    assert len(stored) == ITEMS - 2  # added
    failures = [item for item in whole if isinstance(item, ImportFailure)]
    assert [f.message() for f in failed] == [f.message() for f in failures]
    assert [f.error for f in failed] == [
        "entry 8: no title and no text",
        "entry 78: no title and no text",
    ]
    assert stored == [
        (a.url, a.title, a.body, a.source, a.published_at)
        for a in (prepare.prepare(item).article for item in expected)
    ]


def test_a_large_json_lines_files_lines_are_decoded_where_they_are_prepared(
    imported: Imported,
) -> None:
    path = imported.lines
    lazy = list(read_inputs([str(path)], lazy=True))
    assert len(lazy) == ITEMS and all(isinstance(item, Unbuilt) for item in lazy)
    whole = list(read_inputs([str(path)]))
    expected = [item for item in whole if isinstance(item, Article)]
    assert len(expected) == ITEMS - 3

    assert imported.handed[ITEMS:] == [Unbuilt] * ITEMS
    failed, stored = _of(imported, path)
    assert len(stored) == ITEMS - 3  # added
    failures = [item for item in whole if isinstance(item, ImportFailure)]
    assert [f.message() for f in failed] == [f.message() for f in failures]
    assert [f.line for f in failed] == [11, 61, 91]
    assert [row[:3] + row[4:] for row in stored] == [
        (a.url, a.title, a.body, a.published_at)
        for a in (prepare.prepare(item).article for item in expected)
    ]
