"""Related news reads the article's row once: the article, its sort key (the time window) and
its MinHash signature (its bands) in one statement, where it read them in three."""

import pytest

from reader.core.services.related import TEXT_CHARS
from tests.conftest import related_of_every_article, sample_named, sampled, sql
from tests.core.related_every import LIMIT, related_the_long_way


def _reads_of_the_row(library, monkeypatch):  # type: ignore[no-untyped-def]
    """A list that notes each call of the articles table's readers of one article's row."""
    calls: list[str] = []
    articles = library._storage.articles
    for name in ("get", "for_related", "sort_key", "signatures"):
        real = getattr(articles, name)

        def spy(*args, _real=real, _name=name):  # type: ignore[no-untyped-def]
            calls.append(_name)
            return _real(*args)

        monkeypatch.setattr(articles, name, spy)
    return calls


def test_an_open_reads_the_articles_row_once(demo_library_ro, monkeypatch):
    s = demo_library_ro
    ids = [row[0] for row in sql(s, "SELECT id FROM articles ORDER BY id LIMIT 40")]
    calls = _reads_of_the_row(s, monkeypatch)
    similar = 0
    for article_id in ids:
        calls.clear()
        items = s.related(article_id, 12)
        assert items is not None
        similar += any(item.reason == "similar" for item in items)
        assert calls == ["for_related"], calls
    assert similar > 10  # the time window was needed
    calls.clear()
    assert s.related(10**9, 12) is None
    assert calls == ["for_related"]


@pytest.mark.xdist_group("related_every")
def test_the_row_read_once_changes_no_related_item(demo_library_ro):
    """The demo articles' related items are the same as when each step reads what it needs
    of the row itself (the sort key and the signature read apart, as before: the long way,
    which undoes related news' other shortcuts too): a sample of the articles in `make test`.

    The long way over every article cost ~0.7 s of CPU on SQLite (on PostgreSQL it is made
    for test_related_statistics anyway). What the row read once hands on, the sort key and
    the signature, every demo article has, and none a body longer than related news reads:
    a rotating quarter of them (tests/conftest.py: sampled), with every article that has a
    link or a same-story version among its items, takes the same ways through related news
    as all of them, the time window with them (asserted below)."""
    s = demo_library_ro
    once = related_of_every_article(s, LIMIT)
    rare = [i for i, items in once.items() if {"link", "same-story"} & {x.reason for x in items}]
    ids = sampled(list(once), rare)
    apart = related_the_long_way(s, ids)
    assert {"get", "sort_key", "signatures"} <= apart.reads
    with sample_named(len(ids)):
        assert {i: once[i] for i in ids} == {i: apart.items[i] for i in ids}
    assert sum(1 for i in ids if any(item.reason == "similar" for item in once[i])) > 20
    assert rare and not sql(
        s, "SELECT id FROM articles WHERE coalesce(sort_key, '') = '' OR minhash IS NULL"
    )
    assert sql(s, "SELECT max(length(body)) FROM articles")[0][0] <= TEXT_CHARS
    # the bands came from stored signatures (read with the row, or apart)
    assert sql(s, "SELECT count(*) FROM articles WHERE minhash IS NOT NULL")[0][0] > 100
    assert sum(1 for items in once.values() if any(i.reason == "similar" for i in items)) > 100
