"""Articles stored from the command line while the reader is open appear without a restart."""

from __future__ import annotations

import asyncio

from reader.core.models import Article
from reader.core.store import Store
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import settle, test_app


def _store_from_elsewhere(store: Store, *titles: str) -> None:
    """What `kemnaker-reader fetch` does: another connection to the same file commits."""
    other = Store(store.path)
    try:
        result = other.add_articles(
            [
                Article(
                    title=title,
                    body=f"{title}. Isi berita tentang pekerja dan upah.",
                    url=f"https://baru.example.id/{n}",
                    source="baru.example.id",
                    published_at="2099-01-0{}T08:00:00+07:00".format(n + 1),
                )
                for n, title in enumerate(titles)
            ]
        )
        assert result.added == len(titles)
    finally:
        other.close()


def test_the_refresh_key_shows_new_articles_and_keeps_the_cursor(store: Store) -> None:
    async def scenario() -> None:
        app = test_app(store, watch_interval=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            await pilot.press("j", "j")
            reading = headlines.current
            shown = app.query_one(ArticleView).article.id
            assert headlines.total == 410 and headlines.cursor == 2
            _store_from_elsewhere(store, "Berita Baru Satu", "Berita Baru Dua")
            assert headlines.total == 410  # nothing moves until asked (or the timer looks)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert headlines.total == 412
            assert headlines.headline(0).title == "Berita Baru Dua"  # newest first
            assert headlines.current.id == reading.id and headlines.cursor == 4
            assert app.query_one(ArticleView).article.id == shown  # the open article stays open
            assert "412" in str(headlines.border_title)

    asyncio.run(scenario())


def test_the_periodic_check_costs_nothing_until_another_process_writes(store: Store) -> None:
    async def scenario() -> None:
        app = test_app(store, watch_interval=60)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            assert app.store_timer._interval == 60
            before = headlines.windows_fetched
            app.reader.check_store()  # what the timer calls
            store.set_read(headlines.current.id, True)  # the reader's own writes do not count
            app.reader.check_store()
            assert headlines.windows_fetched == before and headlines.total == 410
            _store_from_elsewhere(store, "Berita Baru")
            app.reader.check_store()
            await settle(pilot)
            assert headlines.total == 411
            assert headlines.headline(0).title == "Berita Baru"

    asyncio.run(scenario())


def test_new_articles_wait_while_search_results_are_shown(store: Store) -> None:
    async def scenario() -> None:
        app = test_app(store, watch_interval=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"migran", "enter")
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            hits = headlines.total
            _store_from_elsewhere(store, "Berita Baru")
            app.reader.check_store()
            assert headlines.total == hits  # the results stay as they are
            await pilot.press("escape")
            await settle(pilot)
            assert headlines.total == 411

    asyncio.run(scenario())


def test_fetch_feeds_from_the_palette_brings_new_articles(store: Store) -> None:
    from reader.core import feeds
    from tests.localserver import LocalServer, Route

    async def scenario() -> None:
        with LocalServer() as server:
            feeds.add_feed(
                store, server.serve_fixture("/rss.xml", "feeds/rss2.xml", "application/rss+xml")
            )
            feeds.add_feed(store, server.serve("/slow.xml", Route(b"<rss/>", delay=2.0)))
            app = test_app(store, watch_interval=0, fetch_timeout=0.5)
            async with app.run_test(size=(120, 36)) as pilot:
                await settle(pilot)
                headlines = app.query_one(HeadlineList)
                await pilot.press("ctrl+p", *"fetch feeds", "enter")
                await settle(pilot)
                assert headlines.total == 413
                titles = [n.message for n in app._notifications]
                assert any("2 feeds: 3 new articles, 1 failed" in t for t in titles), titles
                assert any("timed out after 0.5 s" in t for t in titles)

    asyncio.run(scenario())


def test_the_fetching_notice_stays_until_the_fetch_ends(store: Store, monkeypatch) -> None:
    import threading
    from types import SimpleNamespace

    from reader.core import feeds

    release = threading.Event()

    def slow_fetch(store, timeout):  # stands in for a fetch that takes longer than a notice
        release.wait(10)
        return [SimpleNamespace(added=1, failed=False, url="https://a.example/rss", error=None)]

    monkeypatch.setattr(feeds, "fetch_feeds", slow_fetch)

    async def scenario() -> None:
        app = test_app(store, watch_interval=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
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

    asyncio.run(scenario())
