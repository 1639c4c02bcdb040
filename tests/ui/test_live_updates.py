"""A shared archive on PostgreSQL tells an open reader of the fetcher's articles at once
(LISTEN/NOTIFY): no timer looks (watch_interval 0), yet they appear within moments."""

from __future__ import annotations

import asyncio
import time

from reader.core.library import open_library
from reader.core.models import Article
from reader.ui.widgets.headline_list import HeadlineList
from tests import pg
from tests.ui.conftest import test_app

BODIES = {
    1: "Serikat pekerja menuntut kenaikan upah minimum provinsi tahun depan.",
    2: "Banjir merendam ratusan rumah warga di tepi sungai sejak semalam.",
}


def _article(title: str, day: int) -> Article:
    return Article(
        title=title,
        body=BODIES[day],  # unlike each other: two stories, not two versions of one
        url=f"https://baru.example.id/{day}",
        source="baru.example.id",
        published_at=f"2099-01-{day:02d}T08:00:00+07:00",
    )


def test_the_fetchers_articles_appear_at_once() -> None:
    name = pg.unique_name("live")
    url = pg.create_database(name)

    async def scenario() -> None:
        with open_library(url, person="ana") as library:
            library.import_articles([_article("Berita lama", 1)])
            app = test_app(library, watch_interval=0)
            async with app.run_test(size=(120, 36)) as pilot:
                headlines = app.query_one(HeadlineList)
                # Not `settle`: the listening worker runs as long as the reader does.
                for _ in range(200):
                    if headlines.total == 1:
                        break
                    await pilot.pause(0.02)
                assert headlines.total == 1 and not hasattr(app, "store_timer")
                with open_library(url, person="fetcher") as fetcher:  # another process's link
                    assert fetcher.import_articles([_article("Berita baru", 2)]).added == 1
                stored = time.monotonic()
                while headlines.total != 2 and time.monotonic() - stored < 10:
                    await pilot.pause(0.02)
                assert headlines.total == 2, "the open reader never heard of the new article"
                assert headlines.headline(0).title == "Berita baru"
                assert time.monotonic() - stored < 5  # at once: seconds at most on a busy machine

    try:
        asyncio.run(scenario())
    finally:
        pg.drop_database(name)
