"""The pool of PostgreSQL stores the tests are lent (tests/pg.py): a store handed back after a
test comes back to the next one as its template is, or is dropped if the test changed its
schema."""

from __future__ import annotations

from typing import Any

import pytest

from reader.core.library import open_library
from reader.core.models import Article
from tests import pg
from tests.conftest import empty_pg_built, sql

ARTICLES = [
    Article(f"Kabar nomor {i}", f"Isi kabar nomor {i} tentang pekerja.\n\nParagraf {i}.")
    for i in range(3)
]


def _contents(url: str) -> dict[str, Any]:
    """Every row of every table of the public schema, sorted, and where each sequence stands."""
    tables = [
        row[0]
        for row in pg.execute(
            url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
    ]
    found: dict[str, Any] = {
        table: sorted(map(repr, pg.execute(url, f"SELECT * FROM {table}"))) for table in tables
    }
    for (sequence,) in pg.execute(
        url, "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
    ):
        found[sequence] = pg.execute(url, f"SELECT last_value, is_called FROM {sequence}")
    return found


def test_a_store_handed_back_is_lent_again_as_its_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    template = empty_pg_built(tmp_path_factory)
    fresh = pg.unique_name("poolref")
    expected = _contents(pg.create_database(fresh, template))
    pg.drop_database(fresh)
    assert expected["articles"] == [] and expected["topics"] and expected["meta"]
    name = pg.lend(template)
    with open_library(pg.database_url(name)) as library:
        library.import_articles(ARTICLES)  # rows in most tables, the sequences moved on
        library.add_topic("Pekerja", "pekerja")
        assert sql(
            library, "DELETE FROM topics WHERE id = (SELECT min(id) FROM topics) RETURNING id"
        )
        assert sql(library, "UPDATE meta SET value = 'changed' RETURNING key")
        assert _contents(library.path) != expected
        pg.close_connections()
        pg.give_back(name, template, library._storage.connections.conn.raw)
    again = pg.lend(template)
    try:
        assert again == name  # the same database, emptied
        assert _contents(pg.database_url(again)) == expected
    finally:
        pg.close_connections()
        pg.give_back(again, template)


def test_a_store_whose_schema_a_test_changed_is_dropped(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    import psycopg

    template = empty_pg_built(tmp_path_factory)
    name = pg.lend(template)
    url = pg.database_url(name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE INDEX articles_by_origin ON articles (origin)")
    pg.give_back(name, template)
    assert not pg.execute(pg.cluster_url(), "SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    pg.close_connections()
