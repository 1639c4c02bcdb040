"""`purge` (and the bundled articles of the first launch)."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.library import Library
from reader.core.models import Article
from tests.cli.conftest import Invoke, lines


def _three(library: Library) -> Path:
    library.import_articles(
        [
            Article(title="Upah naik", body="Upah minimum naik.", source="jpnn.com"),
            Article(title="PHK massal", body="Pabrik tekstil tutup.", source="suara"),
            Article(title="Pekerja migran", body="Perlindungan PMI.", source="jpnn.com"),
        ]
    )
    return library.path


def test_purge_without_a_selector_is_a_usage_error(invoke: Invoke, library: Library) -> None:
    db = _three(library)
    out = invoke(db, "purge")
    assert out.exit_code == 2
    assert lines(out.stderr) == [
        "kemnaker-reader: purge needs --demo, --source NAME, --older-than DAYS or IDs "
        "(see 'kemnaker-reader --help')"
    ]
    assert library.count() == 3
    out = invoke(db, "purge", "--include-starred", "--json")
    assert out.exit_code == 2 and library.count() == 3


def test_purge_json_says_how_many_and_keeps_starred(invoke: Invoke, library: Library) -> None:
    db = _three(library)
    library.set_starred(3)
    out = invoke(db, "purge", "--source", "jpnn.com", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {"removed": 1}
    assert [h.id for h in library.headlines()] == [3, 2]
    out = invoke(db, "purge", "--source", "jpnn.com", "--include-starred", "--json")
    assert json.loads(out.stdout) == {"removed": 1}


def test_purge_text_ids_and_unknown_ones(invoke: Invoke, library: Library) -> None:
    db = _three(library)
    library.set_starred(2)
    out = invoke(db, "purge", "1", "2", "77")
    assert out.exit_code == 1
    assert lines(out.stdout) == [
        "removed 1 article",
        "kept 1 starred article (--include-starred removes them too)",
    ]
    assert lines(out.stderr) == ["kemnaker-reader: no article with id 77"]
    assert [h.id for h in library.headlines()] == [3, 2]
    search = json.loads(invoke(db, "search", "upah", "--json").stdout)
    assert search == []


def test_purge_older_than(invoke: Invoke, library: Library) -> None:
    library.import_articles(
        [Article(title="Lama", body="Berita lama.", published_at="2018-02-19T10:00:00+07:00")]
    )
    out = invoke(library.path, "purge", "--older-than", "30")
    assert (out.exit_code, out.stdout) == (0, "removed 1 article\n")
    for bad in ("-3", "abc", "1.5"):
        out = invoke(library.path, "purge", "--older-than", bad)
        assert out.exit_code == 2 and len(lines(out.stderr)) == 1 and bad in out.stderr


def test_purge_of_a_missing_store_says_so(invoke: Invoke, tmp_path: Path) -> None:
    out = invoke(tmp_path / "none.db", "purge", "--demo")
    assert out.exit_code == 1 and "no database at" in out.stderr
    assert not (tmp_path / "none.db").exists()
