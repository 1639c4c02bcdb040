"""Messages that cross widgets: worker results and requests to open an article.

Messages that belong to one widget are nested in it (HeadlineList.Opened, RelatedPanel.Opened).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from reader.core.models import Headline, RelatedItem, SearchHit
from reader.core.search import Matcher


@dataclass
class OpenArticle(Message):
    """Open a stored article by id (from the command palette, for instance)."""

    article_id: int


@dataclass
class SearchFinished(Message):
    """A search worker's result; `request` tells stale results from the newest one."""

    request: int
    query: str
    hits: list[SearchHit]
    headlines: list[Headline]
    matcher: Matcher | None
    error: str | None = None
    more: bool = False  # the search found more than the hits it returned (the limit was hit)


@dataclass
class RelatedFound(Message):
    """Related news for `article_id`; dropped if another article was opened meanwhile."""

    article_id: int
    items: list[RelatedItem] | None
    error: str | None = None
