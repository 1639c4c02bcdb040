"""Every demo article's related news the long way: the reference that the tests of related
news' shortcuts (the row read once, the word statistics held, the floor handed to the index)
compare the product's answers with (tests.conftest.related_of_every_article)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from reader.core.library import Library
from tests.conftest import sql

LIMIT = 12
_NONE = object()


@dataclass
class LongWay:
    """Articles' related items by id, and what the passes saw: the row's readers called (by
    name) and the floors related news asked the index for."""

    items: dict[int, Any]
    reads: set[str] = field(default_factory=set)
    floors: list[float] = field(default_factory=list)


_answers: dict[str, LongWay] = {}


def related_the_long_way(library: Library, ids: Iterable[int] | None = None) -> LongWay:
    """The related items (LIMIT of them) of the articles `ids` (every article when None) with
    each of related news' shortcuts undone at once: the article, its sort key and its
    signature read by three statements (not for_related's one); on PostgreSQL, no word
    statistics held for an open (each step reads its own) and the index asked with no floor
    (each match ranked). Each article's asked once per process and store for the tests that
    compare with them (xdist_group "related_every"): a pass over the 410 articles costs ~2 s
    of CPU on PostgreSQL, and the server's. The LongWay holds every article asked so far."""
    key = str(library.path)
    way = _answers.setdefault(key, LongWay(items={}))
    if ids is None:
        ids = [row[0] for row in sql(library, "SELECT id FROM articles ORDER BY id")]
    ids = [article_id for article_id in ids if article_id not in way.items]
    if not ids:
        return way
    from reader.core.db.postgres.storage import PostgresStorage

    storage = library._storage
    articles = storage.articles

    def apart_reads(article_id):  # type: ignore[no-untyped-def]
        article = articles.get(article_id)
        if article is None:
            return None
        rows = articles.signatures([article_id])
        return article, articles.sort_key(article_id), rows[0][2] if rows else None

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
        way.items.update((article_id, library.related(article_id, LIMIT)) for article_id in ids)
    finally:
        for (target, name), value in before.items():
            if value is _NONE:
                vars(target).pop(name, None)
            else:
                setattr(target, name, value)
    return way
