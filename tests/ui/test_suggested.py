"""Suggested sources in the reader (issue 10, item 1): offered in the palette, never followed by
themselves; yes follows them and fetches them at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.ui.screens.dialogs import ConfirmScreen
from tests.cli.test_suggested_feeds import _local_copies
from tests.localserver import LocalServer
from tests.ui.conftest import palette, settle, test_app


def test_the_palette_offers_the_suggested_sources_and_follows_them(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario(server: LocalServer) -> None:
        bundle = tmp_path / "bundled"
        bundle.mkdir()
        served = _local_copies(server, bundle, missing="news.detik.com")
        monkeypatch.setattr("reader.core.library.bundled_data_dir", lambda: bundle)
        app = test_app(library, watch_interval=0, fetch_every=0, fetch_timeout=5)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert library.feeds() == []  # nothing followed by itself
            await palette(pilot, "suggested sources")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await settle(pilot)
            assert library.feeds() == []
            await palette(pilot, "suggested sources")
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert sorted(feed.url for feed in library.feeds()) == sorted(served)
            # Fetched at once: every feed in the fetch log, the one not served failed.
            assert sorted(result.url for result in app.last_fetch) == sorted(served)
            assert [r.url for r in app.last_fetch if r.failed] == [
                url for url in served if "news.detik.com" in url
            ]
            await palette(pilot, "suggested sources")
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmScreen)
            assert any("followed already" in n.message for n in app._notifications)

    with LocalServer() as server:
        asyncio.run(scenario(server))


def test_an_empty_store_that_follows_nothing_offers_the_suggestions(tmp_path: Path) -> None:
    from reader.core.library import open_library
    from reader.ui.widgets.article_view import ArticleView

    async def scenario(library: Library) -> None:
        app = test_app(library, watch_interval=0, fetch_every=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            article = app.query_one(ArticleView)
            shown = str(article.part("title"))
            assert "no feeds followed" in shown
            assert "Suggested sources" in str(article.part("body"))

    with open_library(tmp_path / "empty.db") as library:
        asyncio.run(scenario(library))
        library.add_feed("https://example.id/rss.xml")
        asyncio.run(followed(library))


async def followed(library: Library) -> None:
    """A store that follows a feed: the empty view says no more than that."""
    from reader.ui.widgets.article_view import ArticleView

    app = test_app(library, watch_interval=0, fetch_every=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        article = app.query_one(ArticleView)
        assert str(article.part("title")) == "No articles in All"
