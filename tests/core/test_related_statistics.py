"""Related news reads the word statistics once per open (the index's statistics_held)."""

import pytest

from reader.core.db.postgres.storage import PostgresStorage
from tests.conftest import related_of_every_article, sql
from tests.core.related_every import LIMIT, related_the_long_way


@pytest.mark.xdist_group("related_every")
def test_statistics_held_change_no_related_item(demo_library_ro):
    """Every demo article's related items are the same with the statistics read once as with
    each step reading its own (the index's hold replaced by none: the long way, which undoes
    related news' other shortcuts too)."""
    s = demo_library_ro
    if not isinstance(s._storage, PostgresStorage):
        pytest.skip("statistics_held keeps nothing on SQLite, where FTS5 ranks with its own")
    held = related_of_every_article(s, LIMIT)
    assert held == related_the_long_way(s).items
    assert sum(1 for items in held.values() if any(i.reason == "similar" for i in items)) > 100


def test_an_open_reads_the_word_statistics_once_on_postgres(demo_library_ro, monkeypatch):
    """On PostgreSQL an open reads term_stats and the article count in one statement, where its
    distinctive words, its own score and its ranked read each read them before (and the count
    apart); outside related news nothing is kept: a search after it reads them again."""
    s = demo_library_ro
    if not isinstance(s._storage, PostgresStorage):
        pytest.skip("SQLite's FTS5 ranks with its own statistics: no term_stats read to count")
    conn = s._storage.connections.conn
    seen: list[str] = []
    real = type(conn).execute

    def spying(self, statement, parameters=(), /):
        seen.append(statement)
        return real(self, statement, parameters)

    monkeypatch.setattr(type(conn), "execute", spying)
    ids = [row[0] for row in sql(s, "SELECT id FROM articles ORDER BY id LIMIT 40")]
    opened = 0
    for article_id in ids:
        seen.clear()
        items = s.related(article_id, 12)
        if not any(item.reason == "similar" for item in items or []):
            continue
        opened += 1
        reads = [statement for statement in seen if "FROM term_stats" in statement]
        assert len(reads) == 1, reads
        counts = [statement for statement in seen if "max(id)" in statement]
        assert counts == reads, counts  # the article count read with the frequencies
    assert opened > 10
    index = s._storage.index
    assert index._kept.frequencies is None and index._kept.total is None
    seen.clear()
    s.search("pekerja migran", 10)
    assert any("FROM term_stats" in statement for statement in seen)
