"""The navigator: All, Unread, Starred, topics and sources, each with its unread / total counts,
choosing a view, the start view, search within a topic, and the key that brings it in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.pilot import Pilot

from reader.core.library import Library
from reader.core.models import HeadlineFilter
from reader.ui.screens.help import HelpScreen
from reader.ui.views import ALL, STARRED, UNREAD, View
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from reader.ui.widgets.navigator import Navigator
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import (
    back_to_all_at_the_top,
    checks_in_one_app,
    palette,
    resize,
    run_checks,
    search,
    settle,
    test_app,
)
from tests.ui.test_refresh import _store_from_elsewhere

TOPIC = "Ketenagakerjaan"


def run(test: Any) -> None:
    asyncio.run(test())


def counts(app: Any) -> dict[str, tuple[int, int]]:
    """The navigator's entries: view key -> (unread, total)."""
    return {c.view.key: (c.unread, c.total) for c in app.query_one(Navigator).counts}


def expected_counts(library: Library) -> dict[str, tuple[int, int]]:
    """What the library says, asked directly, view by view."""
    count = library.count
    result = {
        "all": (count(UNREAD.filter), count()),
        "unread": (count(UNREAD.filter), count(UNREAD.filter)),
        "starred": (count(HeadlineFilter(unread=True, starred=True)), count(STARRED.filter)),
    }
    for topic in library.topics():
        view = HeadlineFilter(topic=topic.id)
        result[f"topic:{topic.id}"] = (
            count(HeadlineFilter(unread=True, topic=topic.id)),
            count(view),
        )
    for source in library.sources():
        if source.name:
            unread = count(HeadlineFilter(unread=True, source=source.name))
            result[f"source:{source.name}"] = (unread, count(HeadlineFilter(source=source.name)))
    return result


def entry_text(navigator: Navigator) -> list[str]:
    return [navigator.get_option_at_index(i).prompt.plain for i in range(navigator.option_count)]


def title(headlines: HeadlineList) -> str:
    """The list's title as shown (the public getter gives markup), without the weekly chart
    after its name (tests/ui/test_sparkline.py checks that)."""
    return headlines._border_title.plain.split("  ")[0]


async def choose(pilot: Pilot[Any], key: str) -> View:
    """v (to the navigator), the cursor onto the entry of `key`, Enter; wait for the list."""
    app = pilot.app
    navigator = app.query_one(Navigator)
    if app.focused is not navigator:
        await pilot.press("v")
    index = next(
        i
        for i in range(navigator.option_count)
        if (option := navigator.get_option_at_index(i)).id
        and navigator.counts[int(option.id.removeprefix("view-"))].view.key == key
    )
    navigator.highlighted = index
    await pilot.press("enter")
    await settle(pilot)
    return app.reader.view


def _opened_on_the_start_view(app: Any, key: str, total: int) -> None:
    """The reader opened on the view of `key`, its newest article previewed, nothing said."""
    library = app.library
    headlines = app.query_one(HeadlineList)
    assert app.reader.view.key == key and headlines.total == total
    newest = library.headlines(0, 1, app.reader.view.filter)[0]
    assert app.query_one(ArticleView).article.id == newest.id
    assert title(headlines).startswith(app.reader.view.name)
    assert not app._notifications


# The setting Ketenagakerjaan (the default) is checked in test_in_the_labour_topic below.
@pytest.mark.parametrize("setting, key, total", [("pHK", "topic:3", 4), ("unread", "unread", 410)])
def test_the_start_view_setting(library: Library, setting: str, key: str, total: int) -> None:
    async def scenario() -> None:
        app = test_app(library, start_view=setting)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            _opened_on_the_start_view(app, key, total)

    run(scenario)


def test_an_unknown_start_view_opens_on_all(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library, start_view="Tidak Ada [bold]x")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.reader.view == ALL and app.query_one(HeadlineList).total == 410
            messages = [n.message for n in app._notifications]
            assert any("Tidak Ada [bold]x" in m and "showing All" in m for m in messages)

    run(scenario)


def _displayed(app: Any) -> list[str]:
    panes = [Navigator, HeadlineList, ArticleView, RelatedPanel]
    return [pane.__name__ for pane in panes if app.query_one(pane).display]


def test_where_it_does_not_fit_a_key_brings_the_navigator_in(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            navigator = app.query_one(Navigator)
            assert _displayed(app) == ["HeadlineList", "ArticleView"]
            await pilot.press("v")  # in the list's place; the article keeps its 36 columns
            assert _displayed(app) == ["Navigator", "ArticleView"]
            assert app.focused is navigator
            assert app.query_one(ArticleView).region.width >= 36
            await pilot.press("v")  # and away again
            assert _displayed(app) == ["HeadlineList", "ArticleView"]
            assert isinstance(app.focused, HeadlineList)
            view = await choose(pilot, "topic:1")  # choosing gives the list its place back
            assert view.name == TOPIC and _displayed(app) == ["HeadlineList", "ArticleView"]
            assert isinstance(app.focused, HeadlineList)
            # 120 columns: it takes the related sidebar's place, which comes back after.
            await resize(pilot, 120, 40)
            assert _displayed(app) == ["HeadlineList", "ArticleView", "RelatedPanel"]
            await pilot.press("v")
            assert _displayed(app) == ["Navigator", "HeadlineList", "ArticleView"]
            await pilot.press("r")  # the related news take their place back
            assert _displayed(app) == ["HeadlineList", "ArticleView", "RelatedPanel"]
            await pilot.press("v", "escape")  # Esc: to the list, the navigator stays
            assert isinstance(app.focused, HeadlineList)
            assert _displayed(app) == ["Navigator", "HeadlineList", "ArticleView"]
            await choose(pilot, "all")
            assert _displayed(app) == ["HeadlineList", "ArticleView", "RelatedPanel"]
            # From 160 columns it fits beside everything, and shows without asking.
            await resize(pilot, 160, 40)
            assert _displayed(app) == ["Navigator", "HeadlineList", "ArticleView", "RelatedPanel"]
            widths = [app.query_one(p).region.width for p in (Navigator, HeadlineList)]
            assert widths == [30, 48]
            # Below 60 columns: one pane at a time, the navigator among them.
            await resize(pilot, 50, 24)
            await pilot.press("v")
            assert _displayed(app) == ["Navigator"]
            await pilot.press("enter")
            await settle(pilot)
            assert _displayed(app) == ["HeadlineList"]

    run(scenario)


def test_the_navigator_key_has_an_id_and_is_in_the_help(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library, keymap={"reader.navigator": "f2"})
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            sections = dict(app.reader.help_sections())
            assert ("f2", "Views") in sections["Anywhere"]
            assert ("⏎, l", "Show") in sections["Navigator"]
            await pilot.press("f2")
            assert isinstance(app.focused, Navigator)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)

    run(scenario)


def test_names_from_outside_are_text_not_markup(library: Library) -> None:
    async def scenario() -> None:
        library.add_topic("[b]Upah[/b] [x", "upah")
        app = test_app(library, start_view="[b]upah[/b] [x")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("v")
            text = entry_text(app.query_one(Navigator))
            assert any("[b]Upah[/b] [x" in t for t in text)
            assert title(app.query_one(HeadlineList)).startswith("[b]Upah[/b] [x · ")

    run(scenario)


# Checks that share an app: each was a test that started its own (a start is most of what a
# Pilot test costs). `run_checks` names the check that fails.


async def _back_to_all(pilot: Pilot[Any]) -> None:
    """All chosen again (the navigator's cursor on it), then where a fresh app stands."""
    if pilot.app.reader.view != ALL:
        await choose(pilot, "all")
    await back_to_all_at_the_top(pilot)


def test_on_all_at_120_columns(library: Library) -> None:
    """Two checks in one app (one start instead of two). The periodic look at the store is
    off (watch_interval 0) so that only check_store sees the articles stored from elsewhere."""
    checks_in_one_app(
        library,
        (120, 40),
        [
            counts_then_enter_chooses_and_cursor_keys_move_and_count_nothing,
            counts_follow_articles_stored_from_elsewhere,
        ],
        between=_back_to_all,
        watch_interval=0,
    )


async def opens_on_the_labour_topic(pilot: Pilot[Any]) -> None:
    """The first check of its app, started with the default config: the labour topic, as the
    start view setting Ketenagakerjaan opens it."""
    from reader.ui.config import UIConfig

    assert UIConfig().start_view == TOPIC
    app = pilot.app
    assert app.reader.view.name == TOPIC
    _opened_on_the_start_view(app, "topic:1", 22)


async def _back_to_the_topic(pilot: Pilot[Any]) -> None:
    """The labour topic chosen again, the list focused, its first row previewed."""
    app = pilot.app
    reader = app.reader
    for _ in range(4):
        if reader.search is None and app.focused is reader.headlines:
            break
        await pilot.press("escape")
        await settle(pilot)
    if reader.view.key != "topic:1":
        await choose(pilot, "topic:1")
    headlines = reader.headlines
    if headlines.cursor != 0:
        await pilot.press("home")
        await settle(pilot)
    article = reader.article.article
    if article is None or article.id != headlines.current.id:
        await pilot.press("j", "home")  # Esc out of a search keeps its article open
        await settle(pilot)
    assert app.screen is reader and app.focused is headlines and reader.search is None
    assert reader.view.key == "topic:1" and headlines.cursor == 0
    assert reader.article.article is not None
    assert reader.article.article.id == headlines.current.id


def test_in_the_labour_topic(library: Library) -> None:
    """Three checks in one app on the default config, which opens on the labour topic (one
    start instead of four)."""

    async def scenario() -> None:
        from reader.ui.app import make_app
        from reader.ui.config import UIConfig

        app = make_app(library, UIConfig(cursor_blink=False))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await run_checks(
                pilot,
                [
                    opens_on_the_labour_topic,
                    counts_follow_reading_starring_and_marking,
                    search_stays_within_a_topic_and_esc_returns_to_it,
                ],
                between=_back_to_the_topic,
            )

    run(scenario)


def test_at_160_columns(library: Library) -> None:
    """Two checks in one app (one start instead of two), on a store with one article read
    and one starred (choosing_each_view_shows_its_headlines needs them; the counting does
    not look at marks)."""

    async def scenario() -> None:
        library.set_starred(library.headlines(0, 3)[2].id)
        library.set_read(library.headlines(0, 2)[1].id)
        app = test_app(library)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            await run_checks(
                pilot,
                [
                    counting_again_keeps_the_cursor_on_its_entry,
                    choosing_each_view_shows_its_headlines,
                ],
                between=back_to_all_at_the_top,
            )

    run(scenario)


async def counts_then_enter_chooses_and_cursor_keys_move_and_count_nothing(
    pilot: Pilot[Any],
) -> None:
    """The first check of its app: the counts as the reader opens, choosing with the keys, and
    cursor keys that count nothing."""
    app = pilot.app
    library = app.library
    # Every entry shows its unread and total counts.
    shown = counts(app)
    assert shown == expected_counts(library)
    keys = list(shown)
    topics = [f"topic:{t.id}" for t in library.topics()]
    sources = [f"source:{s.name}" for s in library.sources()]
    assert keys == ["all", "unread", "starred", *topics, *sources]  # in this order
    assert shown["all"] == (410, 410) and shown["topic:1"] == (22, 22)
    text = entry_text(app.query_one(Navigator))
    assert "▸ All" in text[0] and text[0].endswith(" 410/410")  # the shown view marked
    assert "Topics" in text and "Sources" in text
    assert any(t.startswith(f"  {TOPIC}") and t.endswith(" 22/22") for t in text)
    # Enter chooses; the cursor keys only move.
    headlines = app.query_one(HeadlineList)
    navigator = app.query_one(Navigator)
    await pilot.press("v")
    assert app.focused is navigator
    await pilot.press("j", "j", "j")  # past the Topics heading, onto the first topic
    assert navigator.highlighted_view.key == "topic:1"
    await settle(pilot)
    assert app.reader.view == ALL and headlines.total == 410
    await pilot.press("enter")
    await settle(pilot)
    assert app.reader.view.name == TOPIC and headlines.total == 22
    # Cursor keys in the list count nothing; the palette's Views focuses the navigator.
    requests = app.reader._views_request
    await pilot.press("j", "j", "k", "G", "g")
    await settle(pilot)
    assert app.reader._views_request == requests
    await palette(pilot, "views")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.focused, Navigator)


async def counts_follow_articles_stored_from_elsewhere(pilot: Pilot[Any]) -> None:
    """Nothing read before it (it asserts 410 unread); it stores two articles, so it comes
    last."""
    app = pilot.app
    library = app.library
    navigator = app.query_one(Navigator)
    await pilot.press("v", "j", "j")  # browsing the entries counts nothing
    await settle(pilot)
    assert not any(w.group == "views" for w in app.workers)
    highlighted = navigator.highlighted_view
    assert highlighted is not None and highlighted.key == "starred"
    # Another Library on the same file stores two articles about buruh and upah minimum.
    _store_from_elsewhere(library, "Berita Baru Satu", "Berita Baru Dua")
    assert counts(app)["all"] == (410, 410)  # nothing moves until the store is checked
    app.reader.check_store()
    await settle(pilot)
    shown = counts(app)
    assert shown["all"] == (412, 412) and shown["topic:1"] == (24, 24)
    assert shown["source:baru.example.id"] == (2, 2)
    assert shown == expected_counts(library)
    assert navigator.highlighted_view.key == "starred"  # the cursor stayed on its entry


async def counts_follow_reading_starring_and_marking(pilot: Pilot[Any]) -> None:
    """In the labour topic, nothing read or starred before it (it asserts the counts); it
    leaves the topic's first article starred and unread."""
    app = pilot.app
    library = app.library
    first = app.query_one(HeadlineList).current
    assert counts(app)["topic:1"] == (22, 22)  # the first article is a preview: unread
    await pilot.press("enter")  # read it
    await settle(pilot)
    assert library.headline(first.id).read
    shown = counts(app)
    assert shown["all"] == (409, 410) and shown["unread"] == (409, 409)
    assert shown["topic:1"] == (21, 22)
    assert (
        shown[f"source:{first.source}"][0] == expected_counts(library)[f"source:{first.source}"][0]
    )
    await pilot.press("s")  # star the open article
    await settle(pilot)
    assert counts(app)["starred"] == (0, 1)
    await pilot.press("m")  # unread again
    await settle(pilot)
    assert counts(app)["starred"] == (1, 1) and counts(app)["topic:1"] == (22, 22)
    assert counts(app) == expected_counts(library)


async def search_stays_within_a_topic_and_esc_returns_to_it(pilot: Pilot[Any]) -> None:
    """From the labour topic; it ends on Unread."""
    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    await search(pilot, "jakarta")
    within = {h.id for h in library.headlines(0, 100, app.reader.view.filter)}
    state = app.reader.search
    assert state is not None and state.scope == TOPIC and state.count > 0
    assert {h.id for h in state.headlines} <= within
    everywhere = library.search("jakarta", 201).hits
    assert len(everywhere) > state.count  # the topic narrowed it
    assert f"in {TOPIC}" in title(headlines)
    assert f"Esc: back to {TOPIC}" in headlines._border_subtitle.plain
    await pilot.press("w")  # widened: the same words in every article
    await settle(pilot)
    assert app.reader.search.scope is None and "in all articles" in title(headlines)
    assert app.reader.search.count == min(len(everywhere), 200)
    await pilot.press("escape")
    await settle(pilot)
    assert app.reader.search is None and headlines.total == 22
    assert title(headlines) == f"{TOPIC} · 22"
    # In a view that is not a topic, every article is searched, and the title says so.
    await choose(pilot, "unread")
    await search(pilot, "jakarta")
    assert app.reader.search.scope is None
    assert app.reader.search.count == min(len(everywhere), 200)
    assert "in all articles" in title(headlines)
    await pilot.press("escape")
    await settle(pilot)
    assert app.reader.view.key == "unread"


async def counting_again_keeps_the_cursor_on_its_entry(pilot: Pilot[Any]) -> None:
    """The counts come again (articles arrived, a mark changed) while the cursor is on an
    entry below a separator: it stays on that entry (separators take no index among the
    options)."""
    app = pilot.app
    navigator = app.query_one(Navigator)
    entries = [
        i for i in range(navigator.option_count) if navigator.get_option_at_index(i).id is not None
    ]
    for index in entries:
        navigator.highlighted = index
        chosen = navigator.highlighted_view
        assert chosen is not None
        navigator.show_counts(list(navigator.counts), app.reader.view.key)
        assert navigator.highlighted_view == chosen, chosen.key


async def choosing_each_view_shows_its_headlines(pilot: Pilot[Any]) -> None:
    """The store as its test left it before the app started: the third row starred, the
    second read, nothing else marked."""
    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    shown_counts = counts(app)
    topics = [k for k in shown_counts if k.startswith("topic:")]
    sources = [k for k in shown_counts if k.startswith("source:")]
    empty = next(k for k in topics if shown_counts[k][1] == 0)
    # Every kind of view, an empty one, and both ends of the list (choosing all 21
    # views one by one took 19 s for no more coverage).
    for key in [
        "all",
        "unread",
        "starred",
        topics[0],
        empty,
        topics[-1],
        sources[0],
        sources[-1],
    ]:
        view = await choose(pilot, key)
        assert view.key == key
        assert app.focused is headlines
        total = library.count(view.filter)
        assert headlines.total == total, key
        assert counts(app)[key][1] == total
        assert title(headlines) == f"{view.name} · {total:,}"
        assert app.reader.sub_title == f"{view.name} · {total:,} articles"
        rows = [headlines.headline(i) for i in range(min(total, 20))]
        assert [r.id for r in rows] == [h.id for h in library.headlines(0, 20, view.filter)], key
        if key == "unread":
            assert not any(r.read for r in rows)
        elif key == "starred":
            assert all(r.starred for r in rows) and total == 1
        elif view.kind == "source":
            assert all(r.source == view.name for r in rows)
        # The view's newest article is previewed (still unread: a preview).
        shown = app.query_one(ArticleView).article
        if total:
            assert shown is not None and shown.id == rows[0].id, key
        else:
            assert shown is None, key  # "No articles in ..." instead
    assert counts(app)["unread"] == (409, 409)  # previews marked nothing read
