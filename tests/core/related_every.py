"""Every demo article's related news the long way: the reference that the tests of related
news' shortcuts (the row read once, the word statistics held, the floor handed to the index)
compare the product's answers with (tests.conftest.related_of_every_article)."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from reader.core.library import Library
from tests.conftest import sql

LIMIT = 12
_NONE = object()


@dataclass
class LongWay:
    """Every article's related items, by id in id order, and what the pass saw: the row's
    readers called (by name) and the floors related news asked the index for."""

    items: dict[int, Any]
    reads: set[str] = field(default_factory=set)
    floors: list[float] = field(default_factory=list)


_answers: dict[str, LongWay] = {}


def related_the_long_way(library: Library) -> LongWay:
    """Every article's related items (LIMIT of them) with each of related news' shortcuts
    undone at once: the article, its sort key and its signature read by three statements
    (not for_related's one); on PostgreSQL, no word statistics held for an open (each step
    reads its own) and the index asked with no floor (each match ranked). Asked once per
    process and store for the tests that compare with it (xdist_group "related_every"): a
    pass over the 410 articles costs ~2 s of CPU on PostgreSQL, and the server's."""
    key = str(library.path)
    if key in _answers:
        return _answers[key]
    from reader.core.db.postgres.storage import PostgresStorage

    storage = library._storage
    articles = storage.articles
    way = LongWay(items={})

    def apart_reads(article_id):  # type: ignore[no-untyped-def]
        article = articles.get(article_id)
        if article is None:
            return None
        rows = articles.signatures([article_id])
        return article, articles.sort_key(article_id), rows[0][2] if rows else None

    ids = [row[0] for row in sql(library, "SELECT id FROM articles ORDER BY id")]
    replaced: dict[tuple[Any, str], Any] = {}
    for name in ("get", "sort_key", "signatures"):
        real = getattr(articles, name)

        def noted(*args, _real=real, _name=name):  # type: ignore[no-untyped-def]
            way.reads.add(_name)
            return _real(*args)

        replaced[articles, name] = noted
    replaced[articles, "for_related"] = apart_reads
    if isinstance(storage, PostgresStorage):
        index = storage.index
        ranked = index.ranked

        def without_floor(expression, weights, limit, *, floor=0.0, **kwargs):  # type: ignore[no-untyped-def]
            way.floors.append(floor)
            return ranked(expression, weights, limit, **kwargs)

        replaced[index, "ranked"] = without_floor
        replaced[index, "statistics_held"] = nullcontext
    # Set on the instances, and what they held before given back after.
    before = {(target, name): vars(target).get(name, _NONE) for target, name in replaced}
    try:
        for (target, name), value in replaced.items():
            setattr(target, name, value)
        way.items = {article_id: library.related(article_id, LIMIT) for article_id in ids}
    finally:
        for (target, name), value in before.items():
            if value is _NONE:
                vars(target).pop(name, None)
            else:
                setattr(target, name, value)
    _answers[key] = way
    return way
