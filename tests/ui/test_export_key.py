"""E saves the list as Markdown (issue 10, item 7): the view's articles, or a search's."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input

from reader.core.library import Library
from reader.core.models import HeadlineFilter
from reader.ui.screens.dialogs import NameScreen
from tests.ui.conftest import search, settle, test_app
from tests.ui.test_navigator import choose


def headings(path: Path) -> list[str]:
    return [line[3:] for line in path.read_text(encoding="utf-8").splitlines() if line[:3] == "## "]


def test_E_saves_the_views_articles_and_a_searchs(library: Library, tmp_path: Path) -> None:
    topic = library.topics()[0]
    tmp_path = tmp_path / "out"  # (the store is in tmp_path itself)
    tmp_path.mkdir()

    async def save(pilot, path: Path) -> str:  # type: ignore[no-untyped-def]
        await pilot.press("E")
        assert isinstance(pilot.app.screen, NameScreen)
        box = pilot.app.screen.query_one(Input)
        suggested = box.value
        box.value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        return suggested

    async def scenario() -> None:
        app = test_app(library)
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            await choose(pilot, f"topic:{topic.id}")
            suggested = await save(pilot, tmp_path / "topic.md")
            assert suggested.endswith(".md") and "Ketenagakerjaan" in suggested
            expected = library.headlines(0, 100, HeadlineFilter(topic=topic.id))
            assert len(headings(tmp_path / "topic.md")) == len(expected) == topic.total
            await search(pilot, "pekerja migran")
            await save(pilot, tmp_path / "search" / "migran.md")  # its folder is made
            saved = headings(tmp_path / "search" / "migran.md")
            assert saved and len(saved) <= topic.total
            assert any("saved" in n.message.lower() for n in app._notifications)
            # A place that cannot be written: one line, nothing left behind.
            blocker = tmp_path / "file"
            blocker.write_text("", encoding="utf-8")
            await save(pilot, blocker / "x.md")
            assert any("Not saved" in n.message for n in app._notifications)
            assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "search", "topic.md"]

    asyncio.run(scenario())
