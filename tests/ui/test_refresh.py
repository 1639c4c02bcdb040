"""Articles stored from the command line while the reader is open appear without a restart."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from textual.pilot import Pilot

from reader.core.library import Library, open_library
from reader.core.models import Article, FeedResult
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import (
    checks_in_one_app,
    palette,
    search,
    settle,
    test_app,
)


def _store_from_elsewhere(library: Library, *titles: str) -> None:
    """What `kemnaker-reader fetch` does: another connection to the same file commits."""
    with open_library(library.path) as other:
        result = other.import_articles(
            [
                Article(
                    title=title,
                    body=f"{title}. Isi berita tentang buruh dan upah minimum.",
                    url=f"https://baru.example.id/{n}",
                    source="baru.example.id",
                    published_at=f"2099-01-0{n + 1}T08:00:00+07:00",
                )
                for n, title in enumerate(titles)
            ]
        )
        assert result.added == len(titles)


def test_the_periodic_check_costs_nothing_until_another_process_writes(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library, watch_interval=60)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            assert app.store_timer._interval == 60
            before = headlines.windows_fetched
            app.reader.check_store()  # what the timer calls
            library.set_read(headlines.current.id, True)  # the reader's own writes do not count
            app.reader.check_store()
            await settle(pilot)
            assert headlines.windows_fetched == before and headlines.total == 410
            _store_from_elsewhere(library, "Berita Baru")
            app.reader.check_store()
            await settle(pilot)
            assert headlines.total == 411
            assert headlines.headline(0).title == "Berita Baru"

    asyncio.run(scenario())


def test_new_articles_wait_while_search_results_are_shown(library: Library) -> None:
    async def scenario() -> None:
        app = test_app(library, watch_interval=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await search(pilot, "migran")
            headlines = app.query_one(HeadlineList)
            hits = headlines.total
            _store_from_elsewhere(library, "Berita Baru")
            app.reader.check_store()
            await settle(pilot)
            assert headlines.total == hits  # the results stay as they are
            await pilot.press("escape")
            await settle(pilot)
            assert headlines.total == 411

    asyncio.run(scenario())


def test_fetch_feeds_from_the_palette_brings_new_articles(library: Library) -> None:
    from tests.localserver import LocalServer, Route

    async def scenario() -> None:
        with LocalServer() as server:
            library.add_feed(
                server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml")
            )
            library.add_feed(server.serve("/slow.xml", Route(b"<rss/>", delay=2.0)))
            app = test_app(library, watch_interval=0, fetch_timeout=0.5)
            async with app.run_test(size=(120, 36)) as pilot:
                await settle(pilot)
                headlines = app.query_one(HeadlineList)
                await palette(pilot, "fetch feeds")
                await pilot.press("enter")
                await settle(pilot)
                assert headlines.total == 413
                titles = [n.message for n in app._notifications]
                assert any("2 feeds: 3 new articles; 1 failed" in t for t in titles), titles
                assert any("timed out after 0.5 s" in t for t in titles)

    asyncio.run(scenario())


def test_quitting_during_a_fetch_ends_the_fetch_at_once(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.core.test_hardening import Trickle

    server = Trickle(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n", b"<rss>")
    library.add_feed(server.url)
    ended = threading.Event()
    real_fetch = library.fetch

    def watched_fetch(**options: Any) -> list[FeedResult]:
        try:
            return real_fetch(**options)
        finally:
            ended.set()

    monkeypatch.setattr(library, "fetch", watched_fetch)

    async def scenario() -> None:
        app = test_app(library, watch_interval=0, fetch_timeout=60)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            app.fetch_feeds()
            # Quit once the request is being answered: pressed before the fetch's thread had
            # begun, q could end the app before its fetch started at all.
            assert await asyncio.to_thread(server.answering, 1)
            assert not ended.is_set()  # the server trickles: the fetch is under way
            await pilot.press("q")

    asyncio.run(scenario())
    # A 60 s timeout and a server that never finishes: only quitting can have ended it.
    assert ended.wait(10)
    server.close()
    assert library.feeds()[0].last_fetched_at is None  # left as it was


def test_the_reader_fetches_on_its_schedule_and_lists_every_failed_feed(
    library: Library,
) -> None:
    from reader.ui.screens.fetch_log import FetchLogScreen, log_lines
    from tests.localserver import LocalServer, Route

    async def scenario() -> None:
        with LocalServer() as server:
            good = server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml")
            missing = server.serve("/gone.xml", Route(b"not here", status=404))
            broken = server.serve_fixture(
                "/broken.xml", "feeds/malformed.xml", "application/rss+xml"
            )
            for url in (good, missing, broken):
                library.add_feed(url)
            titles: list[str] = []
            # Every 0.02 minutes: the first round comes after 1.2 s, with no key pressed (time
            # for the title's watcher to be set up below, on a loaded machine too; with 0.6 s
            # the first "fetching 1 of 3" was once missed).
            app = test_app(library, watch_interval=0, fetch_timeout=5, fetch_every=0.02)
            async with app.run_test(size=(120, 36)) as pilot:
                # (Textual's watch wants a Python function, not a list's bound builtin.)
                app.watch(app, "title", lambda title: titles.append(title), init=False)  # noqa: PLW0108
                await settle(pilot)
                headlines = app.query_one(HeadlineList)
                for _ in range(500):  # 5 s at most
                    if app.last_fetch:
                        break
                    await pilot.pause(0.01)
                await settle(pilot)
                assert {result.url for result in app.last_fetch} == {good, missing, broken}
                assert headlines.total >= 413
                # The header counted the feeds as they were done, then went back.
                assert "kemnaker-reader · fetching 1 of 3 feeds" in titles
                assert app.title == "kemnaker-reader"
                # The summary counts every failure and names both failed feeds.
                summary = next(n.message for n in app._notifications if "failed" in n.message)
                assert "3 feeds: 3 new articles; 2 failed: " in summary
                assert missing in summary and broken in summary and "404" in summary
                # The fetch log: the failed feeds first, each with its reason.
                await palette(pilot, "fetch log")
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, FetchLogScreen)
                text = log_lines(app.last_fetch).plain
                assert text.index(missing) < text.index(good) and "404" in text
                assert text.splitlines()[0] == "Failed: 2"
                await pilot.press("escape")
                assert not isinstance(app.screen, FetchLogScreen)

    asyncio.run(scenario())


def test_fetching_and_refreshing_at_120_columns(library: Library) -> None:
    """Three checks in one app (one start instead of three), each from where a fresh app
    starts (`back_to_all_at_the_top` between). The periodic look at the store is off, and
    the fetch size limit 2.5 MB is what the second check reads back."""
    checks_in_one_app(
        library,
        (120, 36),
        [
            the_fetching_notice_stays_until_the_fetch_ends,
            the_readers_fetch_takes_the_configured_size_limit,
            the_refresh_key_shows_new_articles_and_keeps_the_cursor,
        ],
        watch_interval=0,
        fetch_max_size=2.5,
    )


async def the_fetching_notice_stays_until_the_fetch_ends(pilot: Pilot[Any]) -> None:
    """The first fetch of its app (the library's fetch replaced for the check)."""
    release = threading.Event()

    def slow_fetch(**options: Any) -> list[FeedResult]:  # longer than a notice would stay
        release.wait(10)
        return [FeedResult("https://a.example/rss", added=1)]

    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(app.library, "fetch", slow_fetch)
        app.fetch_feeds()
        await pilot.pause()
        notice = app._fetch_notice
        assert notice is not None and notice in app._notifications
        assert notice.timeout > 600  # not gone after a couple of seconds
        app.fetch_feeds()  # a second request does not start another fetch
        await pilot.pause()
        assert app._fetch_notice is notice
        release.set()
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert notice not in app._notifications and app._fetch_notice is None
        assert any("1 feed: 1 new article" in m for m in messages), messages


async def the_readers_fetch_takes_the_configured_size_limit(pilot: Pilot[Any]) -> None:
    """Its app is configured with fetch_max_size 2.5 (the library's fetch replaced for the
    check)."""
    seen: dict[str, Any] = {}

    def fetch(**options: Any) -> list[FeedResult]:
        seen.update(options)
        return []

    app = pilot.app
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(app.library, "fetch", fetch)
        app.fetch_feeds()
        await settle(pilot)
        assert seen["max_bytes"] == int(2.5 * 1024 * 1024)


async def the_refresh_key_shows_new_articles_and_keeps_the_cursor(pilot: Pilot[Any]) -> None:
    """Nothing stored before it (it asserts 410 rows); it stores two, so it comes last."""
    app = pilot.app
    library = app.library
    headlines = app.query_one(HeadlineList)
    await pilot.press("j", "j")
    reading = headlines.current
    assert headlines.total == 410 and headlines.cursor == 2
    _store_from_elsewhere(library, "Berita Baru Satu", "Berita Baru Dua")
    assert headlines.total == 410  # nothing moves until asked (or the timer looks)
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert headlines.total == 412
    assert headlines.headline(0).title == "Berita Baru Dua"  # newest first
    assert headlines.current.id == reading.id and headlines.cursor == 4
    # The row under the cursor is the one previewed, before and after.
    assert app.query_one(ArticleView).article.id == reading.id
    assert "412" in str(headlines.border_title)
