"""Article text is data: markup shows literally and escape sequences never reach the screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reader.core.library import open_library
from reader.core.models import Article, StoredArticle
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import search, settle, test_app

MARKUP = "[bold red]x[/]"
LINK = "[link=http://e.com]y[/link]"
ESCAPE = "\x1b[31m"
TITLE = f"Judul {MARKUP} {LINK} {ESCAPE}merah"
BODY = f"Paragraf satu {MARKUP} dan {LINK}.\n\n{ESCAPE}Paragraf dua [/oops] [dim]z"


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_markup_in_a_stored_article_shows_literally(tmp_path: Path) -> None:
    library = open_library(tmp_path / "articles.db")
    library.import_articles(
        [
            Article(
                title=TITLE,
                body=BODY,
                url="http://e.com/[bold]a",
                source="[i]sumber[/i]",
                published_at="2018-02-19T10:00:00+07:00",
            ),
        ]
    )

    async def scenario() -> None:
        app = test_app(library)
        # Wide enough for each paragraph on one line of the article (77 columns).
        async with app.run_test(size=(200, 40)) as pilot:
            await settle(pilot)
            text = screen_text(app)
            article = app.query_one(ArticleView)
            assert article.article is not None
            shown = str(article.part("title"))
            assert MARKUP in shown and LINK in shown
            assert f"Paragraf satu {MARKUP} dan {LINK}." in text
            assert "[/oops] [dim]z" in text
            assert "[i]sumber[/i]" in text
            assert "http://e.com/[bold]a" in text
            # The list shows the title's brackets too.
            assert "Judul [bold red]x[/]" in text
            svg = app.export_screenshot()
            assert "\x1b" not in svg and "\x1b" not in text
            assert app.query_one(HeadlineList).total == 1

    with library:
        asyncio.run(scenario())


def test_the_ui_strips_escapes_even_if_the_store_kept_them(tmp_path: Path) -> None:
    """Defence in depth: an article that bypassed the core's cleaning still shows safely."""
    library = open_library(tmp_path / "articles.db")
    raw = StoredArticle(title=TITLE, body=BODY + "\x07\x1b]0;evil\x07", url=None, source="s", id=99)

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(160, 40)) as pilot:
            app.reader.navigator = False  # the article as wide as before the navigator came
            await pilot.pause()
            app.query_one(ArticleView).show(raw)
            await pilot.pause()
            text = screen_text(app)
            assert f"Judul {MARKUP} {LINK} [31mmerah" not in text  # the whole sequence went
            assert f"Judul {MARKUP} {LINK} merah" in text
            assert "Paragraf dua [/oops] [dim]z" in text
            assert "evil" not in text
            assert not any(ord(c) < 32 and c != "\n" for c in text)

    with library:
        asyncio.run(scenario())


def test_a_query_with_markup_is_shown_literally(tmp_path: Path) -> None:
    library = open_library(tmp_path / "articles.db")
    library.import_articles(
        [Article(title="Upah minimum naik", body="Upah minimum [bold]naik[/].")]
    )
    query = "[bold]upah[/] [/oops"

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(120, 30)) as pilot:
            await search(pilot, query)
            text = screen_text(app)
            assert f"Search “{query}”" in text
            assert app.reader.search.query == query

    with library:
        asyncio.run(scenario())
