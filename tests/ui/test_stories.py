"""The same story from two sources (issue 9, item 4): the list shows it once as "2 versions",
opening one version reads the story, and a setting lists every version instead."""

from __future__ import annotations

import asyncio

from reader.core.library import Library
from reader.core.models import Article, HeadlineFilter
from reader.ui.widgets.headline_list import HeadlineList
from tests.ui.conftest import settle, test_app
from tests.ui.test_navigator import choose, counts

BODY = (
    "Kementerian Ketenagakerjaan menggelar pelatihan vokasi bagi tiga ribu pencari kerja di "
    "balai latihan kerja Bekasi pekan ini.\n\nPelatihan itu mencakup las, otomotif, dan "
    "teknologi informasi, dengan sertifikat kompetensi bagi peserta yang lulus."
)


def two_versions(library: Library) -> tuple[int, int]:
    """One story stored from two sites, newer than every bundled article: (first, second)."""
    library.import_articles(
        [
            Article(
                title="Kemnaker latih tiga ribu pencari kerja",
                body="jpnn.com, JAKARTA - " + BODY,
                url="https://satu.example/1",
                source="Satu",
                published_at="2026-11-20T10:00:00+07:00",
            ),
            Article(
                title="KEMNAKER LATIH 3.000 PENCARI KERJA",
                body=BODY + " (ant)",
                url="https://dua.example/2",
                source="Dua",
                published_at="2026-11-21T10:00:00+07:00",
            ),
        ]
    )
    first = library.headlines(0, 1, HeadlineFilter(source="Satu"))[0]
    second = library.headlines(0, 1, HeadlineFilter(source="Dua"))[0]
    return first.id, second.id


def _rows(headlines: HeadlineList, n: int) -> list[str]:
    """The first `n` rows as painted: title and meta lines, each stripped."""
    lines = [headlines.render_line(y).text.strip(" ●") for y in range(n * headlines.row_height)]
    return [line for line in lines if line]


def test_a_story_shows_once_and_reading_it_reads_every_version(library: Library) -> None:
    first, second = two_versions(library)
    assert library.count() == 412

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            # One row for the story (its first version), saying how many versions it has.
            assert headlines.total == 411 and headlines.current.id == first
            assert headlines.current.versions == 2
            assert "Satu · 20 Nov 2026 · 2 versions" in _rows(headlines, 1)
            assert counts(app)["all"] == (411, 411)  # the navigator counts the list's rows
            # Opening the story reads both versions, and the counts follow.
            await pilot.press("enter")
            await settle(pilot)
            assert library.headline(first).read and library.headline(second).read
            assert counts(app)["all"] == (410, 411)
            # A source's view lists its own version, folded or not.
            await choose(pilot, "source:Dua")
            assert headlines.total == 1 and headlines.current.id == second
            assert counts(app)["source:Dua"] == (0, 1)

    asyncio.run(scenario())


def test_the_setting_lists_every_version(library: Library) -> None:
    first, second = two_versions(library)

    async def scenario() -> None:
        app = test_app(library, fold_stories=False)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            headlines = app.query_one(HeadlineList)
            assert headlines.total == 412 == counts(app)["all"][1]
            assert [headlines.headline(i).id for i in range(2)] == [second, first]
            assert not any("versions" in line for line in _rows(headlines, 2))
            # Reading one version still reads the story.
            await pilot.press("enter")
            await settle(pilot)
            assert library.headline(first).read and library.headline(second).read

    asyncio.run(scenario())
