"""A store from an older version has its search index rebuilt once when it is opened (about half
a minute at 100,000 articles): the command says so on stderr first, and its own output stays
as it is."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.library import open_library
from reader.core.models import Article
from tests.cli.conftest import Invoke
from tests.core.test_reduplication import ARTICLES, _as_before


def test_an_older_store_says_it_rebuilds_its_index_once(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with open_library(db) as library:
        library.import_articles([Article(a.title, a.body) for a in ARTICLES])
    _as_before(str(db))
    first = invoke(db, "stats", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.stderr == (
        "kemnaker-reader: rebuilding the search index of 5 articles for this version, once "
        "(about half a minute per 100,000 articles)\n"
    )
    assert json.loads(first.stdout)["articles"] == 5  # stdout is the command's alone
    again = invoke(db, "search", "anak-anak", "--json")
    assert again.exit_code == 0 and again.stderr == ""
    assert json.loads(again.stdout)[0]["title"] == "Anak-anak bermain bola"
