"""The reader's search results by relevance or newest first (O), the order in the list's title."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from reader.core.library import Library
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import (
    checks_in_one_app,
    search,
    settle,
)


def test_search_order_in_one_app(library: Library) -> None:
    """Two checks in one app (one start instead of two), `back_to_all_at_the_top` between."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            the_later_hits_snippets_follow_the_results,
            o_lists_the_results_newest_first_and_back,
        ],
    )


async def the_later_hits_snippets_follow_the_results(pilot: Pilot[Any]) -> None:
    """Results by relevance, the order a fresh app searches in (O, in the next check, makes
    the next search newest first: this one comes before it)."""
    from reader.ui.screens.reader import FIRST_SNIPPETS

    app = pilot.app
    library = app.library
    await search(pilot, "presiden")
    await settle(pilot)
    state = app.reader.search
    hits = library.search("presiden", 201).hits[:200]
    assert state is not None and len(hits) > FIRST_SNIPPETS + 10
    assert state.snippets == {hit.id: hit.snippet for hit in hits}
    headlines = app.query_one(HeadlineList)
    last = hits[-1]
    assert headlines.source.snippet(last.id) == last.snippet != ""  # what its row shows


async def o_lists_the_results_newest_first_and_back(pilot: Pilot[Any]) -> None:
    """From All with no search, the order by relevance (it asserts so)."""
    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    await search(pilot, "presiden")
    by_relevance = [hit.id for hit in library.search("presiden", 201).hits][:200]
    assert app.reader.search is not None and app.reader.search.sort == "relevance"
    assert [h.id for h in app.reader.search.headlines] == by_relevance
    assert "newest first" not in str(headlines.border_title)
    await pilot.press("O")
    await settle(pilot)
    state = app.reader.search
    newest = library.search("presiden", 201, sort="newest").hits[:200]
    assert state is not None and state.sort == "newest" and state.query == "presiden"
    assert [h.id for h in state.headlines] == [hit.id for hit in newest]
    assert [h.id for h in state.headlines] != by_relevance
    assert "” in all articles · newest first · " in str(headlines.border_title)
    assert "newest first" in app.reader.sub_title
    assert app.reader.article.article.id == newest[0].id  # the newest hit is open
    # The order stays for the next search, and O brings relevance back.
    await search(pilot, "pekerja migran")
    assert app.reader.search is not None and app.reader.search.sort == "newest"
    await pilot.press("O")
    await settle(pilot)
    state = app.reader.search
    assert state is not None and state.sort == "relevance"
    assert [h.id for h in state.headlines] == [
        hit.id for hit in library.search("pekerja migran", 201).hits[:200]
    ]
    assert "newest first" not in str(headlines.border_title)
    # Outside search results, O says what the next search will do.
    await pilot.press("escape")
    await settle(pilot)
    assert app.reader.search is None
    await pilot.press("O")
    await settle(pilot)
    assert app.reader._sort == "newest"
    assert any("newest first" in str(n.message) for n in app._notifications)
