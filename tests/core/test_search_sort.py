"""Search results newest first: a sort the person chooses (recency never mixes into relevance)."""

import pytest

from tests.conftest import sql


def _dates(library, ids):
    keys = dict(
        sql(
            library,
            f"SELECT id, sort_key FROM articles WHERE id IN ({','.join('?' * len(ids))})",
            tuple(ids),
        )
    )
    return [(keys[i], i) for i in ids]


def test_newest_lists_every_match_newest_first(demo_library_ro):
    s = demo_library_ro
    every = [hit.id for hit in s.search("presiden", 1000).hits]  # every article with the word
    assert len(every) > 40
    newest = s.search("presiden", 20, sort="newest").hits
    expected = sorted(_dates(s, every), reverse=True)[:20]
    assert [hit.id for hit in newest] == [i for _, i in expected]
    assert expected[0] > sorted(_dates(s, every), reverse=True)[25]  # dates, not ties of ids
    by_relevance = {hit.id: hit.score for hit in s.search("presiden", 1000).hits}
    assert all(hit.score == by_relevance[hit.id] for hit in newest)  # each keeps its score


def test_newest_keeps_filters_exclusions_and_topics(demo_library_ro):
    s = demo_library_ro
    query = "since:2017-06-01 until:2017-12-31 presiden -jokowi"
    every = [hit.id for hit in s.search(query, 1000).hits]
    assert len(every) > 20
    newest = [hit.id for hit in s.search(query, 20, sort="newest").hits]
    assert newest == [i for _, i in sorted(_dates(s, every), reverse=True)[:20]]


def test_fewer_matches_than_a_page_are_the_relevance_hits_newest_first(demo_library_ro):
    s = demo_library_ro
    for query in ["pekerja migran", "menuliskan", "pekerja migran calya"]:  # few, widened, relaxed
        best = s.search(query, 10)
        assert best.hits
        newest = s.search(query, 10, sort="newest")
        assert newest.relaxed == best.relaxed
        ids = [hit.id for hit in best.hits]
        assert [hit.id for hit in newest.hits] == [
            i for _, i in sorted(_dates(s, ids), reverse=True)
        ]


def test_a_query_of_filters_alone_is_newest_first_either_way(demo_library_ro):
    s = demo_library_ro
    plain = [hit.id for hit in s.search("source:cnn", 15).hits]
    assert plain and plain == [hit.id for hit in s.search("source:cnn", 15, sort="newest").hits]


def test_an_unknown_sort_is_a_mistake(demo_library_ro):
    with pytest.raises(ValueError, match="unknown sort 'oldest'"):
        demo_library_ro.search("presiden", 5, sort="oldest")
