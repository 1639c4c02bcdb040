"""Command-palette providers: jump to any headline by its title."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from reader.core.library import Library
from reader.ui.messages import OpenArticle
from reader.ui.text import one_line, short_date

MAX_CANDIDATES = 200  # titles scored per keystroke, after a cheap word filter


class HeadlineCommands(Provider):
    """Every stored headline, matched on its title."""

    titles: list[tuple[int, str, str]]  # (article id, title, source · date)

    async def startup(self) -> None:
        library: Library = self.app.library  # type: ignore[attr-defined]
        # Read in a thread: off the UI thread, on that thread's own connection.
        self.titles = await asyncio.to_thread(_load_titles, library)

    def _open(self, article_id: int) -> None:
        self.screen.post_message(OpenArticle(article_id))

    async def discover(self) -> Hits:
        for article_id, title, meta in self.titles[:15]:
            yield DiscoveryHit(
                Content(title),
                partial(self._open, article_id),
                text=title,
                help=escape(meta) or None,
            )

    async def search(self, query: str) -> Hits:
        words = query.lower().split()
        if not words:
            return
        matcher = self.matcher(query)
        found = 0
        for article_id, title, meta in self.titles:
            lowered = title.lower()
            if not all(word in lowered for word in words):
                continue
            score = matcher.match(title)
            if score <= 0:
                score = 0.1  # all the words are there, in another order
            display = Content(title)
            for start, end in _word_spans(lowered, words):
                display = display.stylize(self.match_style or "bold reverse", start, end)
            yield Hit(
                score,
                display,
                partial(self._open, article_id),
                text=title,
                help=escape(meta) or None,
            )
            found += 1
            if found >= MAX_CANDIDATES:
                return
            if found % 50 == 0:
                await asyncio.sleep(0)  # let the palette stay responsive on a large store


def _load_titles(library: Library) -> list[tuple[int, str, str]]:
    rows = library.headlines(0, library.count())
    titles = []
    for row in rows:
        meta = " · ".join(p for p in (one_line(row.source), short_date(row.published_at)) if p)
        titles.append((row.id, one_line(row.title), meta))
    return titles


def _word_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    spans = []
    for word in words:
        start = text.find(word)
        if start >= 0:
            spans.append((start, start + len(word)))
    return spans
