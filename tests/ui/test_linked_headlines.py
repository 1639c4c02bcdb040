"""Headlines the article links to that are not stored (issue 10, item 5): the sidebar lets the
cursor onto them; `o` opens their URL and Enter searches the store for their words."""

from __future__ import annotations

import asyncio

from reader.core.library import Library
from reader.core.models import Article, RelatedHeadline
from reader.ui.widgets.related_panel import RelatedPanel
from tests.ui.conftest import settle, test_app

LINKED = "Pemerintah naikkan upah minimum buruh pabrik"
URL = "https://berita.example/upah-minimum"


def test_o_opens_a_linked_headline_and_enter_searches_for_it(library: Library) -> None:
    library.import_articles(
        [
            Article(
                title="Serikat pekerja menuntut kenaikan upah",
                body="Serikat pekerja di Bekasi menuntut kenaikan upah minimum tahun depan.",
                url="https://berita.example/serikat",
                published_at="2026-11-20T10:00:00+07:00",
                related=[RelatedHeadline(LINKED, URL), RelatedHeadline("Tanpa alamat sama sekali")],
            )
        ]
    )

    async def scenario() -> None:
        app = test_app(library)
        opened: list[str] = []
        app.open_in_browser = lambda url, **kw: opened.append(url)  # no real browser here
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)  # the new article is open; its links are not stored
            related = app.query_one(RelatedPanel)
            await pilot.press("tab", "tab")
            assert app.focused is related
            item = related.highlighted_item  # the cursor can be on a headline not stored
            assert item is not None and (item.id, item.title, item.url) == (None, LINKED, URL)
            await pilot.press("o", "y")
            assert opened == [URL] and app.clipboard == URL
            await pilot.press("down")
            assert related.highlighted_item.url is None
            await pilot.press("o")
            assert opened == [URL]
            assert any("no URL" in n.message for n in app._notifications)
            await pilot.press("up", "enter")
            await settle(pilot)
            state = app.reader.search
            assert state is not None and state.query == LINKED
            assert state.scope is None  # everywhere, whatever the view
            assert state.count > 0  # its words are in stored articles

    asyncio.run(scenario())
